// The analysts' live dashboard in the browser. The page works without it: its tables hold every
// figure, and a refresh link brings newer ones. With it: Chart.js draws each [data-chart] canvas;
// an EventSource follows the view's stream, and each `figures` event's parts replace the page's
// parts ([data-part] > [data-part-body]) with the HTML the server rendered from the same partials,
// while the chart already drawn is kept and animated to its new values (a new canvas would flash
// and lose the animation). The live indicator says whether the figures are following.
(function () {
  'use strict';
  var root = document.getElementById('dashboard');
  if (!root) return;
  document.documentElement.classList.add('js');

  var lang = document.documentElement.lang === 'fr' ? 'fr' : 'en';
  var reduceMotion = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;

  // ---- Charts -----------------------------------------------------------------------------

  var hasChart = typeof Chart !== 'undefined';
  var hasErrorBars = hasChart && typeof ChartErrorBars !== 'undefined';
  if (hasErrorBars) {
    // eslint-disable-next-line no-undef
    Chart.register(ChartErrorBars.BarWithErrorBarsController, ChartErrorBars.BarWithErrorBar);
  }
  // French writes a narrow no-break space before %, English nothing.
  var percentSuffix = lang === 'fr' ? '\u202f%' : '%';
  var numberFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  // Colour-blind-safe series colours (Okabe–Ito), dark enough against white.
  var SEGMENT_COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#8a6d00', '#000000'];
  var ROLE_COLOURS = { total: '#0b5cad', current: '#0b5cad', previous: '#8d96a3', count: '#0b5cad', dont_know: '#b7bec8' };
  // A diverging scale for the points of a scale, low to high.
  var POINT_COLOURS = ['#b2182b', '#ef8a62', '#fddbc7', '#d1e5f0', '#67a9cf', '#2166ac', '#053061'];

  /** A white background, so a downloaded PNG is readable on any viewer (the canvas is transparent). */
  var whiteBackground = {
    id: 'barometerWhiteBackground',
    beforeDraw: function (chart) {
      var ctx = chart.ctx;
      ctx.save();
      ctx.globalCompositeOperation = 'destination-over';
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.restore();
    },
  };

  function unitText(unit, value) {
    if (value === null || value === undefined) return '—';
    return numberFormat.format(value) + (unit === 'percent' ? percentSuffix : '');
  }

  function pointColours(count) {
    if (count <= 1) return [POINT_COLOURS[5]];
    var colours = [];
    for (var i = 0; i < count; i++) colours.push(POINT_COLOURS[Math.round((i * (POINT_COLOURS.length - 1)) / (count - 1))]);
    return colours;
  }

  function hasInterval(series) {
    return Boolean(series.low && series.high && series.low.some(function (v) { return v !== null; }));
  }

  /** The datasets of a spec, in Chart.js's shape. Bars with intervals carry {x, xMin, xMax}. */
  function datasetsOf(spec, withErrorBars) {
    var horizontal = spec.type === 'bars' || spec.type === 'stacked';
    var points = spec.series.filter(function (s) { return s.role === 'point'; }).length;
    var pointIndex = 0;
    var segmentIndex = 0;
    var pointPalette = pointColours(points);
    return spec.series.map(function (series) {
      var colour;
      if (series.role === 'point') colour = pointPalette[pointIndex++];
      else if (series.role === 'segment') colour = SEGMENT_COLOURS[segmentIndex++ % SEGMENT_COLOURS.length];
      else colour = ROLE_COLOURS[series.role] || ROLE_COLOURS.total;
      var data;
      if (withErrorBars && hasInterval(series)) {
        data = series.values.map(function (value, i) {
          var item = horizontal ? { y: spec.labels[i], x: value } : { x: spec.labels[i], y: value };
          var low = series.low[i];
          var high = series.high[i];
          if (low !== null && high !== null && value !== null) {
            item[horizontal ? 'xMin' : 'yMin'] = low;
            item[horizontal ? 'xMax' : 'yMax'] = high;
          }
          return item;
        });
      } else {
        data = series.values.slice();
      }
      return { label: series.label, data: data, backgroundColor: colour, borderColor: colour, borderWidth: 0, role: series.role };
    });
  }

  function configOf(spec) {
    var horizontal = spec.type === 'bars' || spec.type === 'stacked';
    var stacked = spec.type === 'stacked';
    var withErrorBars = hasErrorBars && spec.type === 'bars' && spec.series.some(hasInterval);
    var valueAxis = horizontal ? 'x' : 'y';
    var indexAxis = horizontal ? 'y' : 'x';
    var scales = {};
    scales[valueAxis] = {
      beginAtZero: true,
      stacked: stacked,
      ticks: { precision: spec.unit === 'count' ? 0 : undefined, callback: function (v) { return unitText(spec.unit, v); } },
    };
    if (spec.unit === 'percent') scales[valueAxis].max = 100;
    scales[indexAxis] = { stacked: stacked, ticks: { autoSkip: spec.type === 'trend' } };
    return {
      type: withErrorBars ? 'barWithErrorBars' : 'bar',
      data: { labels: spec.labels.slice(), datasets: datasetsOf(spec, withErrorBars) },
      options: {
        indexAxis: indexAxis,
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : { duration: 600 },
        plugins: {
          legend: { display: spec.series.length > 1, position: 'bottom' },
          tooltip: {
            callbacks: {
              label: function (item) {
                var raw = item.raw;
                var value = raw !== null && typeof raw === 'object' ? raw[valueAxis] : raw;
                return (item.dataset.label ? item.dataset.label + ' : ' : '') + unitText(spec.unit, value);
              },
            },
          },
        },
        scales: scales,
      },
      plugins: [whiteBackground],
    };
  }

  function specOf(canvas) {
    try {
      return JSON.parse(canvas.getAttribute('data-chart') || 'null');
    } catch {
      return null;
    }
  }

  /** Bars need room per label (and per series side by side): the box grows with them. */
  function sizeBox(canvas, spec) {
    var box = canvas.parentElement;
    if (!box || (spec.type !== 'bars' && spec.type !== 'stacked')) return;
    var rows = spec.labels.length * (spec.type === 'bars' ? Math.max(1, spec.series.length) : 1);
    var legend = spec.series.length > 1 ? 3 : 0;
    box.style.height = Math.max(9, Math.min(48, rows * 1.6 + 3 + legend)) + 'rem';
  }

  function draw(canvas) {
    if (!hasChart) return;
    var spec = specOf(canvas);
    if (!spec) return;
    sizeBox(canvas, spec);
    // eslint-disable-next-line no-undef
    new Chart(canvas, configOf(spec));
  }

  /** Moves an existing chart to a new spec in place, so Chart.js animates from the old values. */
  function update(chart, canvas, spec) {
    var next = configOf(spec);
    if (chart.config.type !== next.type) {
      chart.destroy();
      return draw(canvas);
    }
    sizeBox(canvas, spec);
    chart.data.labels = next.data.labels;
    var datasets = chart.data.datasets;
    next.data.datasets.forEach(function (dataset, i) {
      if (datasets[i]) Object.assign(datasets[i], dataset);
      else datasets.push(dataset);
    });
    datasets.length = next.data.datasets.length;
    chart.options.plugins.legend.display = spec.series.length > 1;
    chart.update();
  }

  // ---- Parts swapped in from the stream ---------------------------------------------------

  function partElement(name) {
    var parts = root.querySelectorAll('[data-part]');
    for (var i = 0; i < parts.length; i++) if (parts[i].getAttribute('data-part') === name) return parts[i];
    return null;
  }

  function focusables(container) {
    return Array.prototype.slice.call(container.querySelectorAll('a[href], button, input, select, summary, [tabindex]'));
  }

  /**
   * Replaces a part's body with its new HTML. The chart drawn in the old body moves into the new
   * one (same id) and animates to its new data; the focus, if it was inside, stays on the element
   * at the same place; an open <details> stays open.
   */
  function swapPart(name, part) {
    var section = partElement(name);
    var body = section && section.querySelector('[data-part-body]');
    if (!body || !part || typeof part.html !== 'string') return;
    var template = document.createElement('template');
    template.innerHTML = part.html;
    var fresh = template.content;

    var focusIndex = -1;
    if (body.contains(document.activeElement)) focusIndex = focusables(body).indexOf(document.activeElement);
    var openDetails = Array.prototype.map.call(body.querySelectorAll('details[open]'), function (d) { return d.className; });

    var kept = [];
    var oldCanvases = body.querySelectorAll('canvas[data-chart]');
    for (var i = 0; i < oldCanvases.length; i++) {
      var oldCanvas = oldCanvases[i];
      // eslint-disable-next-line no-undef
      var chart = hasChart ? Chart.getChart(oldCanvas) : undefined;
      var newCanvas = oldCanvas.id ? fresh.getElementById(oldCanvas.id) : null;
      if (chart && newCanvas) {
        // The new canvas's data-chart holds the chart's new data.
        var spec = specOf(newCanvas);
        oldCanvas.setAttribute('data-chart', JSON.stringify(spec));
        oldCanvas.setAttribute('aria-label', newCanvas.getAttribute('aria-label') || '');
        newCanvas.parentNode.replaceChild(oldCanvas, newCanvas);
        kept.push({ chart: chart, canvas: oldCanvas, spec: spec });
      } else if (chart) {
        chart.destroy();
      }
    }
    fresh.querySelectorAll('details').forEach(function (d) {
      if (openDetails.indexOf(d.className) >= 0) d.open = true;
    });
    body.replaceChildren(fresh);
    kept.forEach(function (k) { update(k.chart, k.canvas, k.spec); });
    // Canvases the old body did not have (a question that now has figures to draw).
    body.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
      // eslint-disable-next-line no-undef
      if (hasChart && !Chart.getChart(canvas)) draw(canvas);
    });
    if (focusIndex >= 0) {
      var target = focusables(body)[focusIndex] || body.closest('section');
      if (target) {
        if (!target.hasAttribute('tabindex') && target.tagName === 'SECTION') target.setAttribute('tabindex', '-1');
        target.focus({ preventScroll: true });
      }
    }
    showDownload(section);
  }

  // ---- PNG downloads ----------------------------------------------------------------------

  function showDownload(section) {
    var button = section && section.querySelector('[data-download-png]');
    if (button) button.hidden = !(hasChart && section.querySelector('canvas[data-chart]'));
  }

  root.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('[data-download-png]');
    if (!button) return;
    var section = button.closest('[data-part]');
    var canvas = section && section.querySelector('canvas[data-chart]');
    if (!canvas || !canvas.toBlob) return;
    var name = (root.getAttribute('data-file-prefix') || 'chart') + '-' + section.id.replace(/^q-/, '') + '.png';
    canvas.toBlob(function (blob) {
      if (!blob) return;
      var link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = name;
      document.body.appendChild(link);
      link.click();
      link.remove();
      window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 0);
    }, 'image/png');
  });

  // ---- The live indicator -----------------------------------------------------------------

  var status = document.getElementById('live-status');
  var statusText = status && status.querySelector('[data-live-text]');
  var refresh = status && status.querySelector('[data-live-refresh]');
  var state = 'static';

  /** Says the state once when it changes: the status region is polite, and repeats would chatter. */
  function setState(next) {
    if (!status || next === state) return;
    state = next;
    status.setAttribute('data-live-state', next);
    // The words are the page's own (data-text-<state>), in its language.
    var words = status.getAttribute('data-text-' + next);
    if (statusText && words) statusText.textContent = words;
    if (refresh) refresh.hidden = next !== 'off';
  }

  // ---- The stream -------------------------------------------------------------------------

  var streamUrl = root.getAttribute('data-stream');
  var version = Number(root.getAttribute('data-version')) || 0;
  var heartbeatMs = Number(root.getAttribute('data-heartbeat-ms')) || 15000;
  var source = null;
  var lastHeard = 0;
  var staleTimer = null;
  /** After a refusal, the next try waits this long (doubled each time, reset once live). */
  var refusedRetryMs = 5000;
  var retryTimer = null;
  /**
   * A stream the server ends on purpose (its maximum age, every quarter of an hour) is back within
   * the 2 s `retry`: saying "reconnecting" then "live" each time would be chatter in the status
   * region. Only a stream still down after this long is said to be reconnecting.
   */
  var QUIET_RECONNECT_MS = 5000;
  var reconnectingTimer = null;

  /**
   * Browsers that inflate raw DEFLATE take their events packed: about a sixth of the bytes (server:
   * sse.ts). Chromium 80 to 102 has DecompressionStream without 'deflate-raw' and throws on it:
   * asked for packed events, it could read none and would start a stream again for each.
   */
  var canInflate = (function () {
    if (typeof window.DecompressionStream !== 'function' || typeof window.Response !== 'function' || typeof window.atob !== 'function') return false;
    try {
      new window.DecompressionStream('deflate-raw');
      return true;
    } catch {
      return false;
    }
  })();
  /** Events are applied in the order they came, packed ones once inflated: one chain for every stream. */
  var applying = Promise.resolve();
  /** Counts the streams connect() opened: an event of a stream since replaced is not applied. */
  var streamNumber = 0;

  function streamAddress() {
    var url = new URL(streamUrl, window.location.href);
    url.searchParams.set('since', String(version));
    if (canInflate) url.searchParams.set('packed', '1');
    return url.toString();
  }

  function heard() {
    lastHeard = Date.now();
    refusedRetryMs = 5000;
    if (reconnectingTimer) window.clearTimeout(reconnectingTimer);
    reconnectingTimer = null;
    setState('live');
  }

  /**
   * Applies an event once those before it are. An event of a stream that connect() has replaced
   * is dropped: the new stream was asked for what the page lacked when it opened. An event that
   * cannot be read drops the rest of its stream (they are differences from a state the page does
   * not have) and opens a new one from the version shown, plain if a packed event failed.
   */
  function enqueue(read, packed) {
    var number = streamNumber;
    applying = applying
      .then(function () {
        if (number !== streamNumber) return undefined;
        return read().then(function (update) {
          if (number === streamNumber) apply(update);
        });
      })
      .catch(function () {
        if (number !== streamNumber) return;
        if (packed) canInflate = false;
        connect();
      });
  }

  function onFigures(event) {
    heard();
    var text = event.data;
    enqueue(function () { return Promise.resolve().then(function () { return JSON.parse(text); }); }, false);
  }

  function inflate(base64) {
    var binary = window.atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'))).text();
  }

  function onPackedFigures(event) {
    heard();
    var data = event.data;
    enqueue(function () { return Promise.resolve().then(function () { return inflate(data); }).then(JSON.parse); }, true);
  }

  function apply(update) {
    if (typeof update.version === 'number') {
      version = update.version;
      root.setAttribute('data-version', String(version));
    }
    var parts = update.parts || {};
    Object.keys(parts).forEach(function (name) { swapPart(name, parts[name]); });
    root.dispatchEvent(new CustomEvent('dashboard:updated', { detail: { version: version } }));
  }

  function close() {
    if (source) source.close();
    source = null;
    if (reconnectingTimer) window.clearTimeout(reconnectingTimer);
    reconnectingTimer = null;
    if (staleTimer) window.clearInterval(staleTimer);
    staleTimer = null;
  }

  function connect() {
    close();
    streamNumber += 1;
    if (retryTimer) window.clearTimeout(retryTimer);
    retryTimer = null;
    setState(state === 'static' ? 'connecting' : 'reconnecting');
    source = new EventSource(streamAddress());
    source.addEventListener('open', heard);
    source.addEventListener('figures', onFigures);
    source.addEventListener('packed-figures', onPackedFigures);
    source.addEventListener('heartbeat', heard);
    source.addEventListener('error', function () {
      if (!source) return;
      // CONNECTING: the browser retries by itself (the `retry` the server set). CLOSED: the server
      // refused: a process draining or full (503, Retry-After 10 s), or the session ended. Try
      // again later, less and less often; the refresh link stays offered meanwhile.
      if (source.readyState === EventSource.CLOSED) {
        close();
        setState('off');
        refusedRetryMs = Math.min(refusedRetryMs * 2, 5 * 60000);
        retryTimer = window.setTimeout(connect, refusedRetryMs);
      } else if (state !== 'live') {
        setState('reconnecting');
      } else if (!reconnectingTimer) {
        reconnectingTimer = window.setTimeout(function () {
          reconnectingTimer = null;
          if (source && source.readyState !== EventSource.OPEN) setState('reconnecting');
        }, QUIET_RECONNECT_MS);
      }
    });
    lastHeard = Date.now();
    // A stream that says nothing for several heartbeats is dead behind some proxy: start a new one,
    // resuming from the version shown.
    staleTimer = window.setInterval(function () {
      if (Date.now() - lastHeard > heartbeatMs * 2.5 + 5000) connect();
    }, Math.min(heartbeatMs, 10000));
  }

  // ---- Start --------------------------------------------------------------------------------

  root.querySelectorAll('canvas[data-chart]').forEach(draw);
  root.querySelectorAll('[data-part]').forEach(showDownload);
  if (!streamUrl || typeof window.EventSource === 'undefined') return;
  connect();
  // A page kept in the back-forward cache must not hold a stream open; it reconnects when shown.
  window.addEventListener('pagehide', close);
  window.addEventListener('pageshow', function (event) {
    if (event.persisted && !source) connect();
  });
})();
