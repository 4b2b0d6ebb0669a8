// Shows a case's process diagram with bpmn-js: done elements and waiting tasks marked.
// The page may give the marked elements itself (data-completed / data-active, JSON lists),
// as the audit page does for a past step; otherwise they come with the diagram.
// Needs diagram-zoom.js (loaded before it).
(function () {
  "use strict";
  var box = document.getElementById("diagram");
  if (!box) { return; }
  function listFrom(name, fallback) {
    var raw = box.getAttribute(name);
    return raw ? JSON.parse(raw) : (fallback || []);
  }
  window.ltsaShowDiagram(box, function (viewer, info) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    var completed = listFrom("data-completed", info.completed);
    var active = listFrom("data-active", info.active);
    completed.forEach(function (id) {
      if (registry.get(id)) { canvas.addMarker(id, "ltsa-completed"); }
    });
    active.forEach(function (id) {
      if (registry.get(id)) { canvas.addMarker(id, "ltsa-active"); }
    });
    // open on what waits now (or the last steps taken), with the path around it
    var focus = active.length ? active : completed.slice(-3);
    window.ltsaFocusDiagram(viewer, box, focus, completed);
    box.setAttribute("data-ready", "true");
  });
})();
