// Draws one Chart.js bar chart per question of the report. The figures are in the page already
// (tables beside each chart); the charts only illustrate them, so the report reads without JS.
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
  // French puts a space before %, English does not.
  var percentSuffix = document.documentElement.lang === 'fr' ? '\u202f%' : '%';
  var canvases = document.querySelectorAll('canvas[data-chart]');
  for (var i = 0; i < canvases.length; i++) {
    var spec = JSON.parse(canvases[i].getAttribute('data-chart'));
    // eslint-disable-next-line no-undef
    new Chart(canvases[i], {
      type: 'bar',
      data: { labels: spec.labels, datasets: [{ data: spec.values, backgroundColor: '#0b5cad' }] },
      options: {
        indexAxis: 'y',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: function (c) { return c.parsed.x.toFixed(1) + percentSuffix; } } } },
        scales: { x: { min: 0, max: 100, ticks: { callback: function (v) { return v + percentSuffix; } } } },
      },
    });
  }
})();
