// The door log with JavaScript: each door goes into the device's outbox at once,
// so a volunteer in a stairwell with no signal logs door after door and nothing is lost.
(function () {
  "use strict";
  var form = document.querySelector("[data-wm-door-form]");
  if (!form || !window.WMOutbox || !window.WMStore) { return; }
  var saved = document.querySelector("[data-wm-door-saved]");
  var language = form.querySelector("[data-question-block=language]");

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function chosen() {
    var picked = form.querySelector("[name=outcome]:checked");
    return picked ? picked.value : "";
  }

  function update() { language.hidden = chosen() !== "needs_language"; }
  form.addEventListener("change", update);
  update();

  form.addEventListener("submit", function (event) {
    var outcome = chosen();
    var street = form.querySelector("[name=street]").value.trim();
    var code = form.querySelector("[name=language]").value;
    // Anything missing: let the server explain it, as without JavaScript.
    if (!street || !outcome || (outcome === "needs_language" && !code)) { return; }
    event.preventDefault();
    var door = form.querySelector("[name=door]").value.trim();
    var knock = {
      id: form.querySelector("[name=id]").value || newId(),
      event_id: form.getAttribute("data-event"), street: street, door: door || null,
      outcome: outcome, language: outcome === "needs_language" ? code : null,
      knocked_at: new Date().toISOString()
    };
    if (outcome === "completed") { knock.response_id = newId(); }
    WMOutbox.queue(knock, "door").then(function () {
      if (knock.response_id) {
        // Straight on to the survey with this resident, under the id the door now names.
        var survey = new URL(form.getAttribute("data-survey-url"), window.location.href);
        survey.searchParams.set("response", knock.response_id);
        window.location.href = survey.toString();
        return;
      }
      saved.hidden = false;
      form.querySelector("[name=id]").value = newId();
      form.querySelector("[name=door]").value = "";
      form.querySelectorAll("[name=outcome]").forEach(function (input) { input.checked = false; });
      update();
      form.querySelector("[name=door]").focus();
      if (window.WMApp) { window.WMApp.queued(); }
    });
  });
})();
