// Draws one Chart.js bar chart per question of the report. The figures are in the page already
// (tables beside each chart); the charts only illustrate them, so the report reads without JS:
// each chart's box stays hidden until it is drawn here.
(function () {
  'use strict';
  var print = document.getElementById('print-link');
  if (print) {
    print.hidden = false;
    print.addEventListener('click', function (event) {
      event.preventDefault();
      window.print();
    });
  }
  if (typeof Chart === 'undefined') return;
  var INK = '#1b1f24';
  var ON_BAR = '#ffffff';
  var BAR = '#0b5cad';
  /** Space between a bar's end and its label, in CSS px. */
  var GAP = 4;
  // French puts a space before %, English does not.
  var percentSuffix = document.documentElement.lang === 'fr' ? '\u202f%' : '%';
  // eslint-disable-next-line no-undef
  Chart.defaults.color = INK;

  /**
   * Writes each bar's value (the text the table prints, in the report's number format) just past
   * its end, or inside it in white where the bar reaches the right edge. A few lines against the
   * bars' own positions instead of chartjs-plugin-datalabels: one placement rule is all we need.
   */
  function valueLabels(texts) {
    return {
      id: 'valueLabels',
      afterDatasetsDraw: function (chart) {
        var ctx = chart.ctx;
        // eslint-disable-next-line no-undef
        var font = Chart.defaults.font;
        ctx.save();
        ctx.font = '600 ' + font.size + 'px ' + font.family;
        ctx.textBaseline = 'middle';
        chart.getDatasetMeta(0).data.forEach(function (bar, i) {
          var text = texts[i];
          if (!text) return;
          var inside = bar.x + GAP + ctx.measureText(text).width > chart.chartArea.right;
          ctx.fillStyle = inside ? ON_BAR : INK;
          ctx.textAlign = inside ? 'right' : 'left';
          ctx.fillText(text, inside ? bar.x - GAP : bar.x + GAP, bar.y);
        });
        ctx.restore();
      },
    };
  }

  /** A long option label split into lines of about `width` characters, so it wraps beside its bar on a phone. */
  function wrap(label, width) {
    var lines = [];
    var line = '';
    label.split(' ').forEach(function (word) {
      if (line && (line + ' ' + word).length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + ' ' + word : word;
      }
    });
    if (line) lines.push(line);
    return lines;
  }

  var canvases = document.querySelectorAll('canvas[data-chart]');
  for (var i = 0; i < canvases.length; i++) {
    var canvas = canvases[i];
    var spec = JSON.parse(canvas.getAttribute('data-chart'));
    var box = canvas.parentNode;
    box.hidden = false;
    // About a third of the chart's width for the labels, at some 7 px a character.
    var labelWidth = Math.max(12, Math.round(box.clientWidth / 3 / 7));
    var labels = spec.labels.map(function (label) { return wrap(label, labelWidth); });
    var lines = labels.reduce(function (sum, l) { return sum + l.length; }, 0);
    // Tall enough that wrapped labels do not overlap: the stylesheet's height is the minimum.
    box.style.height = Math.max(box.clientHeight, 40 + spec.labels.length * 12 + lines * 16) + 'px';
    // eslint-disable-next-line no-undef
    new Chart(canvas, {
      type: 'bar',
      data: { labels: labels, datasets: [{ data: spec.values, backgroundColor: BAR }] },
      plugins: [valueLabels(spec.valueLabels || [])],
      options: {
        indexAxis: 'y',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: labelOf(spec) } },
        },
        scales: { x: { min: 0, max: 100, ticks: { callback: function (v) { return v + percentSuffix; } } } },
      },
    });
  }

  /** The tooltip says what the table and the bar's label say. */
  function labelOf(spec) {
    return function (c) {
      return (spec.valueLabels && spec.valueLabels[c.dataIndex]) || c.parsed.x.toFixed(1) + percentSuffix;
    };
  }
})();
