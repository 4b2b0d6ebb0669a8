// The designer's modeler: camunda-bpmn-js (keeps camunda:formData), deploy through the server.
(function () {
  "use strict";
  var canvas = document.getElementById("canvas");
  if (!canvas) { return; }
  var result = document.getElementById("modeler-result");
  var EMPTY = '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" ' +
    'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" ' +
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_1" targetNamespace="http://ltsa.go.id/bpmn">' +
    '<bpmn:process id="Process_1" isExecutable="true"><bpmn:startEvent id="StartEvent_1"/></bpmn:process>' +
    '<bpmndi:BPMNDiagram id="BPMNDiagram_1"><bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="Process_1">' +
    '<bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1"><dc:Bounds x="180" y="160" width="36" height="36"/>' +
    '</bpmndi:BPMNShape></bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>';

  function show(text, ok) {
    result.textContent = text;
    result.className = "result " + (ok ? "ok" : "bad");
  }
  if (typeof window.BpmnModeler !== "function") { show("bpmn modeler assets are missing (npm run build)", false); return; }
  var modeler = new window.BpmnModeler({ container: canvas, propertiesPanel: { parent: "#properties" } });
  var source = canvas.getAttribute("data-source");
  var load = source
    ? fetch(source, { credentials: "same-origin" }).then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
    : Promise.resolve(EMPTY);
  load.then(function (xml) { return modeler.importXML(xml); })
    .then(function () { modeler.get("canvas").zoom("fit-viewport"); canvas.setAttribute("data-ready", "true"); })
    .catch(function (error) { show(String(error), false); });

  // Elements named by the last refusal, outlined on the canvas until the next answer.
  var marked = [];
  function markErrors(errors) {
    var diagram = modeler.get("canvas");
    var registry = modeler.get("elementRegistry");
    marked.forEach(function (id) { diagram.removeMarker(id, "ltsa-error"); });
    marked = [];
    (errors || []).forEach(function (e) {
      if (e.element_id && registry.get(e.element_id) && marked.indexOf(e.element_id) < 0) {
        diagram.addMarker(e.element_id, "ltsa-error");
        marked.push(e.element_id);
      }
    });
  }

  function csrf() { return document.querySelector('meta[name="csrf-token"]').getAttribute("content"); }

  function send(action) {
    modeler.saveXML({ format: true }).then(function (saved) {
      return fetch(canvas.getAttribute("data-deploy-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({
          action: action, xml: saved.xml, name: document.getElementById("file-name").value,
          key: canvas.getAttribute("data-key"), version: canvas.getAttribute("data-version")
        })
      });
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (answer) {
      var body = answer.body;
      markErrors(body.errors && body.errors.map ? body.errors : []);
      if (body.deployed) {
        show(canvas.getAttribute("data-msg-deployed") + ": " + body.deployed.map(function (d) {
          return d.key + " v" + d.version + " (" + d.status + ")"; }).join(", "), true);
      } else if (body.validated) {
        show(canvas.getAttribute("data-msg-valid") + ": " + body.validated.join(", "), true);
      } else if (body.errors && body.errors.map) {
        show(canvas.getAttribute("data-msg-refused") + ":\n" + body.errors.map(function (e) {
          return e.file + (e.line ? ":" + e.line : "") + (e.element_id ? " [" + e.element_id + "]" : "") +
            " " + e.code + " " + e.message + (e.hint ? " — " + e.hint : ""); }).join("\n"), false);
      } else {
        show(body.message || String(answer.status), false);
      }
    }).catch(function (error) { show(String(error), false); });
  }
  document.getElementById("deploy").addEventListener("click", function () { send("deploy"); });
  document.getElementById("validate").addEventListener("click", function () { send("validate"); });
  document.getElementById("download").addEventListener("click", function () {
    modeler.saveXML({ format: true }).then(function (saved) {
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([saved.xml], { type: "application/xml" }));
      link.download = document.getElementById("file-name").value || "diagram.bpmn";
      link.click();
    });
  });
})();
