// Kiosk mode on this device. The server marks its pages data-kiosk="on" while the
// device has its kiosk cookie, and "off" on the page where staff turned it off; the
// mark is kept in IndexedDB too, so that pages served offline (which know no cookie)
// still behave as a kiosk. WMKiosk.ready resolves true on a kiosk.
(function () {
  "use strict";
  var html = document.documentElement;
  var said = html.getAttribute("data-kiosk");
  var staff = html.hasAttribute("data-signed-in");
  var no = function () { return false; };
  var ready;
  if (!window.indexedDB || !window.WMStore) {
    ready = Promise.resolve(said === "on");
  } else if (said === "on") {
    ready = WMStore.put("meta", { key: "kiosk", since: new Date().toISOString() })
      .then(function () { return true; }, function () { return true; });
  } else if (said === "off") {
    ready = WMStore.remove("meta", "kiosk").then(no, no);
  } else {
    ready = WMStore.get("meta", "kiosk").then(function (mark) { return !!mark; }, no);
  }
  // Work to finish before the survey starts again for the next person (voice.js
  // deletes the unfinished answer's recordings).
  var beforeRestart = [];
  window.WMKiosk = {
    ready: ready,
    locked: function () { return html.classList.contains("kiosk-locked"); },
    beforeRestart: function (work) { beforeRestart.push(work); }
  };

  function startPage() { return "/" + (html.lang || "en") + "/"; }

  // A survey left half-way starts again by itself: first a countdown anyone can stop.
  function watchIdle() {
    var panel = document.querySelector("[data-wm-idle]");
    var idle = Number(html.getAttribute("data-kiosk-idle")) || 120;
    var countdown = Number(html.getAttribute("data-kiosk-countdown")) || 30;
    var numbers = new Intl.NumberFormat(html.lang || "en");
    var message = panel.querySelector("[data-wm-idle-message]");
    var timer = null;
    var ticker = null;
    var left = 0;

    function restart() {
      var go = function () { window.location.replace(startPage()); };
      Promise.all(beforeRestart.map(function (work) { return work(); })).then(go, go);
    }

    function tick() {
      message.textContent = message.getAttribute("data-template")
        .replace("%(seconds)s", numbers.format(left));
      if (left <= 0) { restart(); return; }
      left -= 1;
      ticker = setTimeout(tick, 1000);
    }

    function warn() {
      left = countdown;
      panel.hidden = false;
      tick();
      panel.querySelector("[data-wm-still-here]").focus();
    }

    function touched() {
      if (!panel.hidden) { return; }
      clearTimeout(timer);
      timer = setTimeout(warn, idle * 1000);
    }

    panel.querySelector("[data-wm-still-here]").addEventListener("click", function () {
      clearTimeout(ticker);
      panel.hidden = true;
      touched();
    });
    ["input", "change", "click", "keydown", "pointerdown", "scroll"].forEach(function (name) {
      window.addEventListener(name, touched, { passive: true, capture: true });
    });
    touched();
  }

  ready.then(function (on) {
    if (!on) { return; }
    html.classList.add("kiosk");
    if (!staff) {
      html.classList.add("kiosk-locked");
      document.querySelectorAll("[data-staff-only]").forEach(function (node) { node.hidden = true; });
    }
    document.querySelectorAll("[data-kiosk-only]").forEach(function (node) { node.hidden = false; });
    if (document.querySelector("[data-wm-root], [data-survey-form]")) { watchIdle(); }
  });
})();
