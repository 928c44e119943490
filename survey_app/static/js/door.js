// The door log with JavaScript: each door goes into the device's outbox at once,
// so a volunteer in a stairwell with no signal logs door after door and nothing is lost.
(function () {
  "use strict";
  var form = document.querySelector("[data-wm-door-form]");
  if (!form || !window.WMOutbox || !window.WMStore) { return; }
  var saved = document.querySelector("[data-wm-door-saved]");
  var undone = document.querySelector("[data-wm-door-undone]");
  var last = null;
  // Only a signed-in volunteer's tablet has a device key, and the outbox sends doors with
  // it. Without one (a coordinator out on a round) a queued door could never leave: the
  // form then goes to the server as it would without JavaScript, under the person signed in.
  var hasDevice = false;
  WMStore.get("meta", "device").then(function (device) {
    hasDevice = Boolean(device && device.token);
  });

  // Undo the last door: still on the device, it simply never leaves; already sent, the
  // page (online) lists it with the server's own undo.
  document.querySelector("[data-wm-undo-last]").addEventListener("click", function () {
    if (!last) { return; }
    WMStore.get("outbox", last).then(function (waiting) {
      if (!waiting) { window.location.reload(); return null; }
      return WMStore.remove("outbox", last).then(function () {
        last = null;
        saved.hidden = true;
        undone.hidden = false;
        if (window.WMApp) { window.WMApp.show(); }
      });
    });
  });
  var language = form.querySelector("[data-question-block=language]");

  function chosen() {
    var picked = form.querySelector("[name=outcome]:checked");
    return picked ? picked.value : "";
  }

  function update() { language.hidden = chosen() !== "needs_language"; }
  form.addEventListener("change", update);
  update();

  form.addEventListener("submit", function (event) {
    if (!hasDevice) { return; }
    var outcome = chosen();
    var street = form.querySelector("[name=street]").value.trim();
    var code = form.querySelector("[name=language]").value;
    // Anything missing: let the server explain it, as without JavaScript.
    if (!street || !outcome || (outcome === "needs_language" && !code)) { return; }
    event.preventDefault();
    var door = form.querySelector("[name=door]").value.trim();
    var knock = {
      // Always an id made now: a door log page kept for offline use carries the same
      // id every time it opens, and a reused id would let one door replace another.
      id: WMOutbox.newId(),
      event_id: form.getAttribute("data-event"), street: street, door: door || null,
      outcome: outcome, language: outcome === "needs_language" ? code : null,
      knocked_at: new Date().toISOString()
    };
    if (outcome === "completed") { knock.response_id = WMOutbox.newId(); }
    WMOutbox.queue(knock, "door").then(function () {
      if (knock.response_id) {
        // Straight on to the survey with this resident, under the id the door now names.
        var survey = new URL(form.getAttribute("data-survey-url"), window.location.href);
        survey.searchParams.set("response", knock.response_id);
        survey.searchParams.set("round", knock.event_id);
        window.location.href = survey.toString();
        return;
      }
      last = knock.id;
      undone.hidden = true;
      saved.hidden = false;
      form.querySelector("[name=door]").value = "";
      form.querySelectorAll("[name=outcome]").forEach(function (input) { input.checked = false; });
      update();
      form.querySelector("[name=door]").focus();
      if (window.WMApp) { window.WMApp.queued(); }
    });
  });
})();
