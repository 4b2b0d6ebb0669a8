// The buttons of an edited draft, shared by the BPMN modeler and the decision-table editor:
// test the scenarios, validate, deploy (refused when a scenario fails), deploy without tests,
// download. The server answers JSON; a scenario report comes as HTML rendered by the server.
(function () {
  "use strict";

  function csrf() { return document.querySelector('meta[name="csrf-token"]').getAttribute("content"); }

  function describe(errors) {
    return errors.map(function (e) {
      return (e.file || "") + (e.line ? ":" + e.line : "") + (e.element_id ? " [" + e.element_id + "]" : "") +
        " " + e.code + " " + e.message + (e.hint ? " — " + e.hint : "");
    }).join("\n");
  }

  // The editor page (designer/_editor.html) names the draft: its process key and version
  // (#canvas data-key, data-version) and the file name it is deployed under (#file-name).
  // options: editor() -> the bpmn-js or dmn-js modeler holding the draft; defaultName for a
  // download; onErrors(errors) marks refused elements; onReport(report or null), optional,
  // receives each answer's scenario report (JSON).
  function wire(options) {
    var canvas = document.getElementById("canvas");
    var nameInput = document.getElementById("file-name");
    var bar = document.getElementById("draft-actions");
    var result = document.getElementById("modeler-result");
    var report = document.getElementById("draft-report");
    var msg = function (name) { return bar.getAttribute("data-msg-" + name) || name; };

    function show(text, ok) {
      result.textContent = text;
      result.className = "result " + (ok === null ? "busy" : ok ? "ok" : "bad");
    }

    function showReport(html) {
      report.innerHTML = html || "";  // rendered and escaped by the server's template
      if (html && window.LtsaCoverage) { window.LtsaCoverage.draw(report); }
    }

    function save() {
      return options.editor().saveXML({ format: true }).then(function (saved) { return saved.xml; });
    }

    function send(action, skipTests) {
      show(msg("busy"), null);
      save().then(function (xml) {
        return fetch(bar.getAttribute("data-deploy-url"), {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
          body: JSON.stringify({
            action: action, skip_tests: !!skipTests, xml: xml, name: nameInput.value,
            key: canvas.getAttribute("data-key"), version: canvas.getAttribute("data-version")
          })
        });
      }).then(function (response) {
        return response.json().then(function (body) { return { status: response.status, body: body }; });
      }).then(function (answer) {
        var body = answer.body;
        var errors = body.errors && body.errors.map ? body.errors : [];
        options.onErrors(errors);
        if (options.onReport) { options.onReport(body.report || null); }
        showReport(body.report_html);
        if (body.deployed) {
          show((skipTests ? msg("skipped") : msg("deployed")) + ": " + body.deployed.map(function (d) {
            return d.key + " v" + d.version + " (" + d.status + ")"; }).join(", "), true);
        } else if (body.scenarios_failed) {
          show(msg("failed") + ": " + body.failed.join(", "), false);
        } else if (body.tested) {
          show(body.passed ? msg("passed") : msg("failing") + ": " + body.failed.join(", "), body.passed);
        } else if (body.validated) {
          show(msg("valid") + ": " + body.validated.join(", "), true);
        } else if (errors.length) {
          show(msg("refused") + ":\n" + describe(errors), false);
        } else {
          show(body.message || String(answer.status), false);
        }
      }).catch(function (error) { show(String(error), false); });
    }

    function on(id, handler) {
      var button = document.getElementById(id);
      if (button) { button.addEventListener("click", handler); }
    }
    on("test", function () { send("test"); });
    on("validate", function () { send("validate"); });
    on("deploy", function () { send("deploy"); });
    on("deploy-untested", function () { send("deploy", true); });
    on("download", function () {
      save().then(function (xml) {
        var link = document.createElement("a");
        link.href = URL.createObjectURL(new Blob([xml], { type: "application/xml" }));
        link.download = nameInput.value || options.defaultName;
        link.click();
      });
    });
    return { show: show };
  }

  window.LtsaDraft = { wire: wire };
})();
