// Every tab's stream through one shared connection (js/stream-worker.js, decision 019): htmx's SSE
// extension asks htmx.createEventSource for its EventSource, and gets one that looks the same to it
// (addEventListener, onopen, onerror, readyState, close) but whose events come from the worker.
// Where SharedWorker is missing (Chrome on Android, older Safari) or refused, nothing changes: each tab
// opens its own EventSource, as before.
(function () {
  'use strict';

  var script = document.currentScript;
  if (!window.htmx || typeof window.SharedWorker !== 'function' || !script || !script.dataset.worker) {
    return;
  }

  var port;
  try {
    port = new SharedWorker(script.dataset.worker, { name: 'invoicemvc-streams' }).port;
  } catch (e) {
    return;
  }

  var CONNECTING = 0, OPEN = 1, CLOSED = 2;
  var sources = {};
  var nextId = 1;

  function SharedSource(url) {
    this.url = new URL(url, window.location.href).href;
    this.withCredentials = true;
    this.readyState = CONNECTING;
    this.onopen = this.onerror = this.onmessage = null;
    this._id = nextId++;
    this._listeners = {};
    this._lastId = '';
    sources[this._id] = this;
    this._subscribe();
  }

  SharedSource.prototype._subscribe = function () {
    var url = new URL(this.url);
    port.postMessage({ type: 'subscribe', id: this._id, url: url.pathname + url.search, lastId: this._lastId });
  };

  SharedSource.prototype.addEventListener = function (type, fn) {
    (this._listeners[type] = this._listeners[type] || []).push(fn);
  };

  SharedSource.prototype.removeEventListener = function (type, fn) {
    var list = this._listeners[type] || [];
    var i = list.indexOf(fn);
    if (i >= 0) {
      list.splice(i, 1);
    }
  };

  SharedSource.prototype.close = function () {
    if (this.readyState !== CLOSED) {
      this.readyState = CLOSED;
      delete sources[this._id];
      port.postMessage({ type: 'close', id: this._id });
    }
  };

  SharedSource.prototype._fire = function (type, evt) {
    var handler = this['on' + type];
    if (typeof handler === 'function') {
      handler.call(this, evt);
    }
    (this._listeners[type] || []).slice().forEach(function (fn) { fn.call(this, evt); }, this);
  };

  SharedSource.prototype._receive = function (msg) {
    if (msg.type === 'open') {
      if (this.readyState !== OPEN) {
        this.readyState = OPEN;
        this._fire('open', new Event('open'));
      }
    } else if (msg.type === 'error') {
      this.readyState = CONNECTING; // the worker reconnects, as an EventSource would by itself
      this._fire('error', new Event('error'));
    } else if (msg.type === 'refused') {
      this.close(); // as a 400 leaves an EventSource closed
      this._fire('error', new Event('error'));
    } else if (msg.type === 'event') {
      this._lastId = msg.lastEventId;
      var evt = new MessageEvent(msg.event, { data: msg.data, lastEventId: msg.lastEventId, origin: window.location.origin });
      this._fire(msg.event, evt);
    }
  };

  port.onmessage = function (m) {
    var source = sources[m.data && m.data.id];
    if (source) {
      source._receive(m.data);
    }
  };
  port.start();

  // The worker cannot see a tab go: say so, and say it is alive while it is here.
  window.addEventListener('pagehide', function () { port.postMessage({ type: 'bye' }); });
  window.addEventListener('pageshow', function (evt) {
    if (evt.persisted) {
      Object.keys(sources).forEach(function (id) { sources[id]._subscribe(); });
    }
  });
  window.setInterval(function () { port.postMessage({ type: 'alive' }); }, 10000);

  window.htmx.createEventSource = function (url) { return new SharedSource(url); };
})();
