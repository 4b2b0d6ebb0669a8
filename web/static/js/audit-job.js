// A verification job's progress bar: polls the job every second until it is done.
// Each poll also lets the server resume a job whose web process died.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.status !== "running") { return; }
  var bar = document.getElementById("job-progress");
  var done = document.getElementById("job-done");
  var bad = document.getElementById("job-bad");
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (job) {
          bar.max = job.total || 1;
          bar.value = job.done;
          bar.textContent = job.percent + "%";
          done.textContent = job.done;
          bad.textContent = job.not_intact;
          if (job.status !== "running") { window.location.reload(); return; }
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 1000);
})();
