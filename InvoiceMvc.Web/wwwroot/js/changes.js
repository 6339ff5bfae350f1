// What changed after a page showed it (a payment, a void) comes back over the page's one stream as a
// "changed" event: an out-of-band swap of the element with the same id. A page that does not show that
// element (a trimmed row, a row filtered out) lets it pass rather than have htmx report a missing
// target; a page that does shows it replaced, tinted for a moment.
(function () {
  'use strict';

  var CHANGED_MS = 1700;

  function targetId(data) {
    var m = /[\s<]id="([A-Za-z][\w-]*)"/.exec(data || '');
    return m ? m[1] : null;
  }

  document.addEventListener('htmx:sseBeforeMessage', function (evt) {
    var sink = evt.target;
    if (!sink.hasAttribute || !sink.hasAttribute('data-changes')) {
      return;
    }
    var id = targetId(evt.detail && evt.detail.data);
    if (!id || !document.getElementById(id)) {
      evt.preventDefault();
    }
  });

  document.addEventListener('htmx:sseMessage', function (evt) {
    var sink = evt.target;
    if (!sink.hasAttribute || !sink.hasAttribute('data-changes')) {
      return;
    }
    var el = document.getElementById(targetId(evt.detail && evt.detail.data) || '');
    if (el && el.tagName === 'TR') {
      el.classList.add('is-changed');
      window.setTimeout(function () { el.classList.remove('is-changed'); }, CHANGED_MS);
    }
  });
})();
