// The designer's decision-table editor: camunda-dmn-js opens a stored .dmn file, one view per
// decision table; the draft is tested, validated and deployed through draft-actions.js.
(function () {
  "use strict";
  var canvas = document.getElementById("canvas");
  if (!canvas || !window.LtsaDraft) { return; }
  var picker = document.getElementById("dmn-view");
  var actions = window.LtsaDraft.wire({
    editor: function () { return modeler; },
    defaultName: "decision.dmn",
    onErrors: function () {}
  });
  if (typeof window.DmnModeler !== "function") {
    actions.show("dmn modeler assets are missing (npm run build)", false);
    return;
  }
  var modeler = new window.DmnModeler({ container: canvas });

  // The tables first: LTSA's DMN files carry no decision diagram (DMNDI), so a DRD would be empty.
  function tableViews() {
    var views = modeler.getViews();
    var tables = views.filter(function (view) { return view.type !== "drd"; });
    return tables.length ? tables : views;
  }

  function fillPicker() {
    var views = tableViews();
    picker.innerHTML = "";
    views.forEach(function (view, index) {
      var option = document.createElement("option");
      option.value = String(index);
      option.textContent = view.element.name || view.element.id;
      picker.appendChild(option);
    });
    picker.disabled = views.length < 2;
  }

  picker.addEventListener("change", function () {
    var view = tableViews()[Number(picker.value)];
    if (view) { modeler.open(view); }
  });

  var source = canvas.getAttribute("data-source");
  if (!source) { actions.show("no DMN file chosen", false); return; }
  fetch(source, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
    .then(function (xml) { return modeler.importXML(xml); })
    .then(function () {
      fillPicker();
      var first = tableViews()[0];
      return first ? modeler.open(first) : null;
    })
    .then(function () { canvas.setAttribute("data-ready", "true"); })
    .catch(function (error) { actions.show(String(error), false); });
})();
