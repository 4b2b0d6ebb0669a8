// The dashboard: the weekly chart drawn from its table (chart.js), and the heatmap of
// waiting times on the process diagram (bpmn-js, shown by diagram-zoom.js, loaded before
// it). The tables stay the source of truth.
(function () {
  "use strict";
  var table = document.getElementById("weekly");
  var canvas = document.getElementById("weekly-chart");
  if (table && canvas && typeof window.Chart === "function") {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent; });
    var rows = Array.prototype.filter.call(table.querySelectorAll("tbody tr"), function (tr) { return tr.children.length === heads.length; });
    var colours = ["#1f5fa8", "#1e7d3a", "#b3261e", "#8a6d00"];
    var chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map(function (tr) { return tr.children[0].textContent; }),
        datasets: heads.slice(1).map(function (label, i) {
          return { label: label, backgroundColor: colours[i], data: rows.map(function (tr) { return Number(tr.children[i + 1].textContent); }) };
        })
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
    canvas.setAttribute("data-ready", String(chart.data.datasets.length));
  }

  var box = document.getElementById("diagram");
  if (!box || typeof window.BpmnJS !== "function") { return; }
  function label(seconds) {
    var hours = seconds / 3600;
    return hours >= 48 ? (hours / 24).toFixed(1) + " d" : hours.toFixed(1) + " h";
  }
  window.ltsaShowDiagram(box, function (viewer, info) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    var overlays = viewer.get("overlays");
    var ids = Object.keys(info.waits).filter(function (id) { return registry.get(id); });
    var most = ids.reduce(function (m, id) { return Math.max(m, info.waits[id]); }, 0);
    ids.sort(function (a, b) { return info.waits[b] - info.waits[a]; });
    ids.forEach(function (id) {
      var level = most > 0 ? Math.min(5, 1 + Math.floor(4.999 * info.waits[id] / most)) : 1;
      canvas.addMarker(id, "ltsa-heat-" + level);
      var note = document.createElement("span");
      note.className = "heat-label";
      note.textContent = label(info.waits[id]);
      overlays.add(id, { position: { bottom: 14, right: 30 }, html: note });
    });
    window.ltsaFocusDiagram(viewer, box, ids.slice(0, 3), ids);
    box.setAttribute("data-ready", String(ids.length));
  });
})();
