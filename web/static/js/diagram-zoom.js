// Loads a page's bpmn-js diagram (ltsaShowDiagram) and opens it zoomed on the elements
// that matter (the path taken and the waiting tasks, or the hottest tasks of a heatmap)
// at a readable scale, and wires the zoom buttons (.zoom-controls next to the diagram:
// in, out, focus, whole diagram).
(function () {
  "use strict";
  var MIN_SCALE = 0.75;  // below this the labels of a nine-lane diagram cannot be read
  var PAD = 80;

  function bounds(registry, ids) {
    var box = null;
    ids.forEach(function (id) {
      var el = registry.get(id);
      if (!el || el.waypoints || el.width === undefined) { return; }
      var x2 = el.x + el.width, y2 = el.y + el.height;
      box = box ? { x: Math.min(box.x, el.x), y: Math.min(box.y, el.y), x2: Math.max(box.x2, x2), y2: Math.max(box.y2, y2) }
                : { x: el.x, y: el.y, x2: x2, y2: y2 };
    });
    return box;
  }

  function focus(canvas, registry, primary, context) {
    var size = canvas.getSize();
    var main = bounds(registry, primary) || bounds(registry, context);
    if (!main) { canvas.zoom("fit-viewport"); return; }
    var wide = bounds(registry, primary.concat(context)) || main;
    var box = wide;
    var scale = Math.min(size.width / (box.x2 - box.x + 2 * PAD), size.height / (box.y2 - box.y + 2 * PAD), 1.2);
    if (scale < MIN_SCALE) {  // the path is too long to read at once: centre on what waits
      box = main;
      scale = Math.max(MIN_SCALE, Math.min(size.width / (box.x2 - box.x + 2 * PAD), size.height / (box.y2 - box.y + 2 * PAD), 1.2));
    }
    var cx = (box.x + box.x2) / 2, cy = (box.y + box.y2) / 2;
    var width = size.width / scale, height = size.height / scale;
    canvas.viewbox({ x: cx - width / 2, y: cy - height / 2, width: width, height: height });
  }

  window.ltsaFocusDiagram = function (viewer, container, primary, context) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    var refocus = function () { focus(canvas, registry, primary, context || []); };
    refocus();
    var controls = container.parentNode.querySelector(".zoom-controls");
    if (!controls) { return; }
    controls.addEventListener("click", function (event) {
      var action = event.target.getAttribute("data-zoom");
      if (action === "in") { canvas.zoom(canvas.zoom() * 1.25); }
      else if (action === "out") { canvas.zoom(canvas.zoom() / 1.25); }
      else if (action === "fit") { canvas.zoom("fit-viewport", "auto"); }
      else if (action === "focus") { refocus(); }
      container.setAttribute("data-zoom-level", canvas.zoom().toFixed(2));
    });
    container.setAttribute("data-zoom-level", canvas.zoom().toFixed(2));
  };

  // Fetches the JSON at the box's data-source ({xml: ..., and what the page marks}),
  // shows the diagram in a new viewer and hands draw(viewer, json) the rest; when
  // anything fails, the box shows its data-error text instead.
  window.ltsaShowDiagram = function (box, draw) {
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
        return viewer.importXML(info.xml).then(function () { draw(viewer, info); });
      })
      .catch(fail);
  };
})();
