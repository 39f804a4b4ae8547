/* Draws each regional figure table's chart with the vendored Chart.js.
 * Data comes from the json_script element named by the canvas's data-report-chart; the table
 * next to the chart is the accessible alternative, so the chart itself is hidden from
 * assistive technology. A suppressed cell ("<11") arrives as null and is drawn as a gap. */
(function () {
  "use strict";

  var PALETTE = ["#1565c0", "#b3261e", "#1b7f3b", "#9a5b00", "#6a1b9a", "#00838f"];

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-report-chart"));
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var isLine = data.type === "line";
    new window.Chart(canvas, {
      type: isLine ? "line" : "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, index) {
          var colour = PALETTE[index % PALETTE.length];
          return {
            label: series.label,
            data: series.data,
            backgroundColor: colour,
            borderColor: colour,
            spanGaps: false,
            tension: 0
          };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: !isLine && data.labels.length > 6 ? "y" : "x",
        plugins: { legend: { display: data.series.length > 1 } },
        scales: {
          x: { ticks: { precision: 0 }, beginAtZero: true },
          y: { ticks: { precision: 0 }, beginAtZero: true }
        }
      }
    });
  }

  function start() {
    var canvases = document.querySelectorAll("canvas[data-report-chart]");
    for (var i = 0; i < canvases.length; i += 1) {
      draw(canvases[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
