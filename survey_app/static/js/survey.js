// Progressive enhancement only: without this file every question still shows
// and the server decides what applies.
(function () {
  "use strict";
  var form = document.querySelector("[data-survey-form]");
  if (!form) { return; }

  function answered(question, value) {
    var inputs = form.querySelectorAll('[name="' + question + '"]');
    for (var i = 0; i < inputs.length; i += 1) {
      var input = inputs[i];
      if ((input.type === "radio" || input.type === "checkbox") ? input.checked && input.value === value
          : input.value === value) { return true; }
    }
    return false;
  }

  function update() {
    var blocks = form.querySelectorAll("[data-show-if]");
    for (var i = 0; i < blocks.length; i += 1) {
      var block = blocks[i];
      var condition = block.getAttribute("data-show-if");
      if (!form.querySelector('[name="' + condition + '"]:not([type="hidden"])')) { continue; }
      block.hidden = !answered(condition, block.getAttribute("data-show-if-equals"));
    }
  }

  form.addEventListener("change", update);
  update();

  var summary = document.querySelector("[data-testid='error-summary']");
  if (summary) { summary.focus(); }
})();
