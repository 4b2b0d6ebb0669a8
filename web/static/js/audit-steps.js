// The auditor's step slider: shows the chosen event number and opens it when released.
(function () {
  "use strict";
  var form = document.getElementById("step-form");
  var slider = document.getElementById("step-to");
  var out = document.getElementById("step-out");
  if (!form || !slider) { return; }
  slider.addEventListener("input", function () { if (out) { out.textContent = slider.value; } });
  slider.addEventListener("change", function () { form.submit(); });
})();
