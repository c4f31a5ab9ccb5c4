// An import being checked or written: poll its status (data-status-url of #job-progress) every second,
// move the bar and the row count, reload the page when it has finished.
(function () {
  "use strict";
  var bar = document.getElementById("job-progress");
  if (!bar || !bar.dataset.statusUrl) return;
  var url = bar.dataset.statusUrl;
  (function poll() {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (d) {
        bar.value = d.percent;
        var count = document.getElementById("job-count");
        if (count) count.textContent = d.processed.toLocaleString("vi-VN");
        if (d.finished) { window.location.reload(); } else { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  })();
})();
