// Shows a case's process diagram with bpmn-js: done elements and waiting tasks marked.
// The page may give the marked elements itself (data-completed / data-active, JSON lists),
// as the audit page does for a past step; otherwise they come with the diagram.
(function () {
  "use strict";
  var box = document.getElementById("diagram");
  if (!box) { return; }
  function fail() {
    box.textContent = box.getAttribute("data-error");
    box.classList.add("diagram-error");
  }
  function listFrom(name, fallback) {
    var raw = box.getAttribute(name);
    return raw ? JSON.parse(raw) : (fallback || []);
  }
  if (typeof window.BpmnJS !== "function") { fail(); return; }
  fetch(box.getAttribute("data-source"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
    .then(function (info) {
      if (!info.xml) { throw new Error("no diagram"); }
      var viewer = new window.BpmnJS({ container: box });
      return viewer.importXML(info.xml).then(function () {
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
        if (typeof window.ltsaFocusDiagram === "function") {
          // open on what waits now (or the last steps taken), with the path around it
          var focus = active.length ? active : completed.slice(-3);
          window.ltsaFocusDiagram(viewer, box, focus, completed);
        } else {
          canvas.zoom("fit-viewport");
        }
        box.setAttribute("data-ready", "true");
      });
    })
    .catch(fail);
})();
