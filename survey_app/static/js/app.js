// On every page: register the service worker, keep the outbox moving, and show
// how many responses wait to be sent and when the last send succeeded.
(function () {
  "use strict";
  if (!window.indexedDB || !window.WMStore || !window.WMOutbox) { return; }
  var panel = document.querySelector("[data-wm-outbox]");
  var failures = 0;
  var timer = null;
  var lang = document.documentElement.lang || "en";

  function formatTime(iso) {
    try {
      return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" })
        .format(new Date(iso));
    } catch (error) { return iso; }
  }

  function show() {
    if (!panel) { return Promise.resolve(); }
    return Promise.all([
      WMStore.all("outbox"), WMStore.get("meta", "last_sent"), WMStore.count("problems"),
      WMOutbox.recordingsWaiting().catch(function () { return 0; })
    ]).then(function (values) {
      var number = new Intl.NumberFormat(lang);
      var waiting = values[0].length;
      var held = values[0].filter(function (item) { return item.conflict; }).length;
      panel.querySelector("[data-wm-waiting]").textContent = number.format(waiting);
      panel.setAttribute("data-waiting", String(waiting));
      panel.setAttribute("data-held", String(held));
      panel.querySelector("[data-wm-held]").hidden = held === 0;
      panel.querySelector("[data-wm-held-count]").textContent = number.format(held);
      var last = panel.querySelector("[data-wm-last-sent]");
      last.textContent = values[1] ? formatTime(values[1].value) : last.getAttribute("data-never");
      var problems = panel.querySelector("[data-wm-problems]");
      problems.hidden = values[2] === 0;
      panel.querySelector("[data-wm-problem-count]").textContent = number.format(values[2]);
      // A response counts as complete on the server only once its audio has arrived.
      panel.querySelector("[data-wm-audio-waiting]").hidden = values[3] === 0;
      panel.querySelector("[data-wm-audio-count]").textContent = number.format(values[3]);
      panel.setAttribute("data-audio-waiting", String(values[3]));
      panel.hidden = false;
    }).then(function () {
      document.dispatchEvent(new CustomEvent("wm-outbox-shown"));
    });
  }

  function schedule() {
    if (timer) { clearTimeout(timer); }
    // Back off 2 s, 4 s, 8 s ... up to a minute, with jitter so tablets do not
    // all retry together when the community centre's Wi-Fi comes back.
    var delay = Math.min(60000, 2000 * Math.pow(2, failures)) * (0.75 + Math.random() / 2);
    timer = setTimeout(send, delay);
  }

  function refusal(message) {
    if (!panel) { return; }
    var line = panel.querySelector("[data-wm-refused]");
    line.textContent = message || "";
    line.hidden = !message;
  }

  function send() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (panel) { panel.setAttribute("data-sending", "true"); }
    return WMOutbox.flush().then(function () {
      failures = 0;
      refusal("");
    }, function (error) {
      if (error && error.refused) {
        refusal(error.message);  // no retry: only a person can mend this
        return;
      }
      failures += 1;
      schedule();
    }).then(function () {
      if (panel) { panel.removeAttribute("data-sending"); }
      return show();
    });
  }

  // Voice recordings of finished responses, still on the device, for the saved file:
  // a coordinator's import stores them as the upload would have.
  function recordingsForFile() {
    return WMStore.all("recordings").then(function (all) {
      return Promise.all(all.map(function (r) {
        return WMStore.get("meta", "used|" + r.response).then(function (used) {
          if (!used) { return null; }
          return new Promise(function (resolve) {
            var reader = new FileReader();
            reader.onload = function () {
              resolve({ id: r.id, response: r.response, question: r.question, type: r.type,
                        size: r.size, data: String(reader.result).split(",")[1] });
            };
            reader.onerror = function () { resolve(null); };
            reader.readAsDataURL(r.blob);
          });
        });
      }));
    }).then(function (list) { return list.filter(Boolean); });
  }

  function exportFile() {
    // On a kiosk the next person must not carry off the last person's answers.
    if (window.WMKiosk && WMKiosk.locked()) { return Promise.resolve(); }
    return Promise.all([WMStore.all("outbox"), WMStore.all("problems"), recordingsForFile()]).then(function (lists) {
      var items = lists[0].concat(lists[1]);
      var of = function (kind) {
        return items.filter(function (item) { return WMOutbox.kindOf(item) === kind; })
          .map(WMOutbox.payloadOf);
      };
      var file = new Blob([JSON.stringify({
        exported_at: new Date().toISOString(), responses: of("response"), doors: of("door"),
        recordings: lists[2]
      }, null, 2)], { type: "application/json" });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(file);
      link.download = "what-matters-waiting-" + new Date().toISOString().slice(0, 10) + ".json";
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
    });
  }

  window.WMApp = {
    // Called when a response has been written to the outbox.
    queued: function () {
      if (navigator.serviceWorker && navigator.serviceWorker.ready) {
        navigator.serviceWorker.ready.then(function (registration) {
          if (registration.sync) { return registration.sync.register("wm-outbox"); }
        }).catch(function () { /* background sync is a bonus, not needed */ });
      }
      return show().then(send);
    },
    send: send,
    show: show
  };

  // Just signed in on this device: keep its sending key where the outbox finds it.
  var registration = document.querySelector("[data-wm-device]");
  if (registration && registration.getAttribute("data-token")) {
    var device = {
      key: "device", token: registration.getAttribute("data-token"),
      id: registration.getAttribute("data-device-id"),
      label: registration.getAttribute("data-device-label")
    };
    registration.removeAttribute("data-token");
    WMStore.put("meta", device).then(function () {
      var status = document.querySelector("[data-wm-device-status]");
      status.textContent = status.getAttribute("data-done");
      status.setAttribute("data-stored", "true");
    });
  }

  // Signing out leaves nothing personal that was already sent: the round pages kept for
  // offline use (streets, door labels) go, and when nothing waits to be sent, so does the
  // sending key (the server revokes it). Answers still waiting keep the key to go out.
  function forgetSent() {
    var rounds = !window.caches ? Promise.resolve() : caches.keys().then(function (names) {
      return Promise.all(names.map(function (name) {
        return caches.open(name).then(function (cache) {
          return cache.keys().then(function (requests) {
            return Promise.all(requests.filter(function (request) {
              return /^\/[^/]+\/rounds\//.test(new URL(request.url).pathname);
            }).map(function (request) { return cache.delete(request); }));
          });
        });
      }));
    });
    return Promise.all([
      WMStore.count("outbox"), WMStore.count("problems"), WMOutbox.recordingsWaiting(),
      WMStore.get("meta", "device"), rounds
    ]).then(function (found) {
      var device = found[3];
      if (found[0] + found[1] + found[2] > 0 || !device) { return null; }
      return WMStore.remove("meta", "device").then(function () { return device.id; });
    });
  }

  var signOut = document.querySelector("form.sign-out");
  if (signOut) {
    signOut.addEventListener("submit", function (event) {
      if (signOut.hasAttribute("data-wm-cleared")) { return; }
      event.preventDefault();
      var sent = false;
      var go = function (deviceId) {
        if (sent) { return; }
        sent = true;
        if (deviceId) {
          var field = document.createElement("input");
          field.type = "hidden";
          field.name = "forget_device";
          field.value = deviceId;
          signOut.appendChild(field);
        }
        signOut.setAttribute("data-wm-cleared", "");
        signOut.submit();
      };
      // Signing out never waits long on a slow or broken store.
      setTimeout(function () { go(null); }, 3000);
      forgetSent().then(go, function () { go(null); });
    });
  }

  if (panel) {
    panel.querySelector("[data-wm-send-now]").addEventListener("click", send);
    panel.querySelector("[data-wm-export]").addEventListener("click", exportFile);
    panel.querySelector("[data-wm-resend-held]").addEventListener("click", function () {
      WMOutbox.resendHeld().then(send);
    });
  }
  window.addEventListener("online", send);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function () { /* insecure origin */ });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data === "wm-outbox-changed") { show(); }
    });
  }
  if (navigator.storage && navigator.storage.persist) {
    navigator.storage.persist().catch(function () { /* the browser may say no */ });
  }
  show().then(send);
})();
