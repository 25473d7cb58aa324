/* Chart view: the aggregated values (inlined JSON) as bars or a line
   (Chart.js); the same values are in the table under the chart. */
(function () {
  "use strict";

  var COLOR = "#000091";

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-source"));
    if (!source || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    var lang = document.documentElement.lang || "fr";
    new window.Chart(canvas, {
      type: data.type === "line" ? "line" : "bar",
      data: {
        labels: data.labels,
        datasets: [{
          label: data.label,
          data: data.values,
          backgroundColor: COLOR,
          borderColor: COLOR,
          pointRadius: 4
        }]
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        locale: lang,
        plugins: {
          legend: { display: false },
          title: { display: false }
        },
        scales: {
          x: { ticks: { color: "#1e1e1e" } },
          y: { beginAtZero: true, ticks: { color: "#1e1e1e" } }
        }
      }
    });
    canvas.setAttribute("data-drawn", "true");
  }

  function start() {
    var charts = document.querySelectorAll("[data-collectivites-chart]");
    for (var i = 0; i < charts.length; i++) draw(charts[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
