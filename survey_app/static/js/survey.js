// The survey in the browser. Without this file (or without IndexedDB) the server
// runs the survey step by step; with it, the whole survey runs on the device, so
// it works with no signal: drafts survive a closed tab, and a finished response
// waits in the outbox until the server's receipt says it is committed.
(function () {
  "use strict";
  var EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
  var PHONE = /^\+?[0-9 ()\-]{7,20}$/;
  var GLOSS = "__gloss";
  var LANGUAGE = "__language";
  var NUMBERS = ["integer", "decimal"];
  // Shown but never answered (model.DISPLAY_TYPES), or worked out (CALCULATED_TYPES).
  var DISPLAY = ["note", "unsupported", "calculate"];

  // Digits in any script (৩, ٣) as 0-9, as the server's ascii_number() does: a digit's
  // value is how far it is from the zero that starts its run of ten.
  function asciiNumber(value) {
    var digit = /\p{Nd}/u;
    return Array.from(value).map(function (char) {
      if (!digit.test(char) || /[0-9]/.test(char)) { return char; }
      var code = char.codePointAt(0);
      var steps = 0;
      while (steps < 9 && digit.test(String.fromCodePoint(code - steps - 1))) { steps += 1; }
      return String(steps);
    }).join("").replace(/[,\u066b]/g, ".").replace(/ /g, "");
  }

  // Every named field's non-empty values, hidden carried answers included.
  function formAnswers(form) {
    var raw = {};
    new FormData(form).forEach(function (value, name) {
      value = String(value).trim();
      if (value !== "") { (raw[name] = raw[name] || []).push(value); }
    });
    return raw;
  }

  // A location as ODK keeps it, "lat lon alt acc", from the page's fields (geopoint.py).
  var LOCATION_PARTS = ["__lat", "__lon", "__alt", "__acc"];
  function composeLocation(id, getAll, cleanPart) {
    var parts = LOCATION_PARTS.map(function (part) {
      return getAll(id + part).map(cleanPart).filter(function (v) { return v !== ""; })[0] || "";
    });
    if (!parts[0] && !parts[1]) {
      return getAll(id).map(function (v) {
        return v.split(/\s+/).map(cleanPart).filter(Boolean).join(" ");
      }).filter(function (v) { return v !== ""; }).slice(0, 1);
    }
    return [[parts[0] || "?", parts[1] || "?", parts[2] || "0", parts[3] || "0"].join(" ")];
  }

  function isLocation(value) {
    var parts = value.split(/\s+/).filter(Boolean);
    if (parts.length < 2 || parts.length > 4 ||
        !parts.every(function (p) { return /^-?[0-9]+(\.[0-9]+)?$/.test(p); })) { return false; }
    var n = parts.map(Number);
    return n[0] >= -90 && n[0] <= 90 && n[1] >= -180 && n[1] <= 180 && (n.length < 4 || n[3] >= 0);
  }

  // "Use this device's location": only when pressed, and the browser asks the person too.
  function enableLocate(container) {
    if (!navigator.geolocation) { return; }
    container.querySelectorAll("[data-location]").forEach(function (block) {
      var button = block.querySelector("[data-locate]");
      var status = block.querySelector("[data-locate-status]");
      var id = block.getAttribute("data-location");
      if (!button || button.getAttribute("data-ready")) { return; }
      button.setAttribute("data-ready", "true");
      button.hidden = false;
      button.addEventListener("click", function () {
        status.textContent = block.getAttribute("data-finding");
        navigator.geolocation.getCurrentPosition(function (found) {
          var set = function (part, value) {
            var input = block.querySelector('[name="' + id + part + '"]');
            input.value = value;
          };
          set("__lat", found.coords.latitude.toFixed(6));
          set("__lon", found.coords.longitude.toFixed(6));
          set("__alt", String(Math.round(found.coords.altitude || 0)));
          set("__acc", String(Math.round(found.coords.accuracy || 0)));
          status.textContent = block.getAttribute("data-found")
            .replace("%(metres)s", new Intl.NumberFormat(document.documentElement.lang || "en")
              .format(Math.round(found.coords.accuracy || 0)));
          block.dispatchEvent(new Event("input", { bubbles: true }));
        }, function (problem) {
          status.textContent = block.getAttribute(problem.code === 1 ? "data-denied" : "data-failed");
        }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
      });
    });
  }

  // Choices a choice_filter rules out are hidden (and let go of) as the answers change;
  // the server wrote each choice's columns and the earlier answers the filter reads.
  function filterChoices(container, answers) {
    container.querySelectorAll("[data-choice-filter]").forEach(function (list) {
      var tree = JSON.parse(list.getAttribute("data-choice-filter"));
      var given = Object.assign(JSON.parse(list.getAttribute("data-known") || "{}"), answers);
      list.querySelectorAll("[data-columns]").forEach(function (choice) {
        var shown = WMExpressions.keeps(tree, given, JSON.parse(choice.getAttribute("data-columns")));
        choice.hidden = !shown;
        if (shown) { return; }
        if (choice.tagName === "OPTION") { choice.selected = false; return; }
        var input = choice.querySelector("input");
        if (input && input.checked) { input.checked = false; }
      });
    });
  }

  // Questions whose skip logic depends on this page, shown or hidden as the answers
  // change (server mode; client mode does the same in render()).
  function serverMode() {
    var form = document.querySelector("[data-survey-form]");
    if (!form) { return; }
    var update = function () {
      var answers = formAnswers(form);
      form.querySelectorAll("[data-relevant]").forEach(function (block) {
        block.hidden = !WMExpressions.holds(JSON.parse(block.getAttribute("data-relevant")), answers);
      });
      filterChoices(form, answers);
      // A label that shows an answer on this page follows it (earlier pages' are in the HTML).
      form.querySelectorAll("[data-pipe]").forEach(function (span) {
        var name = span.getAttribute("data-pipe");
        if (form.querySelector('[name="' + name + '"]')) { span.textContent = (answers[name] || []).join(" "); }
      });
    };
    form.addEventListener("change", update);
    form.addEventListener("input", update);
    enableLocate(form);
    update();
    var summary = document.querySelector("[data-testid='error-summary']");
    if (summary) { summary.focus(); }
  }

  var root = document.querySelector("[data-wm-root]");
  var template = document.getElementById("wm-steps");
  if (!root || !template || !window.indexedDB || !window.WMStore || !window.WMOutbox ||
      !window.WMRepeats) {
    serverMode();
    return;
  }

  var survey = JSON.parse(document.getElementById("wm-survey").textContent);
  var messages = JSON.parse(document.getElementById("wm-messages").textContent);
  var draftKey = survey.id + "|" + survey.mode;  // a given response id is added below
  var numbers = new Intl.NumberFormat(document.documentElement.lang || "en");
  var questions = {};
  // The steps as the survey defines them; survey.steps holds them expanded for the answers
  // so far, each repeat's questions copied once per instance (expandSteps).
  var formSteps = survey.steps;
  function indexQuestions() {
    questions = {};
    survey.steps.forEach(function (step) {
      step.questions.forEach(function (q) { questions[q.id] = q; });
    });
  }
  indexQuestions();

  root.replaceChildren(template.content.cloneNode(true));
  var form = root.querySelector("[data-wm-form]");
  enableLocate(form);
  var thanks = root.querySelector("[data-wm-thanks]");
  // Voice answers (voice.js): kept on the device under this response's id.
  var voice = window.WMVoice ? WMVoice.attach(form, {
    messages: messages,
    responseId: function () { return state.id; },
    changed: function () { clearErrors(); }
  }) : null;
  // A page served from the offline cache was made for another address: the address
  // itself says which event and which response id (the door log chooses one) apply.
  var params = new URLSearchParams(window.location.search);
  var UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  if (!survey.event && /^[0-9A-Z]{6}$/.test(params.get("event") || "")) {
    survey.event = params.get("event");
  }
  // The id a door log chose for this door's response. It names one resident's answers
  // only: once used (queued, sent, refused) a reload or the next resident gets a new one.
  var given = survey.response_id || (UUID.test(params.get("response") || "") ? params.get("response") : null);
  var round = /^[0-9A-Z]{6}$/.test(params.get("round") || "") ? params.get("round") : null;
  var newId = WMOutbox.newId;
  var state = { id: newId(), step: survey.steps[0].id, started_at: new Date().toISOString() };

  function usedKey(id) { return "used|" + id; }

  // Whether an id has already carried a response from this device.
  function used(id) {
    return Promise.all([
      WMStore.get("meta", usedKey(id)), WMStore.get("outbox", id), WMStore.get("problems", id)
    ]).then(function (found) { return found.some(Boolean); });
  }

  // The address without the door's response id, so that a reload of the thanks screen
  // (or a tablet waking on it) starts a new response, never the last one again.
  function forgetGivenId() {
    if (!params.has("response")) { return; }
    var address = new URL(window.location.href);
    address.searchParams.delete("response");
    window.history.replaceState(null, "", address.toString());
  }

  // The resident's reference, made from the response id exactly as the server makes it
  // (storage/references.py): the first 40 bits in Crockford's base 32, like K7QM-4TXD.
  var REFERENCE_LETTERS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  function referenceFor(id) {
    var hex = String(id).replace(/-/g, "").toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(hex)) { return ""; }
    var number = parseInt(hex.slice(0, 10), 16), letters = "";
    for (var i = 0; i < 8; i++) {
      letters = REFERENCE_LETTERS.charAt(number % 32) + letters;
      number = Math.floor(number / 32);
    }
    return letters.slice(0, 4) + "-" + letters.slice(4);
  }

  function showReference(id) {
    var card = thanks.querySelector("[data-wm-reference-card]");
    var reference = referenceFor(id);
    if (!card || !reference) { return; }
    card.querySelector("[data-wm-reference]").textContent = reference;
    card.hidden = false;
    var printing = card.querySelector("[data-wm-print-reference]");
    if (printing && window.print && !survey.kiosk) {
      printing.hidden = false;
      printing.querySelector("button").addEventListener("click", function () {
        document.body.classList.add("printing-reference");
        window.print();
      });
      window.addEventListener("afterprint", function () {
        document.body.classList.remove("printing-reference");
      });
    }
  }

  function format(message, values) {
    return message.replace(/%\((\w+)\)s/g, function (_match, name) { return values[name]; });
  }

  function clean(value) {
    return value.replace(/\r\n?/g, "\n").normalize("NFC")
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "").trim();
  }

  // Every field's cleaned, non-empty values, as the server's gather() makes them.
  function gather() {
    var data = new FormData(form);
    var raw = {};
    Object.keys(questions).forEach(function (id) {
      if (questions[id].type === "geopoint") {
        var place = composeLocation(id, function (name) { return data.getAll(name).map(String); },
          function (v) { return asciiNumber(clean(v)); });
        if (place.length) { raw[id] = place; }
        return;
      }
      [id, id + GLOSS, id + LANGUAGE].forEach(function (name) {
        var values = data.getAll(name).map(function (v) { return clean(String(v)); })
          .map(function (v) { return NUMBERS.indexOf(questions[id].type) !== -1 && name === id ? asciiNumber(v) : v; })
          .filter(function (v) { return v !== ""; });
        if (values.length) { raw[name] = values; }
      });
    });
    return raw;
  }

  function holds(tree, kept) {
    return WMExpressions.holds(tree, kept);
  }

  // The answers that count, decided in survey order (Survey.effective_answers).
  function effective(raw) { return effectiveOver(survey.steps, raw); }

  function effectiveOver(steps, raw) {
    var kept = {};
    (survey.today_names || []).forEach(function (name) {
      kept[name] = [new Date().toISOString().slice(0, 10)];
    });
    steps.forEach(function (step) {
      if (!holds(step.relevant, kept)) { return; }
      step.questions.forEach(function (q) {
        if (!holds(q.relevant, kept)) { return; }
        if (q.calculation) {
          var value = WMExpressions.value(q.calculation, kept);
          if (value !== "") { kept[q.id] = [value]; }
        } else if (q.read_only) {
          if (q["default"]) { kept[q.id] = [q["default"]]; }
        } else if (raw[q.id]) { kept[q.id] = raw[q.id]; }
      });
    });
    return kept;
  }

  // Repeats (static/js/repeats.js): survey.steps is expanded for the answers so far.
  function expandSteps(raw) { return WMRepeats.expandSteps(formSteps, raw, effectiveOver); }

  // The page's groups of instances made to match the steps: each missing instance copied
  // from the pattern the server wrote, each surplus one taken away.
  function showInstances(steps) {
    var changed = false;
    steps.forEach(function (step) {
      if (!step.repeat) { return; }
      var box = form.querySelector('[data-wm-instances="' + step.id + '"]');
      if (!box || Number(box.getAttribute("data-count")) === step.instances) { return; }
      var pattern = form.querySelector('template[data-wm-instance="' + step.id + '"]').innerHTML;
      box.replaceChildren();
      for (var n = 1; n <= step.instances; n += 1) {
        var made = document.createElement("template");
        made.innerHTML = pattern.split(WMRepeats.PATTERN).join(String(n));
        made.content.querySelectorAll("[data-wm-number]").forEach(function (span) {
          span.textContent = numbers.format(Number(span.textContent));
        });
        box.appendChild(made.content);
      }
      box.setAttribute("data-count", String(step.instances));
      var place = section(step.id);
      var count = place.querySelector("[data-wm-count]");
      if (count) { count.value = String(step.instances); }
      place.querySelector("[data-wm-none]").hidden = step.instances > 0;
      var add = place.querySelector("[data-wm-add]");
      if (add) { add.hidden = step.instances >= step.repeat.max; }
      changed = true;
    });
    return changed;
  }

  // The steps for these answers, on the page too; answers on copies made afresh are put back.
  function expandFor(raw) {
    var steps = expandSteps(raw);
    var changed = showInstances(steps);
    survey.steps = steps;
    indexQuestions();
    if (changed) {
      fill(raw);
      enableLocate(form);
    }
    return changed;
  }

  // "Add another" and "Remove this one": the page made afresh with the answers moved.
  function changeInstances(action) {
    var step = survey.steps.filter(function (s) { return s.id === action.split(":")[1]; })[0];
    if (!step || !step.repeat || step.repeat.count) { return; }
    var own = formSteps.filter(function (s) { return s.id === step.id; })[0].questions
      .map(function (q) { return q.id; });
    var result = WMRepeats.changed(step, own, gather(), action);
    if (!result) { return; }
    var raw = result.raw;
    var focus = result.focus;
    var box = form.querySelector('[data-wm-instances="' + step.id + '"]');
    box.setAttribute("data-count", "-1");  // made afresh, with the answers moved
    expandFor(raw);
    render(false);
    saveDraft();
    var target = focus ? box.querySelector('[data-instance="' + focus + '"] input, [data-instance="' + focus + '"] select, [data-instance="' + focus + '"] textarea') :
      section(step.id).querySelector("[data-wm-add] button");
    if (target) { target.focus(); }
  }

  // The steps a person goes through: a step of calculations only is worked out, not shown.
  function pages(raw) {
    return applicableSteps(raw).filter(function (step) {
      if (step.repeat && !step.repeat.count) { return true; }  // the person adds to it
      return !step.questions.length || step.questions.some(function (q) { return !q.hidden; });
    });
  }

  function applicableSteps(raw) {
    var kept = effective(raw);
    return survey.steps.filter(function (step) { return holds(step.relevant, kept); });
  }

  function applicableQuestions(step, raw) {
    var kept = effective(raw);
    return step.questions.filter(function (q) { return holds(q.relevant, kept); });
  }

  function tooLong(text) {
    var length = Array.from(text).length;
    if (length <= survey.max_length) { return null; }
    return format(messages.too_long, {
      limit: numbers.format(survey.max_length), count: numbers.format(length)
    });
  }

  function isDate(value) {
    if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value)) { return false; }
    var parts = value.split("-").map(Number);
    var day = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2]));
    return day.getUTCFullYear() === parts[0] && day.getUTCMonth() === parts[1] - 1 &&
      day.getUTCDate() === parts[2];
  }

  function isTime(value) {
    var match = /^([0-9]{2}):([0-9]{2})(:([0-9]{2}))?$/.exec(value);
    return Boolean(match) && Number(match[1]) < 24 && Number(match[2]) < 60 &&
      (match[4] === undefined || Number(match[4]) < 60);
  }

  function questionError(q, values, kept) {
    if (DISPLAY.indexOf(q.type) !== -1 || q.read_only) { return null; }
    if (!values.length) {
      if (!q.required) { return null; }
      if (q.required_message) { return q.required_message; }
      if (q.type === "consent") { return messages.consent; }
      if (q.type === "acknowledge") { return messages.acknowledge; }
      if (["single_choice", "multiple_choice", "yes_no"].indexOf(q.type) !== -1) { return messages.choose; }
      return messages.answer;
    }
    if (q.type !== "multiple_choice" && values.length > 1) {
      return messages.only_one;
    }
    if (q.type === "consent" && values[0] !== "yes") { return messages.consent; }
    if (q.type === "yes_no" && values[0] !== "yes" && values[0] !== "no") { return messages.unknown_choice; }
    if ((q.type === "single_choice" || q.type === "multiple_choice") &&
        values.some(function (v) { return q.choices.indexOf(v) === -1; })) {
      return messages.unknown_choice;
    }
    if (q.type === "email" && !EMAIL.test(values[0])) { return messages.email; }
    if (q.type === "phone" && !PHONE.test(values[0])) { return messages.phone; }
    if (q.type === "acknowledge" && values[0] !== "OK") { return messages.acknowledge; }
    if (q.type === "integer" && !/^-?[0-9]+$/.test(values[0])) { return messages.integer; }
    if (q.type === "decimal" && !/^-?[0-9]+(\.[0-9]+)?$/.test(values[0])) { return messages.decimal; }
    if (q.type === "date" && !isDate(values[0])) { return messages.date; }
    if (q.type === "time" && !isTime(values[0])) { return messages.time; }
    if (q.type === "datetime" && !(/^.{10}T/.test(values[0]) && isDate(values[0].slice(0, 10)) &&
        isTime(values[0].slice(11)))) { return messages.datetime; }
    if (q.type === "geopoint" && !isLocation(values[0])) { return messages.geopoint; }
    var long = tooLong(values[0]);
    if (long) { return long; }
    if (q.constraint && !WMExpressions.holds(q.constraint, kept, values)) {
      return q.constraint_message || messages.constraint;
    }
    return null;
  }

  function validateStep(step, raw) {
    var errors = {};
    var kept = effective(raw);
    applicableQuestions(step, raw).forEach(function (q) {
      var values = raw[q.id] || [];
      // A recording answers a question in words as typing does.
      var message = !values.length && voice && voice.has(q.id) ? null : questionError(q, values, kept);
      if (message) { errors[q.id] = message; }
      var gloss = raw[q.id + GLOSS];
      if (q.gloss && survey.mode === "assisted" && gloss) {
        message = tooLong(gloss[0]);
        if (message) { errors[q.id + GLOSS] = message; }
      }
      var spoken = raw[q.id + LANGUAGE];
      if (q.gloss && survey.mode === "assisted" && spoken &&
          (spoken.length > 1 || survey.answer_languages.indexOf(spoken[0]) === -1)) {
        errors[q.id + LANGUAGE] = messages.language;
      }
    });
    if (step.require_one_of.length &&
        !step.require_one_of.some(function (id) { return raw[id]; }) &&
        !errors[step.require_one_of[0]]) {
      errors[step.require_one_of[0]] = messages.one_of;
    }
    return errors;
  }

  function stepById(id) {
    return survey.steps.filter(function (step) { return step.id === id; })[0];
  }

  function section(id) { return form.querySelector('[data-wm-step="' + id + '"]'); }

  // The page title says there is a problem, as the server's error pages do.
  function titled(problem) {
    var prefix = messages.error_prefix + " ";
    var plain = document.title.indexOf(prefix) === 0 ? document.title.slice(prefix.length) : document.title;
    document.title = problem ? prefix + plain : plain;
  }

  function clearErrors() {
    titled(false);
    form.querySelector("[data-wm-errors]").replaceChildren();
    form.querySelectorAll(".field-error").forEach(function (node) { node.remove(); });
    form.querySelectorAll(".has-error").forEach(function (node) { node.classList.remove("has-error"); });
    form.querySelectorAll("[aria-invalid]").forEach(function (node) {
      node.removeAttribute("aria-invalid");
      var ids = (node.getAttribute("aria-describedby") || "").split(" ")
        .filter(function (id) { return id && !/-error$/.test(id); });
      if (ids.length) { node.setAttribute("aria-describedby", ids.join(" ")); }
      else { node.removeAttribute("aria-describedby"); }
    });
  }

  function showErrors(errors) {
    clearErrors();
    var names = Object.keys(errors);
    if (!names.length) { return; }
    var summary = document.createElement("div");
    summary.className = "error-summary";
    summary.setAttribute("role", "alert");
    summary.setAttribute("tabindex", "-1");
    summary.setAttribute("aria-labelledby", "error-summary-title");
    summary.setAttribute("data-testid", "error-summary");
    var heading = document.createElement("h2");
    heading.id = "error-summary-title";
    heading.textContent = messages.problem;
    var list = document.createElement("ul");
    names.forEach(function (name) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#q-" + name;
      link.textContent = errors[name];
      item.appendChild(link);
      list.appendChild(item);
      var target = section(state.step).querySelector("#q-" + CSS.escape(name));
      if (!target) { return; }
      var error = document.createElement("p");
      error.className = "field-error";
      error.id = "q-" + name + "-error";
      var prefix = document.createElement("span");
      prefix.className = "visually-hidden";
      prefix.textContent = messages.error_prefix;
      error.append(prefix, " " + errors[name]);
      var block = target.closest("[data-question-block]");
      if (block) { block.classList.add("has-error"); }
      var anchor = target.tagName === "FIELDSET" ? target.querySelector("legend") : target;
      if (target.tagName === "FIELDSET") {
        var hint = target.querySelector(".hint");
        (hint || anchor).after(error);
      } else if (target.type === "checkbox") {
        target.closest(".choice").before(error);
      } else {
        target.before(error);
      }
      var describedBy = (target.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      describedBy.push(error.id);
      target.setAttribute("aria-describedby", describedBy.join(" "));
      target.setAttribute("aria-invalid", "true");
    });
    summary.append(heading, list);
    form.querySelector("[data-wm-errors]").appendChild(summary);
    titled(true);
    summary.focus();
  }

  function render(focus) {
    if (expandFor(gather())) { clearErrors(); }
    var raw = gather();
    var steps = pages(raw);
    var ids = steps.map(function (step) { return step.id; });
    if (ids.indexOf(state.step) === -1) { state.step = ids[0]; }
    var index = ids.indexOf(state.step);
    var kept = effective(raw);
    survey.steps.forEach(function (step) { section(step.id).hidden = step.id !== state.step; });
    var current = stepById(state.step);
    current.questions.forEach(function (q) {
      var block = section(state.step).querySelector('[data-question-block="' + q.id + '"]');
      if (block) { block.hidden = !holds(q.relevant, kept); }
    });
    form.querySelectorAll("[data-pipe]").forEach(function (span) {
      span.textContent = (kept[span.getAttribute("data-pipe")] || []).join(" ");
    });
    filterChoices(section(state.step), kept);
    form.setAttribute("data-step", state.step);
    form.setAttribute("data-response-id", state.id);
    form.querySelector("[data-wm-progress]").textContent = format(messages.step_of, {
      number: numbers.format(index + 1), total: numbers.format(ids.length)
    });
    var last = index === ids.length - 1;
    form.querySelector("[data-wm-next]").hidden = last;
    form.querySelector("[data-wm-submit]").hidden = !last;
    form.querySelector("[data-wm-back]").hidden = index === 0;
    var heading = section(state.step).querySelector("h1");
    document.title = heading.textContent.trim() + " – " + document.title.split(" – ").pop();
    titled(form.querySelector("[data-wm-errors]").children.length > 0);
    if (focus) {
      window.scrollTo(0, 0);
      heading.focus();
    }
  }

  // Once finished, a response is in the outbox: no late draft save may revive it.
  var finished = false;

  var ready = false;

  function saveDraft() {
    // A kiosk is shared: nothing of one person may wait for the next. Before the draft
    // is looked up, the id (and so the draft's key) is not settled yet.
    if (!ready || finished || survey.kiosk) { return Promise.resolve(); }
    return WMStore.put("drafts", {
      key: draftKey, id: state.id, step: state.step, started_at: state.started_at,
      raw: gather(), saved_at: new Date().toISOString()
    });
  }

  var pendingSave = null;
  function saveSoon() {
    if (pendingSave) { clearTimeout(pendingSave); }
    pendingSave = setTimeout(function () { pendingSave = null; saveDraft(); }, 200);
  }

  function fill(raw) {
    Object.keys(raw).forEach(function (name) {
      if (questions[name] && questions[name].type === "geopoint") {
        var parts = raw[name][0].split(" ");
        LOCATION_PARTS.forEach(function (part, i) {
          var input = form.querySelector('[name="' + name + part + '"]');
          if (input) { input.value = parts[i] && parts[i] !== "?" ? parts[i] : ""; }
        });
        return;
      }
      form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
        if (input.type === "radio" || input.type === "checkbox") {
          input.checked = raw[name].indexOf(input.value) !== -1;
        } else {
          input.value = raw[name][0];
        }
      });
    });
  }

  function buildResponse(raw) {
    var answers = {};
    var glosses = {};
    var spoken = {};
    applicableSteps(raw).forEach(function (step) {
      applicableQuestions(step, raw).forEach(function (q) {
        if (!raw[q.id]) { return; }
        answers[q.id] = q.type === "multiple_choice" ? raw[q.id] : raw[q.id][0];
        if (q.gloss && survey.mode === "assisted" && raw[q.id + GLOSS]) {
          glosses[q.id] = raw[q.id + GLOSS][0];
        }
        if (q.gloss && survey.mode === "assisted" && raw[q.id + LANGUAGE]) {
          spoken[q.id] = raw[q.id + LANGUAGE][0];
        }
      });
    });
    var response = {
      id: state.id, survey_id: survey.id, survey_version: survey.version,
      language: survey.language, mode: survey.mode, created_at: new Date().toISOString(),
      started_at: state.started_at,
      answers: answers, glosses: glosses, answer_languages: spoken
    };
    if (survey.event) { response.event_id = survey.event; }
    var recordings = voice ? voice.declared(function (id) {
      return applicableSteps(raw).some(function (step) {
        return applicableQuestions(step, raw).some(function (q) { return q.id === id; });
      });
    }) : [];
    if (recordings.length) {
      // Recordings are recorded only after the resident ticked the box to keep them.
      response.recordings = recordings;
      response.voice_consent = true;
    }
    return response;
  }

  // Queue under the response's own id; should that id be taken after all (another tab,
  // an old page), the response takes a new one rather than replace anybody's answers.
  function queueOnce(raw, attempts) {
    var response = buildResponse(raw);
    return WMStore.put("meta", { key: usedKey(state.id), at: new Date().toISOString() })
      .then(function () { return WMOutbox.queue(response); })
      .catch(function (error) {
        if (!error || error.name !== "ConstraintError" || attempts <= 0) { throw error; }
        state.id = newId();
        return (voice ? voice.rekey(state.id) : Promise.resolve()).then(function () {
          return queueOnce(raw, attempts - 1);
        });
      });
  }

  // The thanks screen says what happened to these answers: sent, still on this device,
  // or held back because the server has other answers under the same id.
  function showStatus() {
    var line = thanks.querySelector("[data-wm-thanks-status]");
    if (!line) { return Promise.resolve(); }
    return WMOutbox.status(state.id).then(function (where) {
      // Refused by the server (a survey it does not know, say) is not "will be sent" either.
      var shown = where === "sent" ? "sent" : where === "waiting" ? "kept" : "held";
      line.setAttribute("data-state", shown);
      line.querySelectorAll("[data-wm-state]").forEach(function (part) {
        part.hidden = part.getAttribute("data-wm-state") !== shown;
      });
    });
  }

  function finish(raw) {
    finished = true;
    if (pendingSave) { clearTimeout(pendingSave); pendingSave = null; }
    // "Saved" shows only after the outbox write has completed.
    return queueOnce(raw, 3).then(function () {
      return WMStore.remove("drafts", draftKey);
    }).then(function () {
      // The recordings wait in IndexedDB for the outbox; this page plays them no more.
      if (voice) { voice.release(); }
      forgetGivenId();
      showReference(state.id);
      if (survey.kiosk) { return leaveNothingBehind(); }
      form.hidden = true;
      thanks.hidden = false;
      // A new response starts in the same place: same event, mode and round, no old id.
      var again = thanks.querySelector("[data-testid=again]");
      if (again) { again.href = window.location.pathname + window.location.search; }
      var back = thanks.querySelector("[data-wm-round-link]");
      if (back && round) {
        back.href = back.getAttribute("data-prefix") + round;
        back.hidden = false;
      }
      document.title = thanks.querySelector("h1").textContent.trim() + " – " +
        document.title.split(" – ").pop();
      thanks.querySelector("h1").focus();
      document.addEventListener("wm-outbox-shown", showStatus);
      return showStatus().then(function () {
        if (window.WMApp) { return window.WMApp.queued(); }
      });
    });
  }

  // Kiosk: the answers leave the page at once, and the page leaves the history, so
  // neither the back button nor a glance shows the last person's words.
  function leaveNothingBehind() {
    form.reset();
    form.remove();
    thanks.querySelectorAll("[data-wm-not-kiosk]").forEach(function (node) { node.remove(); });
    thanks.querySelector("[data-wm-kiosk-thanks]").hidden = false;
    thanks.hidden = false;
    thanks.querySelector("h1").focus();
    showStatus();
    document.addEventListener("wm-outbox-shown", showStatus);
    if (window.WMApp) { window.WMApp.queued(); }
    var nextPerson = function () { window.location.replace(survey.start); };
    thanks.querySelector("[data-wm-next-person]").addEventListener("click", function (event) {
      event.preventDefault();
      nextPerson();
    });
    setTimeout(nextPerson, 20000);
  }

  function next() {
    var raw = gather();
    var errors = validateStep(stepById(state.step), raw);
    if (Object.keys(errors).length) {
      showErrors(errors);
      return Promise.resolve();
    }
    clearErrors();
    var ids = pages(raw).map(function (step) { return step.id; });
    var index = ids.indexOf(state.step);
    if (index < ids.length - 1) {
      state.step = ids[index + 1];
      render(true);
      return saveDraft();
    }
    return finish(raw);
  }

  function back() {
    var ids = pages(gather()).map(function (step) { return step.id; });
    var index = ids.indexOf(state.step);
    if (index > 0) { state.step = ids[index - 1]; }
    clearErrors();
    render(true);
    return saveDraft();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = event.submitter;
    if (button && /^(add|remove):/.test(button.value)) {
      changeInstances(button.value);
      return;
    }
    if (button && button.value === "language") {
      var select = form.querySelector("[name=switch_to]");
      var tag = select.value;
      var address = new URLSearchParams(window.location.search);
      // A language only the form has ("form:ti"): its questions in it, the app's own words
      // in the closest language the app has.
      if (tag.indexOf("form:") === 0) {
        address.set("texts", tag.slice(5));
        tag = select.options[select.selectedIndex].getAttribute("data-interface");
      } else {
        address.delete("texts");
      }
      var search = address.toString();
      // Same address in another language: the event, the door's response id and the
      // volunteer mode all stay, and so does the draft saved under them.
      saveDraft().then(function () {
        window.location.href = "/" + tag + "/s/" + survey.id + "/" + (search ? "?" + search : "");
      });
      return;
    }
    next();
  });
  form.querySelector("[data-wm-back]").addEventListener("click", back);
  form.addEventListener("input", saveSoon);
  form.addEventListener("change", function () { render(false); saveDraft(); });
  form.querySelector("[data-wm-discard]").addEventListener("click", function () {
    WMStore.remove("drafts", draftKey).then(function () {
      return voice ? voice.discard() : null;
    }).then(function () {
      form.reset();
      // Each repeat starts again from one instance, as a new response does.
      form.querySelectorAll("[data-wm-count]").forEach(function (count) { count.value = "1"; });
      state = { id: newId(), step: survey.steps[0].id, started_at: new Date().toISOString() };
      form.querySelector("[data-wm-draft-notice]").hidden = true;
      clearErrors();
      render(true);
    });
  });

  var kioskReady = window.WMKiosk ? WMKiosk.ready : Promise.resolve(false);
  Promise.all([given ? used(given) : Promise.resolve(true), kioskReady]).then(function (found) {
    var taken = found[0];
    // A kiosk is a property of the device, whatever this page's address or origin.
    survey.kiosk = survey.kiosk || found[1];
    if (!taken) {
      state.id = given;
      draftKey += "|" + given;
    }
    return WMStore.get("drafts", draftKey);
  }).then(function (draft) {
    if (!draft || survey.kiosk) { return null; }
    return used(draft.id).then(function (queued) {
      // A draft of a response already queued or sent is stale: start afresh.
      return queued ? WMStore.remove("drafts", draftKey).then(function () { return null; }) : draft;
    });
  }).then(function (draft) {
    if (draft) {
      state = { id: draft.id, step: draft.step, started_at: draft.started_at };
      expandFor(draft.raw);
      fill(draft.raw);
      form.querySelector("[data-wm-draft-notice]").hidden = false;
    }
    if (!voice) { return null; }
    if (survey.kiosk && window.WMKiosk) { WMKiosk.beforeRestart(voice.discard); }
    // A kiosk keeps no draft, so no unfinished recording survives for the next person.
    return (survey.kiosk ? Promise.resolve([]) : WMStore.all("drafts")).then(function (drafts) {
      var keep = drafts.map(function (d) { return d.id; }).concat([state.id]);
      return WMVoice.forgetUnfinished(keep, used);
    }).then(function () {
      return draft ? voice.restore(draft.id) : null;
    });
  }).then(function () {
    ready = true;
    form.setAttribute("data-wm-ready", "true");
    render(false);
  }, function () {
    ready = true;
    form.setAttribute("data-wm-ready", "true");
    render(false);
  });
})();
