// Dashboard behaviour that htmx attributes cannot express: the reconnect cursor, keeping the
// reader's place while rows arrive, the "N new invoices" button, a bounded DOM, and button states.
// No inline handlers anywhere: the page runs under script-src 'self'.
(function () {
  'use strict';

  var MAX_ROWS = 500;          // rows kept in the DOM; infinite scroll brings trimmed ones back
  var TRIM_BATCH = 50;         // trim in batches, not on every row
  var PAGE_SIZE = 50;
  var TOP_SLACK_PX = 24;       // "at the top" tolerance
  var NEW_ROW_MS = 1700;       // how long a row keeps the is-new highlight
  var PENDING_FALLBACK_MS = 5000;

  var live = document.getElementById('live');
  if (!live) {
    return;
  }

  var tbody = document.getElementById('invoice-rows');
  var statusEl = document.getElementById('status');
  var flash = document.getElementById('flash');
  var newButton = document.getElementById('new-invoices');
  var startButton = document.getElementById('start-button');
  var stopButton = document.getElementById('stop-button');
  var reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;

  var unseen = 0;
  var returningUntil = 0;     // while the "new invoices" button's smooth scroll runs, the reader counts as at the top
  var beforeSwap = null;
  var statusSeq = 0;
  var pending = null; // { seq, savedStatus, timer } while START/STOP is in flight

  var header = document.querySelector('.top');

  // "At the top" = the newest row is in view: below the header where the header is sticky (wide
  // screens), below the viewport's top edge where it scrolls away (phones).
  function newestRowVisible() {
    var floor = getComputedStyle(header).position === 'sticky' ? header.getBoundingClientRect().bottom : 0;
    return tbody.getBoundingClientRect().top >= floor - TOP_SLACK_PX;
  }

  function atTop() {
    return newestRowVisible() || Date.now() < returningUntil;
  }

  // htmx's SSE extension opens a NEW EventSource (without Last-Event-ID) when the old one is closed,
  // reading the sse-connect attribute again: keep its cursor at the newest row this page has.
  function rememberCursor(id) {
    var url = new URL(live.getAttribute('sse-connect'), window.location.href);
    url.searchParams.set('after', id);
    live.setAttribute('sse-connect', url.pathname + url.search);
  }

  function showNewButton() {
    if (unseen <= 0) {
      newButton.hidden = true;
      return;
    }
    newButton.textContent = unseen + (unseen === 1 ? ' new invoice' : ' new invoices');
    newButton.hidden = false;
  }

  function loaderRow(beforeId) {
    var tr = document.createElement('tr');
    tr.className = 'load-more';
    tr.setAttribute('hx-get', '/invoices?before=' + beforeId + '&size=' + PAGE_SIZE);
    tr.setAttribute('hx-trigger', 'revealed');
    tr.setAttribute('hx-swap', 'outerHTML');
    var td = document.createElement('td');
    td.colSpan = 7;
    var spinner = document.createElement('span');
    spinner.className = 'spinner';
    spinner.setAttribute('aria-hidden', 'true');
    td.append(spinner, ' Loading older invoices\u2026');
    tr.append(td);
    return tr;
  }

  // Keeps the DOM bounded: removes rows beyond MAX_ROWS, but only below what the reader can see,
  // and ends the table with a loader that fetches them again when scrolled to.
  function trim() {
    var rows = tbody.querySelectorAll('tr[data-invoice-id]');
    if (rows.length <= MAX_ROWS + TRIM_BATCH || tbody.querySelector('.load-more.htmx-request')) {
      return;
    }
    var limit = window.innerHeight + 200;
    var keepIndex = MAX_ROWS - 1;
    while (keepIndex < rows.length - 1 && rows[keepIndex].getBoundingClientRect().top < limit) {
      keepIndex++;
    }
    if (keepIndex >= rows.length - 1) {
      return;
    }
    var keep = rows[keepIndex];
    while (keep.nextElementSibling) {
      keep.nextElementSibling.remove();
    }
    var loader = loaderRow(keep.getAttribute('data-invoice-id'));
    tbody.append(loader);
    htmx.process(loader);
  }

  // ---- rows arriving over SSE (swapped in by htmx at the top of the tbody) ----
  tbody.addEventListener('htmx:sseBeforeMessage', function () {
    beforeSwap = { atTop: atTop(), height: tbody.getBoundingClientRect().height };
  });

  tbody.addEventListener('htmx:sseMessage', function (evt) {
    var id = evt.detail && evt.detail.lastEventId;
    if (id && /^\d+$/.test(id)) {
      rememberCursor(id);
    }
    var row = tbody.firstElementChild;
    if (row && row.classList.contains('is-new')) {
      window.setTimeout(function () { row.classList.remove('is-new'); }, NEW_ROW_MS);
    }
    if (beforeSwap && !beforeSwap.atTop) {
      // The reader is further down: keep what they read where it was, and count what arrived.
      window.scrollBy(0, tbody.getBoundingClientRect().height - beforeSwap.height);
      unseen++;
      showNewButton();
    }
    beforeSwap = null;
    trim();
  });

  window.addEventListener('scroll', function () {
    if (newestRowVisible()) {
      returningUntil = 0;
    }
    if (unseen > 0 && atTop()) {
      unseen = 0;
      showNewButton();
    }
  }, { passive: true });

  newButton.addEventListener('click', function () {
    unseen = 0;
    showNewButton();
    returningUntil = Date.now() + 2000;
    window.scrollTo({ top: 0, behavior: reducedMotion ? 'auto' : 'smooth' });
  });

  // ---- status and the buttons ----
  function applyControls() {
    if (pending) {
      return;
    }
    var badge = statusEl.querySelector('[data-state]');
    if (!badge) {
      return;
    }
    // Viewers without the Operator/Admin role watch only: their buttons stay disabled.
    var canControl = startButton.closest('[data-can-control]').getAttribute('data-can-control') === 'true';
    startButton.disabled = !canControl || badge.getAttribute('data-can-start') !== 'true';
    stopButton.disabled = !canControl || badge.getAttribute('data-can-stop') !== 'true';
  }

  function endPending() {
    if (pending) {
      window.clearTimeout(pending.timer);
      pending = null;
    }
    applyControls();
  }

  statusEl.addEventListener('htmx:sseMessage', function () {
    statusSeq++;
    endPending();
  });

  function controlOf(evt) {
    var elt = evt.detail && evt.detail.elt;
    return elt && elt.closest ? elt.closest('form[data-control]') : null;
  }

  function stoppingBadge() {
    var badge = document.createElement('span');
    badge.className = 'status-badge state-stopping';
    badge.setAttribute('data-state', 'stopping');
    badge.setAttribute('data-can-start', 'false');
    badge.setAttribute('data-can-stop', 'false');
    var dot = document.createElement('span');
    dot.className = 'status-dot';
    dot.setAttribute('aria-hidden', 'true');
    var text = document.createElement('strong');
    text.className = 'status-headline';
    text.textContent = 'Stopping\u2026';
    badge.append(dot, text);
    return badge;
  }

  document.body.addEventListener('htmx:beforeRequest', function (evt) {
    var form = controlOf(evt);
    if (!form) {
      return;
    }
    // Both buttons wait for the server's answer; the new state itself comes over the stream.
    startButton.disabled = true;
    stopButton.disabled = true;
    var saved = null;
    if (form.getAttribute('data-control') === 'stop') {
      saved = statusEl.innerHTML;
      statusEl.replaceChildren(stoppingBadge());
    }
    pending = { seq: statusSeq, savedStatus: saved, timer: 0 };
  });

  document.body.addEventListener('htmx:afterRequest', function (evt) {
    if (!controlOf(evt) || !pending) {
      return;
    }
    // A 409 is swapped (it carries the message) but changed nothing.
    var ok = evt.detail.successful && evt.detail.xhr && evt.detail.xhr.status < 400;
    if (!ok || statusSeq !== pending.seq) {
      if (!ok && statusSeq === pending.seq && pending.savedStatus !== null) {
        statusEl.innerHTML = pending.savedStatus;
      }
      endPending();
      return;
    }
    // Accepted, and the stream has not told us the new state yet: wait for it (not forever).
    pending.timer = window.setTimeout(endPending, PENDING_FALLBACK_MS);
  });

  function showError(message) {
    var p = document.createElement('p');
    p.className = 'flash-message is-error';
    p.textContent = message;
    flash.replaceChildren(p);
  }

  document.body.addEventListener('htmx:responseError', function (evt) {
    if (controlOf(evt)) {
      showError('The server refused that (' + evt.detail.xhr.status + '). Reload the page and try again.');
    }
  });

  document.body.addEventListener('htmx:sendError', function (evt) {
    if (controlOf(evt)) {
      showError('Could not reach the server. Check the connection and try again.');
    }
  });

  // ---- connection state ----
  live.addEventListener('htmx:sseError', function () { live.classList.add('is-reconnecting'); });
  live.addEventListener('htmx:sseOpen', function () { live.classList.remove('is-reconnecting'); });

  // Rows rendered by the server carry no highlight; is-new only marks arrivals.
  applyControls();
})();
