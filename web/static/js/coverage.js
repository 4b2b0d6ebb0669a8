// Draws a scenario run's coverage on each process diagram (bpmn-js viewer): flow nodes and
// sequence flows reached are marked, the ones no scenario reached are outlined.
(function () {
  "use strict";

  function mark(canvas, registry, ids, marker) {
    (ids || []).forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, marker); } });
  }

  function drawOne(box) {
    box.setAttribute("data-drawn", "true");
    function fail() {
      box.textContent = box.getAttribute("data-error");
      box.classList.add("diagram-error");
    }
    if (typeof window.BpmnJS !== "function") { fail(); return; }
    var coverage = JSON.parse(box.getAttribute("data-coverage"));
    var viewer = new window.BpmnJS({ container: box });
    viewer.importXML(box.getAttribute("data-xml")).then(function () {
      var canvas = viewer.get("canvas");
      var registry = viewer.get("elementRegistry");
      mark(canvas, registry, coverage.flow_nodes_reached, "ltsa-reached");
      mark(canvas, registry, coverage.flows_reached, "ltsa-reached");
      mark(canvas, registry, coverage.flow_nodes_missed, "ltsa-missed");
      mark(canvas, registry, coverage.flows_missed, "ltsa-missed");
      canvas.zoom("fit-viewport");
      box.setAttribute("data-ready", "true");
    }).catch(fail);
  }

  function draw(root) {
    var boxes = (root || document).querySelectorAll(".coverage-diagram:not([data-drawn])");
    Array.prototype.forEach.call(boxes, drawOne);
  }

  window.LtsaCoverage = { draw: draw };
  draw(document);
})();
