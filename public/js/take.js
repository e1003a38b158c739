// Progressive enhancement for the question pages. The server applies every rule again; this
// script only makes the page react at once: questions and options that depend on answers on the
// same page appear and disappear, "other" boxes follow their option, exclusive options clear the
// others, and focus moves to the error summary. The condition format is the survey language's
// (server/surveys/conditions.ts); the server sends each one already reduced to its same-page part.
(function () {
  'use strict';
  var form = document.getElementById('survey-form');
  var summary = document.getElementById('error-summary');
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
  if (!form) return;

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
    var boxes = form.querySelectorAll('[data-specify-for]');
    for (var k = 0; k < boxes.length; k++) {
      var option = document.getElementById(boxes[k].getAttribute('data-specify-for'));
      boxes[k].hidden = !(option && option.checked);
    }
  }

  form.addEventListener('change', function (event) {
    var target = event.target;
    if (target && target.type === 'checkbox' && target.checked) {
      var group = form.querySelectorAll('input[type=checkbox][name="' + target.name + '"]');
      for (var i = 0; i < group.length; i++) {
        var other = group[i];
        if (other === target) continue;
        if (target.getAttribute('data-exclusive') === 'true' || other.getAttribute('data-exclusive') === 'true') other.checked = false;
      }
    }
    refresh();
  });
  refresh();
})();
