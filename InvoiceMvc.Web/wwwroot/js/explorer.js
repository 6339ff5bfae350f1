// Explorer behaviour that htmx attributes cannot express: showing the form's messages (a 400 answer
// is swapped here, unlike elsewhere), the live stream's reconnect cursor, the "N new invoices" button
// when the reader has scrolled away, and keeping the newer of two count-and-sums answers.
// No inline handlers anywhere: the page runs under script-src 'self'.
(function () {
  'use strict';

  var NEW_ROW_MS = 1700;
  var TOP_SLACK_PX = 24;

  var explorer = document.getElementById('explorer');
  if (!explorer) {
    return;
  }

  var reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  var unseen = 0;
  var returningUntil = 0;
  var beforeSwap = null;

  function rows() { return document.getElementById('explorer-rows'); }
  function newButton() { return document.getElementById('new-invoices'); }

  function atTop() {
    var tbody = rows();
    return !tbody || tbody.getBoundingClientRect().top >= -TOP_SLACK_PX || Date.now() < returningUntil;
  }

  function showNewButton() {
    var button = newButton();
    if (!button) {
      return;
    }
    if (unseen <= 0) {
      button.hidden = true;
      return;
    }
    button.textContent = unseen + (unseen === 1 ? ' new invoice' : ' new invoices');
    button.hidden = false;
  }

  function asOf(html) {
    var m = /data-as-of="(\d+)"/.exec(html || '');
    return m ? Number(m[1]) : -1;
  }

  function currentAsOf() {
    var figures = document.querySelector('#summary [data-as-of]');
    return figures ? Number(figures.getAttribute('data-as-of')) : -1;
  }

  // Blank fields stay out of the URL (as QueryPairs leaves them out of every link), so a pushed URL reads as the filter.
  document.body.addEventListener('htmx:configRequest', function (evt) {
    var elt = evt.detail.elt;
    if (!elt || elt.id !== 'filters') {
      return;
    }
    var params = evt.detail.parameters;
    Object.keys(params).forEach(function (key) {
      if (params[key] === '') {
        delete params[key];
      }
    });
  });

  document.body.addEventListener('htmx:beforeSwap', function (evt) {
    var d = evt.detail;
    // A filter the server refused comes back 400 with the form and a message beside each field.
    if (d.target === explorer && d.xhr.status === 400 && /text\/html/.test(d.xhr.getResponseHeader('Content-Type') || '')) {
      d.shouldSwap = true;
      d.isError = false;
    }
    // The stream's summary may already be newer than the page's first count: keep the newer one.
    if (d.target && d.target.id === 'summary' && asOf(d.serverResponse) < currentAsOf()) {
      d.shouldSwap = false;
    }
  });

  // New filter, new region: the count of unseen rows belongs to the old results.
  explorer.addEventListener('htmx:afterSwap', function (evt) {
    if (evt.detail.target === explorer) {
      unseen = 0;
    }
  });

  document.body.addEventListener('htmx:sseBeforeMessage', function (evt) {
    var target = evt.target;
    if (target.id === 'summary') {
      if (asOf(evt.detail && evt.detail.data) < currentAsOf()) {
        evt.preventDefault();
      }
      return;
    }
    if (target.id === 'explorer-rows') {
      beforeSwap = { atTop: atTop(), height: target.offsetHeight };
    }
  });

  document.body.addEventListener('htmx:sseMessage', function (evt) {
    var tbody = evt.target;
    if (tbody.id !== 'explorer-rows') {
      return;
    }
    // htmx's SSE extension reopens a dropped stream from the sse-connect attribute: keep it after the newest row.
    var id = evt.detail && evt.detail.lastEventId;
    var results = document.getElementById('results');
    if (id && /^\d+$/.test(id) && results && results.getAttribute('sse-connect')) {
      var url = new URL(results.getAttribute('sse-connect'), window.location.href);
      url.searchParams.set('after', id);
      results.setAttribute('sse-connect', url.pathname + url.search);
    }
    var row = tbody.firstElementChild;
    if (row && row.classList.contains('is-new')) {
      window.setTimeout(function () { row.classList.remove('is-new'); }, NEW_ROW_MS);
    }
    if (beforeSwap && !beforeSwap.atTop) {
      window.scrollBy(0, tbody.offsetHeight - beforeSwap.height);
      unseen++;
      showNewButton();
    }
    beforeSwap = null;
  });

  window.addEventListener('scroll', function () {
    var tbody = rows();
    if (tbody && tbody.getBoundingClientRect().top >= -TOP_SLACK_PX) {
      returningUntil = 0;
    }
    if (unseen > 0 && atTop()) {
      unseen = 0;
      showNewButton();
    }
  }, { passive: true });

  document.body.addEventListener('click', function (evt) {
    if (evt.target && evt.target.id === 'new-invoices') {
      unseen = 0;
      showNewButton();
      returningUntil = Date.now() + 2000;
      var tbody = rows();
      var top = tbody ? window.scrollY + tbody.getBoundingClientRect().top - 80 : 0;
      window.scrollTo({ top: Math.max(0, top), behavior: reducedMotion ? 'auto' : 'smooth' });
    }
  });
})();
