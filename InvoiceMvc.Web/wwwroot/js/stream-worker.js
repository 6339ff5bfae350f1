// One connection for all of a browser's tabs (decision 019). Browsers open at most six HTTP/1.1
// connections to one origin; if every tab held its own stream, a seventh tab's page would wait behind
// them forever. This SharedWorker holds the streams of every tab of this origin over one request to
// /events/shared (s = each tab's own stream address, l = the last event id that tab has) and hands
// each tab its own events. The server keeps nothing between requests: whenever the set of tabs
// changes, the worker asks again with every tab's cursor, keeping the old connection until the new
// one is open (rows seen twice in that overlap are dropped by id), and after a drop it asks again
// after 1-3 s, drawn per worker so a restarted instance's viewers come back spread out.
'use strict';

var MAX_PER_CONNECTION = 32;   // SharedStream.MaxStreams
var SETTLE_MS = 50;            // tabs opened together share one new connection
var RETRY_MIN_MS = 1000, RETRY_SPREAD_MS = 2000;
var STALE_MS = 35000;          // a tab that stopped saying it is alive (crashed, killed) is dropped

var subs = [];                 // { port, id, url, lastId, seen }
var connections = [];          // { source, order, opened }
var settleTimer = null, retryTimer = null;

function isNewer(id, lastId) {
  return !lastId || !/^\d+$/.test(id) || !/^\d+$/.test(lastId) || Number(id) > Number(lastId);
}

function send(sub, msg) {
  msg.id = sub.id;
  sub.port.postMessage(msg);
}

function onFrame(connection, evt) {
  var data = evt.data;
  var nl = data.indexOf('\n');
  var head = (nl < 0 ? data : data.slice(0, nl)).split(' ');
  var body = nl < 0 ? '' : data.slice(nl + 1);
  var sub = connection.order[Number(head[0])];
  if (!sub || subs.indexOf(sub) < 0) {
    return;
  }
  var type = head[1], id = head[2] === '-' ? '' : head[2];
  if (type === 'refused') {
    subs.splice(subs.indexOf(sub), 1);
    send(sub, { type: 'refused', data: body });
    return;
  }
  if (id) {
    if (!isNewer(id, sub.lastId)) {
      return; // the same row from the connection being replaced
    }
    sub.lastId = id;
  }
  send(sub, { type: 'event', event: type, data: body, lastEventId: sub.lastId || '' });
}

function connect(group) {
  var query = group.map(function (sub) {
    return 's=' + encodeURIComponent(sub.url) + '&l=' + encodeURIComponent(sub.lastId || '');
  }).join('&');
  var connection = { source: new EventSource('/events/shared?' + query), order: group.slice(), opened: false };
  connection.source.addEventListener('frame', function (evt) { onFrame(connection, evt); });
  connection.source.onopen = function () {
    connection.opened = true;
    connection.order.forEach(function (sub) { send(sub, { type: 'open' }); });
    retire();
  };
  connection.source.onerror = function () {
    connection.source.close();
    var i = connections.indexOf(connection);
    if (i < 0) {
      return; // already replaced
    }
    connections.splice(i, 1);
    connection.order.forEach(function (sub) { if (subs.indexOf(sub) >= 0) { send(sub, { type: 'error' }); } });
    if (!retryTimer) {
      retryTimer = setTimeout(function () { retryTimer = null; reconnect(); }, RETRY_MIN_MS + Math.random() * RETRY_SPREAD_MS);
    }
  };
  return connection;
}

// The connections a new set replaced close once every new one is open.
var replacing = [];
function retire() {
  if (connections.every(function (c) { return c.opened; })) {
    replacing.forEach(function (c) { c.source.close(); });
    replacing = [];
  }
}

function reconnect() {
  clearTimeout(settleTimer);
  settleTimer = null;
  replacing = replacing.concat(connections);
  connections = [];
  for (var i = 0; i < subs.length; i += MAX_PER_CONNECTION) {
    connections.push(connect(subs.slice(i, i + MAX_PER_CONNECTION)));
  }
  retire();
}

function changed() {
  if (!settleTimer) {
    settleTimer = setTimeout(reconnect, SETTLE_MS);
  }
}

function drop(match) {
  var before = subs.length;
  subs = subs.filter(function (sub) { return !match(sub); });
  if (subs.length !== before) {
    changed();
  }
}

self.onconnect = function (e) {
  var port = e.ports[0];
  port.onmessage = function (m) {
    var msg = m.data || {};
    var now = Date.now();
    if (msg.type === 'subscribe') {
      drop(function (sub) { return sub.port === port && sub.id === msg.id; });
      subs.push({ port: port, id: msg.id, url: msg.url, lastId: msg.lastId || '', seen: now });
      changed();
    } else if (msg.type === 'close') {
      drop(function (sub) { return sub.port === port && sub.id === msg.id; });
    } else if (msg.type === 'bye') {
      drop(function (sub) { return sub.port === port; });
    } else if (msg.type === 'alive') {
      subs.forEach(function (sub) { if (sub.port === port) { sub.seen = now; } });
    }
  };
  port.start();
};

setInterval(function () {
  var now = Date.now();
  drop(function (sub) { return now - sub.seen > STALE_MS; });
}, 10000);
