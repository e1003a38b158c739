// Progressive enhancement for the respondent's pages. The server applies every rule again; this
// script only makes the page react at once: questions and options that depend on answers on the
// same page appear and disappear, exclusive options clear the others, a typed "other" text ticks
// its option, errors go away once answered, and focus moves to the error summary. It also makes a
// flaky connection lose nothing: what is typed is kept on the device (localStorage) until the
// page is saved, and a page whose POST fails for lack of network is kept and sent again when the
// connection returns (the server's revision check and idempotent submit make a replay safe). A
// page the server could not save because its database is away (503) is kept the same way and sent
// again on a backoff from the server's Retry-After, or at once with the "try again now" button.
// The condition format is the survey language's (server/surveys/conditions.ts); the server sends
// each one already reduced to its same-page part.
(function () {
  'use strict';
  var form = document.getElementById('survey-form');
  var summary = document.getElementById('error-summary');
  var strings = readStrings();
  var STORAGE_PREFIX = 'barometer:';

  if ('serviceWorker' in navigator) {
    // The worker keeps copies of the question pages so that a reload offline still shows them.
    navigator.serviceWorker.register('/s/offline-worker.js', { scope: '/s/' }).catch(function () {});
  }
  wireCopyButtons();
  if (summary) {
    summary.focus();
    // Following a link in the summary puts the cursor in the field, not only the page on it.
    summary.addEventListener('click', function (event) {
      var link = event.target.closest ? event.target.closest('a[href^="#"]') : null;
      var field = link && document.getElementById(link.getAttribute('href').slice(1));
      if (!field) return;
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: 'center' });
    });
  }
  var ended = endedSurveyOf(location.pathname);
  if (ended) forgetSurvey(ended);
  if (!form) return;

  /** The survey whose thank-you or screened-out page `path` is (its response has ended), or null. */
  function endedSurveyOf(path) {
    var ending = /^\/s\/([^/]+)\/(thanks|screened-out)$/.exec(path);
    return ending ? decodeURIComponent(ending[1]) : null;
  }

  function readStrings() {
    var block = document.getElementById('take-strings');
    try {
      return block ? JSON.parse(block.textContent) : {};
    } catch {
      return {};
    }
  }

  // --- Display logic -------------------------------------------------------------------------

  function answerOf(questionId) {
    var inputs = form.querySelectorAll('[name="' + questionId + '"]');
    var values = [];
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if ((input.type === 'checkbox' || input.type === 'radio') && !input.checked) continue;
      if (input.closest('[hidden]')) continue;
      if (input.value !== '') values.push(input.value);
    }
    if (inputs.length && inputs[0].type === 'checkbox') return values;
    return values.length ? values[0] : undefined;
  }

  function same(answer, expected) {
    if (typeof expected === 'number') return answer !== '' && Number(answer) === expected;
    return String(answer) === String(expected);
  }

  function holds(c) {
    if (c.all) return c.all.every(holds);
    if (c.any) return c.any.some(holds);
    if (c.not) return !holds(c.not);
    var value = answerOf(c.question);
    var answered = Array.isArray(value) ? value.length > 0 : value !== undefined;
    if ('answered' in c) return answered === c.answered;
    if (!answered) return false;
    if ('equals' in c) return !Array.isArray(value) && same(value, c.equals);
    if ('in' in c) return !Array.isArray(value) && c.in.some(function (v) { return same(value, v); });
    if ('includes' in c) return Array.isArray(value) && value.indexOf(c.includes) >= 0;
    var n = Number(value);
    if (Array.isArray(value) || isNaN(n)) return false;
    if ('gt' in c) return n > c.gt;
    if ('gte' in c) return n >= c.gte;
    if ('lt' in c) return n < c.lt;
    if ('lte' in c) return n <= c.lte;
    return false;
  }

  function refresh() {
    var dynamic = form.querySelectorAll('[data-show-if]');
    for (var i = 0; i < dynamic.length; i++) {
      var el = dynamic[i];
      var show = holds(JSON.parse(el.getAttribute('data-show-if')));
      el.hidden = !show;
      var fields = el.querySelectorAll('input, select, textarea');
      for (var j = 0; j < fields.length; j++) fields[j].disabled = !show;
    }
    // "Other" boxes stay visible whatever is ticked (as without JavaScript): see syncOtherBox.
    var boxes = form.querySelectorAll('[data-specify-for]');
    for (var k = 0; k < boxes.length; k++) syncOtherBox(boxes[k]);
  }

  function applyExclusive(target) {
    if (target.type !== 'checkbox' || !target.checked) return;
    var group = form.querySelectorAll('input[type=checkbox][name="' + target.name + '"]');
    for (var i = 0; i < group.length; i++) {
      var other = group[i];
      if (other === target) continue;
      if (target.getAttribute('data-exclusive') === 'true' || other.getAttribute('data-exclusive') === 'true') other.checked = false;
    }
  }

  // --- "Other" texts ---------------------------------------------------------------------------
  // Typing a text ticks its option. Unticking the option while its box holds text throws nothing
  // away silently: the text stays visible but is not sent (its name is set aside), with a hint,
  // until the respondent ticks the option again or goes back into the box.

  function otherBoxOf(element) {
    return element.closest ? element.closest('[data-specify-for]') : null;
  }

  function textOf(box) {
    return box.querySelector('input, textarea');
  }

  function syncOtherBox(box) {
    var option = document.getElementById(box.getAttribute('data-specify-for'));
    var text = textOf(box);
    if (!option || !text) return;
    var park = !option.checked && !option.disabled && text.value.trim() !== '';
    if (park === text.hasAttribute('data-name')) return;
    var hintId = text.id + '-parked';
    if (park) {
      text.setAttribute('data-name', text.name);
      text.removeAttribute('name');
      text.readOnly = true;
      var hint = document.createElement('p');
      hint.className = 'hint';
      hint.id = hintId;
      hint.textContent = strings.other_parked || '';
      box.appendChild(hint);
      text.setAttribute('aria-describedby', hintId);
    } else {
      text.name = text.getAttribute('data-name');
      text.removeAttribute('data-name');
      text.readOnly = false;
      var parkedHint = document.getElementById(hintId);
      if (parkedHint) parkedHint.parentNode.removeChild(parkedHint);
      text.removeAttribute('aria-describedby');
    }
  }

  function chooseOptionOf(box) {
    var option = document.getElementById(box.getAttribute('data-specify-for'));
    if (!option || option.checked || option.disabled) return;
    option.checked = true;
    applyExclusive(option);
    refresh();
    settleErrors(option);
  }

  form.addEventListener('click', function (event) {
    var box = otherBoxOf(event.target);
    if (box && event.target === textOf(box) && event.target.hasAttribute('data-name')) chooseOptionOf(box);
  });
  form.addEventListener('keydown', function (event) {
    var box = otherBoxOf(event.target);
    var typing = event.key && (event.key.length === 1 || event.key === 'Backspace' || event.key === 'Delete');
    if (box && typing && event.target.hasAttribute('data-name')) chooseOptionOf(box);
  });

  // --- Errors go away once answered ------------------------------------------------------------

  function isAnswered(group) {
    var rows = group.hasAttribute('data-row') ? [] : group.querySelectorAll('[data-row]');
    if (rows.length) {
      for (var r = 0; r < rows.length; r++) if (!isAnswered(rows[r])) return false;
      return true;
    }
    var fields = group.querySelectorAll('input, select, textarea');
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.disabled || field.closest('[hidden]') || otherBoxOf(field)) continue;
      if (field.type === 'checkbox' || field.type === 'radio') {
        if (field.checked) return true;
      } else if (field.value.trim() !== '') return true;
    }
    return false;
  }

  function clearErrors(group) {
    var messages = group.querySelectorAll('.field-error');
    for (var i = 0; i < messages.length; i++) messages[i].parentNode.removeChild(messages[i]);
    group.classList.remove('has-error');
    var invalid = group.querySelectorAll('[aria-invalid]');
    for (var j = 0; j < invalid.length; j++) invalid[j].removeAttribute('aria-invalid');
    if (!summary) return;
    var links = summary.querySelectorAll('a[href^="#"]');
    for (var k = 0; k < links.length; k++) {
      var target = document.getElementById(links[k].getAttribute('href').slice(1));
      var entry = links[k].closest('li') || links[k];
      if (target && group.contains(target)) entry.parentNode.removeChild(entry);
    }
    if (!summary.querySelector('a[href^="#"]')) summary.hidden = true;
  }

  function settleErrors(target) {
    var row = target.closest('[data-row]');
    if (row && row.querySelector('.field-error') && isAnswered(row)) clearErrors(row);
    var question = target.closest('fieldset.question.has-error');
    if (question && isAnswered(question)) clearErrors(question);
  }

  // --- Drafts kept on the device ---------------------------------------------------------------
  // Keys: barometer:<survey>:<response>:draft:<page> and barometer:<survey>:<response>:pending.

  var action = form.getAttribute('action') || location.pathname;
  var place = /^\/s\/([^/]+)\/p\/([^/?#]+)/.exec(action);
  var responseField = form.querySelector('input[name="response"]');
  var surveyId = place ? decodeURIComponent(place[1]) : '';
  var responseId = responseField ? responseField.value : '';
  var canKeep = Boolean(place && responseId);
  var draftKey = STORAGE_PREFIX + surveyId + ':' + responseId + ':draft:' + (place ? place[2] : '');
  var pendingKey = STORAGE_PREFIX + surveyId + ':' + responseId + ':pending';

  function load(key) {
    try {
      var stored = localStorage.getItem(key);
      return stored ? JSON.parse(stored) : null;
    } catch {
      return null;
    }
  }

  /** Whether the value is kept: storage may be full or refused (Safari's private windows). */
  function store(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
      return true;
    } catch {
      return false;
    }
  }

  function drop(key) {
    try {
      localStorage.removeItem(key);
    } catch {
      // Nothing was kept.
    }
  }

  /** Drops what is kept for a survey, except the response `keep`'s. */
  function forgetSurvey(survey, keep) {
    var prefix = STORAGE_PREFIX + survey + ':';
    try {
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var key = localStorage.key(i);
        if (key.indexOf(prefix) === 0 && !(keep && key.indexOf(prefix + keep + ':') === 0)) localStorage.removeItem(key);
      }
    } catch {
      // Nothing was kept.
    }
  }

  /** The page's fields by id: ticked or not, or the text typed (an unsent "other" text too). */
  function fieldsState() {
    var state = {};
    var fields = form.querySelectorAll('input[id], select[id], textarea[id]');
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.type === 'hidden' || field.closest('.honeypot')) continue;
      state[field.id] = field.type === 'checkbox' || field.type === 'radio' ? field.checked : field.value;
    }
    return state;
  }

  function differsFromPage(state) {
    var now = fieldsState();
    for (var id in state) if (id in now && now[id] !== state[id]) return true;
    return false;
  }

  function putBack(state) {
    for (var id in state) {
      var field = document.getElementById(id);
      if (!field || !form.contains(field)) continue;
      if (field.type === 'checkbox' || field.type === 'radio') field.checked = state[id] === true;
      else field.value = String(state[id]);
    }
  }

  // --- Submitting through fetch, kept when the network fails -----------------------------------

  var buttons = form.querySelectorAll('button[type="submit"], button:not([type])');
  var status = document.createElement('p');
  status.id = 'submit-status';
  status.setAttribute('role', 'status');
  var actions = form.querySelector('.actions');
  if (actions) actions.parentNode.insertBefore(status, actions.nextSibling);
  else form.appendChild(status);
  var retryNow = document.createElement('button');
  retryNow.type = 'button';
  retryNow.className = 'secondary';
  retryNow.id = 'retry-now';
  retryNow.hidden = true;
  status.parentNode.insertBefore(retryNow, status.nextSibling);
  var sending = false;
  var retryDelay = 5000;
  var retryTimer = 0;
  var lastPressed = null;
  // The submission waiting for the network. Kept in memory as well as on the device: where storage
  // is refused it is still sent when the network returns, as long as the page stays open.
  var waiting = null;

  function say(element, text) {
    element.textContent = text || '';
    element.classList.toggle('notice', Boolean(text));
  }

  function bodyOf(submitter) {
    var body = new URLSearchParams();
    new FormData(form).forEach(function (value, name) { body.append(name, String(value)); });
    if (submitter && submitter.name) body.append(submitter.name, submitter.value);
    return body.toString();
  }

  function setBusy(busy) {
    sending = busy;
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = busy;
  }

  /**
   * What the server answered, shown as a plain submit would show it: a redirect is followed; any
   * other answer (a 422 with errors, a 403, a 409, a 5xx) comes from posting the form natively,
   * which the server answers the same way (a refused page stores nothing) and whose page then runs
   * its own script. Replacing the document with the fetched HTML would keep this page's listeners.
   */
  function postNatively(pending) {
    if (pending.submitter) {
      var pressed = document.createElement('input');
      pressed.type = 'hidden';
      pressed.name = pending.submitter.name;
      pressed.value = pending.submitter.value;
      form.appendChild(pressed);
    }
    HTMLFormElement.prototype.submit.call(form);
  }

  /**
   * Where the server sends the respondent after a saved page: the address it answers with (200
   * and JSON), or where a redirect led (a proxy that redirects by itself); nothing for any other
   * answer, which postNatively shows. A body cut off by the network rejects, like no answer.
   */
  function nextLocation(response) {
    if (response.redirected) return Promise.resolve(response.url);
    var type = response.headers.get('Content-Type') || '';
    if (!response.ok || type.indexOf('application/json') !== 0) return Promise.resolve(null);
    // Only a path on this site: the script never sends the respondent elsewhere.
    return response.json().then(function (body) {
      var next = body && body.location;
      return typeof next === 'string' && next.charAt(0) === '/' && next.charAt(1) !== '/' ? next : null;
    });
  }

  /**
   * The server is up but cannot save (its database is away): what it says to show, the label of
   * the button that tries at once, and how long to wait first (Retry-After), as a rejection so the
   * submission is kept like one the network lost.
   */
  function unavailable(response) {
    var seconds = Number(response.headers.get('Retry-After'));
    var outage = { outage: true, retryAfterMs: seconds > 0 ? seconds * 1000 : retryDelay };
    var type = response.headers.get('Content-Type') || '';
    if (type.indexOf('application/json') !== 0) return Promise.reject(outage);
    return response.json().then(
      function (body) {
        var error = (body && body.error) || {};
        outage.message = typeof error.message === 'string' ? error.message : '';
        outage.retryNow = typeof error.retryNow === 'string' ? error.retryNow : '';
        return Promise.reject(outage);
      },
      function () {
        return Promise.reject(outage);
      },
    );
  }

  function send(pending) {
    if (sending) return;
    setBusy(true);
    if (!waiting) say(status, strings.sending);
    var firstTry = !waiting;
    fetch(pending.action, {
      method: 'POST',
      body: pending.body,
      // The header asks for where to go instead of a redirect: a followed redirect would download
      // the next page only for the navigation to download it again (server/responses/take.handlers.ts).
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Barometer-Submit': 'fetch' },
      credentials: 'same-origin',
    })
      .then(function (response) {
        return response.status === 503 ? unavailable(response) : nextLocation(response);
      })
      .then(
        function (next) {
          waiting = null;
          retryNow.hidden = true;
          drop(pendingKey);
          if (!next) return postNatively(pending);
          drop(draftKey);
          if (endedSurveyOf(new URL(next, location.href).pathname)) forgetSurvey(surveyId);
          location.assign(next);
        },
        // No answer, one cut off, or a server that cannot save now: the page stays on the device
        // and goes again (a repeat is harmless).
        function (failure) {
          waiting = pending;
          setBusy(false);
          var kept = store(pendingKey, pending);
          if (failure && failure.outage) {
            // The server says when to try: the backoff starts there, not at the offline default.
            if (firstTry) retryDelay = failure.retryAfterMs;
            say(status, failure.message || (kept ? strings.pending : strings.pending_in_page));
            if (failure.retryNow) {
              retryNow.textContent = failure.retryNow;
              retryNow.hidden = false;
            }
          } else {
            say(status, kept ? strings.pending : strings.pending_in_page);
          }
          scheduleRetry();
        },
      );
  }

  function retry() {
    var pending = waiting;
    if (!pending) return;
    // The browser knows it has no network: wait for its online event (the timer checks again).
    if (navigator.onLine === false) return scheduleRetry();
    send(pending);
  }

  function scheduleRetry() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(retry, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 60000);
  }

  /** What was typed, kept; a submission waiting for the network follows the edits too. */
  function keepDraft() {
    if (!canKeep) return;
    store(draftKey, { fields: fieldsState(), time: Date.now() });
    if (waiting) {
      waiting.body = bodyOf(waiting.submitter);
      store(pendingKey, waiting);
    }
  }

  form.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('button') : null;
    if (button) lastPressed = button;
  });
  form.addEventListener('submit', function (event) {
    if (!canKeep || !window.fetch || !window.URLSearchParams) return;
    event.preventDefault();
    if (sending) return;
    var submitter = event.submitter || lastPressed;
    keepDraft();
    retryDelay = 5000;
    send({
      action: action,
      body: bodyOf(submitter),
      time: Date.now(),
      submitter: submitter && submitter.name ? { name: submitter.name, value: submitter.value } : null,
    });
  });
  // Back to this page from the browser's page cache: the buttons it left disabled work again.
  window.addEventListener('pageshow', function (event) {
    if (!event.persisted) return;
    setBusy(false);
    if (!waiting) say(status, '');
  });
  retryNow.addEventListener('click', function () {
    clearTimeout(retryTimer);
    retry();
  });
  window.addEventListener('online', function () {
    retryDelay = 5000;
    retry();
  });

  // --- Events and the page's start -------------------------------------------------------------

  form.addEventListener('input', function (event) {
    var box = otherBoxOf(event.target);
    if (box && event.target === textOf(box) && event.target.value.trim() !== '') chooseOptionOf(box);
    settleErrors(event.target);
    keepDraft();
  });
  form.addEventListener('change', function (event) {
    applyExclusive(event.target);
    refresh();
    settleErrors(event.target);
    keepDraft();
  });

  if (canKeep) {
    forgetSurvey(surveyId, responseId);
    var draft = load(draftKey);
    if (draft && draft.fields && differsFromPage(draft.fields)) {
      putBack(draft.fields);
      var notice = document.createElement('p');
      notice.className = 'notice';
      notice.setAttribute('role', 'status');
      notice.id = 'draft-restored';
      notice.textContent = strings.draft_restored || '';
      form.parentNode.insertBefore(notice, form);
    } else if (draft) {
      drop(draftKey);
    }
  }
  refresh();
  var kept = canKeep ? load(pendingKey) : null;
  if (kept && kept.action === action) {
    waiting = kept;
    say(status, strings.pending);
    retry();
  } else if (kept) {
    // Kept for a page this response has left: the server's answer to it no longer applies.
    drop(pendingKey);
  }

  function wireCopyButtons() {
    var copyButtons = document.querySelectorAll('button[data-copy]');
    for (var i = 0; i < copyButtons.length; i++) {
      copyButtons[i].hidden = false;
      copyButtons[i].addEventListener('click', copyLink);
    }
  }

  function copyLink(event) {
    var button = event.currentTarget;
    var source = document.getElementById(button.getAttribute('data-copy'));
    var copyStatus = button.parentNode.querySelector('[data-copy-status]');
    if (!source) return;
    var text = source.value || source.getAttribute('href') || source.textContent;
    var tell = function (message) {
      if (copyStatus) copyStatus.textContent = message || '';
    };
    var selectIt = function () {
      if (source.select) {
        source.focus();
        source.select();
      } else {
        var range = document.createRange();
        range.selectNodeContents(source);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
      }
      tell(strings.copy_selected);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { tell(strings.copied); }, selectIt);
    } else {
      selectIt();
    }
  }
})();
