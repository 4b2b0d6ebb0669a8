// Shows a case's process diagram with bpmn-js: done elements and waiting tasks marked.
(function () {
  "use strict";
  var box = document.getElementById("diagram");
  if (!box) { return; }
  function fail() {
    box.textContent = box.getAttribute("data-error");
    box.classList.add("diagram-error");
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
        info.completed.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, "ltsa-completed"); } });
        info.active.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, "ltsa-active"); } });
        canvas.zoom("fit-viewport");
        box.setAttribute("data-ready", "true");
      });
    })
    .catch(fail);
})();
