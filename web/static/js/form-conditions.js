// Shows and hides form fields by their visible_if condition (the server checks it again).
(function () {
  "use strict";
  var form = document.querySelector("form.ltsa-form");
  if (!form) { return; }
  var groups = Array.prototype.slice.call(form.querySelectorAll("[data-visible-if-json]"));
  if (!groups.length) { return; }

  function valueOf(name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    if (!inputs.length) { return undefined; }
    var input = inputs[0];
    if (input.type === "checkbox") { return input.checked; }
    if (input.type === "number") { return input.value === "" ? null : Number(input.value); }
    return input.value === "" ? null : input.value;
  }
  function test(condition) {
    if (condition.and) { return condition.and.every(test); }
    if (condition.or) { return condition.or.some(test); }
    var value = valueOf(condition.field);
    if (value === undefined) { return true; }
    var hit = condition["in"].some(function (candidate) { return candidate === value; });
    return condition["not"] ? !hit : hit;
  }
  function update() {
    groups.forEach(function (group) {
      var visible = test(JSON.parse(group.getAttribute("data-visible-if-json")));
      group.hidden = !visible;
      Array.prototype.forEach.call(group.querySelectorAll("input, select, textarea"), function (input) {
        if (!group.classList.contains("readonly")) { input.disabled = !visible; }
      });
    });
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
