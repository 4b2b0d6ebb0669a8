// The designer's modeler: camunda-bpmn-js (keeps camunda:formData); test, validate and deploy
// through draft-actions.js, with the elements named by a refusal outlined on the canvas and the
// scenarios' coverage marked on it (reached / not reached), hidden by a toggle.
(function () {
  "use strict";
  var canvas = document.getElementById("canvas");
  if (!canvas || !window.LtsaDraft) { return; }
  var EMPTY = '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" ' +
    'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" ' +
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_1" targetNamespace="http://ltsa.go.id/bpmn">' +
    '<bpmn:process id="Process_1" isExecutable="true"><bpmn:startEvent id="StartEvent_1"/></bpmn:process>' +
    '<bpmndi:BPMNDiagram id="BPMNDiagram_1"><bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="Process_1">' +
    '<bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1"><dc:Bounds x="180" y="160" width="36" height="36"/>' +
    '</bpmndi:BPMNShape></bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>';
  var modeler = null;

  // Elements named by the last refusal, outlined on the canvas until the next answer.
  var marked = [];
  function markErrors(errors) {
    var diagram = modeler.get("canvas");
    var registry = modeler.get("elementRegistry");
    marked.forEach(function (id) { diagram.removeMarker(id, "ltsa-error"); });
    marked = [];
    errors.forEach(function (e) {
      if (e.element_id && registry.get(e.element_id) && marked.indexOf(e.element_id) < 0) {
        diagram.addMarker(e.element_id, "ltsa-error");
        marked.push(e.element_id);
      }
    });
  }

  // The last scenario run's coverage, marked on the modeler's own canvas. Markers are CSS
  // classes on the SVG only (never written to the saved XML); the toggle hides them.
  var toggle = document.getElementById("coverage-toggle");
  var covered = [];  // [id, marker] pairs of the last report
  function showCoverage(on) {
    var diagram = modeler.get("canvas");
    var registry = modeler.get("elementRegistry");
    covered.forEach(function (pair) {
      if (!registry.get(pair[0])) { return; }
      if (on) { diagram.addMarker(pair[0], pair[1]); } else { diagram.removeMarker(pair[0], pair[1]); }
    });
    canvas.setAttribute("data-coverage", on && covered.length ? "shown" : "hidden");
  }
  function markCoverage(report) {
    showCoverage(false);
    covered = [];
    ((report && report.coverage) || []).forEach(function (c) {
      [["flow_nodes_reached", "ltsa-reached"], ["flows_reached", "ltsa-reached"],
        ["flow_nodes_missed", "ltsa-missed"], ["flows_missed", "ltsa-missed"]].forEach(function (kind) {
        (c[kind[0]] || []).forEach(function (id) { covered.push([id, kind[1]]); });
      });
    });
    toggle.parentNode.hidden = covered.length === 0;
    showCoverage(toggle.checked);
  }
  if (toggle) { toggle.addEventListener("change", function () { showCoverage(toggle.checked); }); }

  var actions = window.LtsaDraft.wire({
    editor: function () { return modeler; },
    defaultName: "diagram.bpmn",
    onErrors: function (errors) { if (modeler) { markErrors(errors); } },
    onReport: function (report) { if (modeler && toggle && report) { markCoverage(report); } }
  });
  if (typeof window.BpmnModeler !== "function") {
    actions.show("bpmn modeler assets are missing (npm run build)", false);
    return;
  }
  modeler = new window.BpmnModeler({ container: canvas, propertiesPanel: { parent: "#properties" } });
  var source = canvas.getAttribute("data-source");
  var load = source
    ? fetch(source, { credentials: "same-origin" }).then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
    : Promise.resolve(EMPTY);
  load.then(function (xml) { return modeler.importXML(xml); })
    .then(function () { modeler.get("canvas").zoom("fit-viewport"); canvas.setAttribute("data-ready", "true"); })
    .catch(function (error) { actions.show(String(error), false); });
})();
