// Voice answers: record with the browser's own MediaRecorder, keep the recording in
// IndexedDB from the moment it stops (with the response's id), listen back, record
// again, delete. The outbox sends it once its response is on the server (outbox.js).
(function () {
  "use strict";
  // The containers the server takes, in the order a browser is asked for them.
  var TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];
  var BITS_PER_SECOND = 64000;

  function canRecord() {
    return Boolean(window.MediaRecorder && navigator.mediaDevices &&
      navigator.mediaDevices.getUserMedia && window.WMStore);
  }

  function pickType() {
    if (!MediaRecorder.isTypeSupported) { return ""; }
    return TYPES.filter(function (type) { return MediaRecorder.isTypeSupported(type); })[0] || "";
  }

  function clock(seconds, numbers) {
    var whole = Math.floor(seconds);
    var rest = whole % 60;
    return numbers.format(Math.floor(whole / 60)) + ":" + (rest < 10 ? numbers.format(0) : "") +
      numbers.format(rest);
  }

  function checksum(blob) {
    // crypto.subtle exists only on secure origins; the server then checks the size alone.
    if (!window.crypto || !crypto.subtle || !blob.arrayBuffer) { return Promise.resolve(null); }
    return blob.arrayBuffer().then(function (buffer) {
      return crypto.subtle.digest("SHA-256", buffer);
    }).then(function (digest) {
      return Array.prototype.map.call(new Uint8Array(digest), function (b) {
        return (b + 0x100).toString(16).slice(1);
      }).join("");
    }, function () { return null; });
  }

  // One recorder per free-text question on the page. ``responseId`` tells whose answer a
  // new recording is; ``changed`` is called when a recording is kept or deleted.
  function attach(form, options) {
    var messages = options.messages;
    var numbers = new Intl.NumberFormat(document.documentElement.lang || "en");
    var kept = {};  // question id -> stored recording (without its blob)
    var urls = {};
    var active = null;
    var blocks = {};

    function say(block, message) {
      block.querySelector("[data-wm-voice-status]").textContent = message || "";
    }

    function show(question) {
      var block = blocks[question];
      if (!block) { return; }
      var recording = kept[question];
      var audio = block.querySelector("[data-wm-voice-audio]");
      if (urls[question]) { URL.revokeObjectURL(urls[question]); delete urls[question]; }
      block.querySelector("[data-wm-voice-done]").hidden = !recording;
      block.querySelector("[data-wm-voice-record]").hidden = Boolean(recording);
      block.setAttribute("data-recorded", recording ? "true" : "false");
      if (recording && recording.blob) {
        urls[question] = URL.createObjectURL(recording.blob);
        audio.src = urls[question];
      } else {
        audio.removeAttribute("src");
      }
    }

    function remove(question) {
      var recording = kept[question];
      delete kept[question];
      show(question);
      return recording ? WMStore.remove("recordings", recording.id) : Promise.resolve();
    }

    function stopActive() {
      if (active) { active.stop(); }
    }

    function record(block) {
      var question = block.getAttribute("data-wm-voice");
      var limit = Number(block.getAttribute("data-seconds"));
      if (!block.querySelector("[data-wm-voice-agree]").checked) {
        say(block, messages.voice_agree_first);
        block.querySelector("[data-wm-voice-agree]").focus();
        return;
      }
      stopActive();
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        var type = pickType();
        var recorder = new MediaRecorder(stream, type ?
          { mimeType: type, audioBitsPerSecond: BITS_PER_SECOND } : { audioBitsPerSecond: BITS_PER_SECOND });
        var chunks = [];
        var started = Date.now();
        var timeLine = block.querySelector("[data-wm-voice-time]");
        var meter = block.querySelector("[data-wm-voice-level]");
        var context = null;
        var analyser = null;
        var stopped = false;
        var timer = null;
        var hitLimit = false;
        try {
          var Context = window.AudioContext || window.webkitAudioContext;
          context = new Context();
          analyser = context.createAnalyser();
          analyser.fftSize = 512;
          context.createMediaStreamSource(stream).connect(analyser);
        } catch (error) { analyser = null; }
        var samples = analyser ? new Uint8Array(analyser.fftSize) : null;
        function tick() {
          var elapsed = (Date.now() - started) / 1000;
          timeLine.textContent = messages.voice_time.replace("%(elapsed)s", clock(elapsed, numbers))
            .replace("%(limit)s", clock(limit, numbers));
          if (analyser) {
            analyser.getByteTimeDomainData(samples);
            var sum = 0;
            for (var i = 0; i < samples.length; i += 1) {
              var v = (samples[i] - 128) / 128;
              sum += v * v;
            }
            meter.value = Math.min(1, Math.sqrt(sum / samples.length) * 3);
          }
          if (elapsed >= limit) { hitLimit = true; finish(); }
        }
        function finish() {
          if (stopped) { return; }
          stopped = true;
          clearInterval(timer);
          if (recorder.state !== "inactive") { recorder.stop(); }
        }
        recorder.ondataavailable = function (event) { if (event.data && event.data.size) { chunks.push(event.data); } };
        recorder.onstop = function () {
          stream.getTracks().forEach(function (track) { track.stop(); });
          if (context) { context.close().catch(function () { /* already closed */ }); }
          active = null;
          var seconds = Math.min(limit, Math.round((Date.now() - started) / 1000));
          block.querySelector("[data-wm-voice-stop]").hidden = true;
          timeLine.hidden = true;
          meter.hidden = true;
          var blob = new Blob(chunks, { type: (recorder.mimeType || type || "audio/webm") });
          if (!blob.size) { show(question); return; }
          checksum(blob).then(function (digest) {
            var stored = {
              id: WMOutbox.newId(), response: options.responseId(), question: question,
              blob: blob, type: blob.type.split(";")[0], size: blob.size, seconds: seconds,
              sha256: digest, created_at: new Date().toISOString()
            };
            var before = kept[question];
            // The new one is on the device before the old one goes.
            return WMStore.put("recordings", stored).then(function () {
              return before ? WMStore.remove("recordings", before.id) : null;
            }).then(function () {
              kept[question] = stored;
              show(question);
              say(block, hitLimit ? messages.voice_limit : messages.voice_saved);
              if (options.changed) { options.changed(); }
            });
          });
        };
        active = { stop: finish };
        recorder.start(1000);
        timer = setInterval(tick, 200);
        tick();
        block.querySelector("[data-wm-voice-record]").hidden = true;
        block.querySelector("[data-wm-voice-done]").hidden = true;
        var stop = block.querySelector("[data-wm-voice-stop]");
        stop.hidden = false;
        timeLine.hidden = false;
        meter.hidden = !analyser;
        say(block, messages.voice_recording);
        stop.focus();
      }, function () {
        say(block, messages.voice_refused);
      });
    }

    form.querySelectorAll("[data-wm-voice]").forEach(function (block) {
      var question = block.getAttribute("data-wm-voice");
      blocks[question] = block;
      block.hidden = false;
      block.setAttribute("data-recorded", "false");
      if (!canRecord()) {
        block.querySelector("[data-wm-voice-controls]").hidden = true;
        block.querySelector(".voice-consent").hidden = true;
        say(block, messages.voice_cannot);
        return;
      }
      block.querySelector("[data-wm-voice-record]").addEventListener("click", function () { record(block); });
      block.querySelector("[data-wm-voice-stop]").addEventListener("click", stopActive);
      block.querySelector("[data-wm-voice-again]").addEventListener("click", function () { record(block); });
      block.querySelector("[data-wm-voice-delete]").addEventListener("click", function () {
        remove(question).then(function () {
          say(block, messages.voice_deleted);
          block.querySelector("[data-wm-voice-record]").focus();
          if (options.changed) { options.changed(); }
        });
      });
    });

    return {
      // Questions answered by voice: a required question is answered by a recording.
      has: function (question) { return Boolean(kept[question]); },
      // What the response declares, for the questions that still apply.
      declared: function (applies) {
        return Object.keys(kept).filter(applies).map(function (question) {
          var r = kept[question];
          var item = { id: r.id, question: question, type: r.type, size: r.size, seconds: r.seconds };
          if (r.sha256) { item.sha256 = r.sha256; }
          return item;
        });
      },
      // A restored draft's recordings, shown again to listen to.
      restore: function (responseId) {
        return WMStore.all("recordings").then(function (all) {
          all.forEach(function (r) {
            if (r.response === responseId && blocks[r.question]) {
              kept[r.question] = r;
              blocks[r.question].querySelector("[data-wm-voice-agree]").checked = true;
              show(r.question);
            }
          });
        });
      },
      // The response took another id: its recordings go with it.
      rekey: function (responseId) {
        return Promise.all(Object.keys(kept).map(function (question) {
          kept[question].response = responseId;
          return WMStore.put("recordings", kept[question]);
        }));
      },
      // Nothing more to play on this page (answers sent, or a kiosk's next person).
      release: function () {
        stopActive();
        kept = {};
        Object.keys(blocks).forEach(show);
      },
      // Start again: this response's recordings are deleted.
      discard: function () {
        stopActive();
        return Promise.all(Object.keys(kept).map(remove));
      }
    };
  }

  // Recordings of responses never finished, except those of ``keep`` (the responses of
  // drafts to go on with): nobody will send them, and on a shared tablet nobody else
  // may hear them.
  function forgetUnfinished(keep, used) {
    return WMStore.all("recordings").then(function (all) {
      return Promise.all(all.map(function (r) {
        if (keep.indexOf(r.response) !== -1) { return null; }
        return used(r.response).then(function (isUsed) {
          return isUsed ? null : WMStore.remove("recordings", r.id);
        });
      }));
    });
  }

  window.WMVoice = { attach: attach, canRecord: canRecord, forgetUnfinished: forgetUnfinished };
})();
