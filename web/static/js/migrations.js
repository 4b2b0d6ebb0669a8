// The designer's "impact on running cases" page: the verdicts page by page, the two
// diagrams with the differing elements marked, and the migration in small requests
// (a progress bar that follows; a closed tab leaves every case migrated or not).
(function () {
  "use strict";
  var root = document.getElementById("migration");
  if (!root) { return; }
  var labels = JSON.parse(root.getAttribute("data-labels"));
  var targetKinds = JSON.parse(root.getAttribute("data-elements"));
  var sourceKinds = JSON.parse(root.getAttribute("data-old-elements"));
  var body = document.querySelector("#impact tbody");
  var counts = { same: 0, diverges: 0, cannot: 0, migrated: 0 };
  var previewed = 0;
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }
  function showCounts() {
    Object.keys(counts).forEach(function (k) {
      document.getElementById("count-" + k).textContent = counts[k];
    });
    document.getElementById("migrate-same").disabled = counts.same === 0;
  }
  function setOutcome(row, impact) {
    var before = row.getAttribute("data-outcome");
    if (before) { counts[before] -= 1; }
    counts[impact.outcome] += 1;
    row.setAttribute("data-outcome", impact.outcome);
    var cell = row.querySelector(".outcome");
    cell.textContent = labels[impact.outcome] || impact.outcome;
    cell.className = "outcome outcome-" + impact.outcome;
    row.querySelector(".event").textContent = impact.event || "—";
    row.querySelector(".reason").textContent = impact.reason || (impact.rechecked ? "" : "—");
    var mapped = Object.keys(impact.mapping || {});
    if (mapped.length) {
      row.querySelector(".mapping").textContent = mapped.map(function (k) {
        return k + " → " + impact.mapping[k];
      }).join(", ");
    }
    showCounts();
  }
  function mappingCell(cell, impact) {
    if (impact.outcome !== "diverges" && impact.outcome !== "cannot") { cell.textContent = "—"; return; }
    var selects = [];
    impact.current.forEach(function (element) {
      var kind = sourceKinds[element];
      var choices = Object.keys(targetKinds).filter(function (t) { return targetKinds[t] === kind; }).sort();
      if (!kind || !choices.length) { return; }
      var label = el("label", element + " → ");
      var select = el("select");
      select.setAttribute("data-from", element);
      select.appendChild(el("option", "—"));
      select.firstChild.value = "";
      choices.forEach(function (choice) {
        var option = el("option", choice);
        option.value = choice;
        select.appendChild(option);
      });
      label.appendChild(select);
      cell.appendChild(label);
      selects.push(select);
    });
    if (!selects.length) { cell.textContent = "—"; return; }
    var button = el("button", labels.move, "secondary move");
    button.type = "button";
    button.addEventListener("click", function () {
      var map = {};
      selects.forEach(function (s) { if (s.value) { map[s.getAttribute("data-from")] = s.value; } });
      if (!Object.keys(map).length) { return; }
      button.disabled = true;
      post([impact.case_id], map).then(function (answer) {
        answer.cases.forEach(function (moved) { update(moved); });
      }).catch(failed).then(function () { button.disabled = false; });
    });
    cell.appendChild(button);
  }
  function addRow(impact) {
    var row = el("tr");
    row.id = "case-" + impact.case_id;
    var link = el("a", "#" + impact.case_id);
    link.href = "/cases/" + impact.case_id;
    var first = el("td");
    first.appendChild(link);
    row.appendChild(first);
    row.appendChild(el("td", "v" + impact.from_version));
    row.appendChild(el("td", "", "outcome"));
    row.appendChild(el("td", "", "event"));
    row.appendChild(el("td", "", "reason"));
    row.appendChild(el("td", impact.current.join(", ") || "—", "current"));
    var mapping = el("td", null, "mapping");
    row.appendChild(mapping);
    body.appendChild(row);
    setOutcome(row, impact);
    mappingCell(mapping, impact);
    filter();
  }
  function update(impact) {
    var row = document.getElementById("case-" + impact.case_id);
    if (row) { setOutcome(row, impact); }
  }
  function failed() {
    document.getElementById("migrate-status").textContent = labels.error;
  }
  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }
  function post(cases, map) {
    return fetch(root.getAttribute("data-migrate"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ cases: cases, map: map || {} })
    }).then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }
  function preview(after) {
    var url = root.getAttribute("data-impact") + (after ? "?after=" + after : "");
    return getJson(url).then(function (page) {
      page.cases.forEach(addRow);
      previewed += page.cases.length;
      var bar = document.getElementById("preview-progress");
      bar.value = previewed;
      if (page.next) { return preview(page.next); }
      bar.max = Math.max(previewed, 1);
      bar.value = bar.max;
      root.setAttribute("data-previewed", "true");
    });
  }
  function migrateSame() {
    var ids = Array.prototype.map.call(
      body.querySelectorAll('tr[data-outcome="same"]'),
      function (row) { return Number(row.id.slice(5)); });
    var bar = document.getElementById("migrate-progress");
    var status = document.getElementById("migrate-status");
    var done = 0;
    bar.max = Math.max(ids.length, 1);
    bar.value = 0;
    document.getElementById("migrate-same").disabled = true;
    function next(start) {
      if (start >= ids.length) {
        bar.value = bar.max;
        status.textContent = labels.done.replace("{n}", done);
        root.setAttribute("data-migrated", "true");
        return Promise.resolve();
      }
      var chunk = ids.slice(start, start + 10);
      return post(chunk).then(function (answer) {
        answer.cases.forEach(function (moved) {
          update(moved);
          if (moved.outcome === "migrated") { done += 1; }
        });
        bar.value = Math.min(start + chunk.length, ids.length);
        return next(start + chunk.length);
      });
    }
    next(0).catch(failed);
  }
  function filter() {
    var outcome = document.getElementById("filter-outcome").value;
    var text = document.getElementById("filter-text").value.toLowerCase();
    Array.prototype.forEach.call(body.rows, function (row) {
      var show = (!outcome || row.getAttribute("data-outcome") === outcome) &&
        (!text || row.textContent.toLowerCase().indexOf(text) >= 0);
      row.hidden = !show;
    });
  }
  function diagram(id, marks) {
    var box = document.getElementById(id);
    if (!box || !box.getAttribute("data-source") || typeof window.BpmnJS !== "function") { return; }
    fetch(box.getAttribute("data-source"), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (xml) {
        var viewer = new window.BpmnJS({ container: box });
        return viewer.importXML(xml).then(function () {
          var canvas = viewer.get("canvas");
          var registry = viewer.get("elementRegistry");
          marks.forEach(function (mark) {
            JSON.parse(box.getAttribute("data-" + mark) || "[]").forEach(function (element) {
              if (registry.get(element)) { canvas.addMarker(element, "ltsa-" + mark); }
            });
          });
          canvas.zoom("fit-viewport");
          box.setAttribute("data-ready", "true");
        });
      })
      .catch(function () { box.textContent = box.getAttribute("data-error"); });
  }
  document.getElementById("filter-outcome").addEventListener("change", filter);
  document.getElementById("filter-text").addEventListener("input", filter);
  document.getElementById("migrate-same").addEventListener("click", migrateSame);
  diagram("diagram-old", ["removed", "changed"]);
  diagram("diagram-new", ["added", "changed"]);
  showCounts();
  preview(0).catch(failed);
})();
