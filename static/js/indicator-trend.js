// The indicator page's trend chart (Chart.js, vendored): data from the json_script block "trend-data",
// the series' names from the canvas's data-label-* attributes.
(function () {
  "use strict";
  var canvas = document.getElementById("trend");
  var source = document.getElementById("trend-data");
  if (!canvas || !source) return;
  var data = JSON.parse(source.textContent);
  if (!window.Chart || !data.actual.some(function (v) { return v !== null; })) { canvas.remove(); return; }
  new window.Chart(canvas, {type: "line", data: {labels: data.labels, datasets: [
    {label: canvas.dataset.labelActual, data: data.actual, borderColor: "#0172ad", backgroundColor: "#0172ad", spanGaps: true},
    {label: canvas.dataset.labelTarget, data: data.target, borderColor: "#9ca3af", borderDash: [6, 4], pointRadius: 0, spanGaps: true}
  ]}, options: {animation: false, plugins: {legend: {position: "bottom"}}}});
})();
