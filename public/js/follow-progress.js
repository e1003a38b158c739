// Progressive enhancement for pages that show work running in the background (a panel import, a
// wave's invitations being sent). Without script, the page offers a link that shows the progress
// again; a page that reloaded itself would throw a screen reader back to the top every time
// (WCAG 2.2.1). With script, the page asks itself again every 2 seconds and updates only the
// progress region in place; once the work is over, the page's content takes the finished state
// and the focus moves to what it says, so the result is read out once.
(function () {
  'use strict';
  // The region names the page to ask: a refused form's page was not reached by that address.
  var region = document.querySelector('[data-follow-progress]');
  if (!region || !window.fetch || !window.DOMParser) return;
  var address = region.getAttribute('data-follow-progress') || window.location.href;
  var EVERY_MS = 2000;
  var main = document.getElementById('main');
  var hint = region.querySelector('[data-follow-hint]');
  if (hint) hint.hidden = true;

  function update(html) {
    var next = new DOMParser().parseFromString(html, 'text/html');
    var nextRegion = next.querySelector('[data-follow-progress]');
    if (nextRegion && nextRegion.id === region.id) {
      // Still running: the figures only, so the live region says the new ones and nothing moves.
      var bars = region.querySelectorAll('progress, label, [data-follow-figure]');
      var nextBars = nextRegion.querySelectorAll('progress, label, [data-follow-figure]');
      if (bars.length !== nextBars.length) return replaceMain(next);
      for (var i = 0; i < bars.length; i++) {
        if (bars[i].tagName === 'PROGRESS') {
          if (nextBars[i].hasAttribute('max')) bars[i].max = Number(nextBars[i].getAttribute('max'));
          if (nextBars[i].hasAttribute('value')) bars[i].value = Number(nextBars[i].getAttribute('value'));
        } else bars[i].textContent = nextBars[i].textContent;
      }
      return schedule();
    }
    replaceMain(next);
  }

  function replaceMain(next) {
    var nextMain = next.getElementById('main');
    if (!main || !nextMain) return window.location.assign(address);
    main.innerHTML = nextMain.innerHTML;
    var said = main.querySelector('[role="status"], [role="alert"]') || main;
    if (!said.hasAttribute('tabindex')) said.setAttribute('tabindex', '-1');
    said.focus();
    region = main.querySelector('[data-follow-progress]');
    if (region) {
      hint = region.querySelector('[data-follow-hint]');
      if (hint) hint.hidden = true;
      schedule();
    }
  }

  function schedule() {
    window.setTimeout(function () {
      window
        .fetch(address, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.text();
        })
        .then(update)
        // A failed poll is tried again; the link in the hint still works.
        .catch(function () {
          if (hint) hint.hidden = false;
          schedule();
        });
    }, EVERY_MS);
  }

  schedule();
})();
