// The outbox: responses leave the device only when the server's receipt says they
// are committed. Replays oldest first; a failed send stops and retries later.
(function (scope) {
  "use strict";
  var BATCH = 50;
  // Each kind of queued item goes to its own endpoint, under its own key.
  var ENDPOINTS = {
    response: { url: "/api/v1/responses", key: "responses" },
    door: { url: "/api/v1/doors", key: "doors" }
  };
  var sending = null;

  // Items queued before doors existed carry only "response".
  function kindOf(item) { return item.kind || "response"; }
  function payloadOf(item) { return item.payload || item.response; }

  function oldestFirst(items) {
    return items.sort(function (a, b) { return a.queued_at < b.queued_at ? -1 : 1; });
  }

  // The server refused the device itself (signed out by a coordinator, or unknown):
  // retrying cannot help, and the queue stays on the device.
  function Refused(message) { this.message = message; this.refused = true; }

  function sendBatch(items, device) {
    var endpoint = ENDPOINTS[kindOf(items[0])];
    var data = {};
    data[endpoint.key] = items.map(payloadOf);
    var body = JSON.stringify(data);
    var headers = { "Content-Type": "application/json", "Accept": "application/json" };
    if (device && device.token) { headers.Authorization = "Bearer " + device.token; }
    return scope.fetch(endpoint.url, {
      method: "POST",
      headers: headers,
      body: body,
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (reply) {
      if (reply.status === 401 || reply.status === 403) {
        return reply.json().then(function (data) { throw new Refused(data.error); });
      }
      if (!reply.ok) { throw new Error("server answered " + reply.status); }
      return reply.json();
    }).then(function (data) {
      var done = [];
      var refused = [];
      var held = [];
      data.receipts.forEach(function (receipt, index) {
        var item = items[index];
        if (!item || receipt.id !== item.id) { return; }
        if (receipt.status === "created" || receipt.status === "duplicate") {
          done.push(item.id);
        } else if (receipt.status === "conflict") {
          // Another response is stored under this id: these answers were NOT saved. They
          // stay in the outbox, held back from sending, until a person sends them anew.
          item.conflict = receipt;
          held.push(item);
        } else {
          item.receipt = receipt;
          refused.push(item);
        }
      });
      return scope.WMStore.removeMany("outbox", done).then(function () {
        return refused.length ? scope.WMStore.move("outbox", "problems", refused) : null;
      }).then(function () {
        return Promise.all(held.map(function (item) { return scope.WMStore.put("outbox", item); }));
      }).then(function () {
        return scope.WMStore.put("meta", { key: "last_sent", value: new Date().toISOString() });
      }).then(function () { return done.length; });
    });
  }

  function flushOnce() {
    return Promise.all([scope.WMStore.all("outbox"), scope.WMStore.get("meta", "device")])
      .then(function (found) {
        var items = found[0].filter(function (item) { return !item.conflict; });
        if (!items.length) { return 0; }
        var ordered = oldestFirst(items);
        var kind = kindOf(ordered[0]);
        var batch = ordered.filter(function (item) { return kindOf(item) === kind; })
          .slice(0, BATCH);
        return sendBatch(batch, found[1]).then(function (sent) {
          return items.length > batch.length ? flushOnce().then(function (more) { return sent + more; }) : sent;
        });
      });
  }

  // Voice answers go after their responses, in chunks that resume where the server
  // says the file has got to (HEAD, then PATCH from that offset). A recording leaves
  // the device only when the server has all of it.
  var CHUNK = 128 * 1024;  // a dropped connection on a weak signal costs at most this much
  var RECORDINGS = "/api/v1/recordings/";

  function headersFor(device, extra) {
    var headers = Object.assign({ "Accept": "application/json" }, extra || {});
    if (device && device.token) { headers.Authorization = "Bearer " + device.token; }
    return headers;
  }

  function uploadFrom(recording, offset, device) {
    if (offset >= recording.size) {
      return scope.WMStore.remove("recordings", recording.id).then(function () { return 1; });
    }
    var chunk = recording.blob.slice(offset, offset + CHUNK);
    return scope.fetch(RECORDINGS + recording.id, {
      method: "PATCH",
      headers: headersFor(device, {
        "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream"
      }),
      body: chunk, credentials: "same-origin", cache: "no-store"
    }).then(function (reply) {
      var next = Number(reply.headers.get("Upload-Offset"));
      if (reply.status === 204 || reply.status === 409) {
        // Without the server's offset (a proxy that drops it) there is no safe next chunk.
        if (reply.headers.get("Upload-Offset") === null || isNaN(next)) {
          throw new Error("no Upload-Offset in the server's answer");
        }
        return uploadFrom(recording, next, device);
      }
      if (reply.status === 422 && !recording.retried) {
        // Damaged on the way: the server threw it away; send it once more from the start.
        recording.retried = true;
        return uploadFrom(recording, 0, device);
      }
      return reply.json().catch(function () { return {}; }).then(function (data) {
        if (reply.status >= 500 || reply.status === 429) { throw new Error("server answered " + reply.status); }
        // Refused for good (not the kind it says, too large): kept aside, never lost.
        recording.refused = data.error || String(reply.status);
        return scope.WMStore.put("recordings", recording).then(function () { return 0; });
      });
    });
  }

  function sendRecording(recording, device) {
    return scope.fetch(RECORDINGS + recording.id, {
      method: "HEAD", headers: headersFor(device), credentials: "same-origin", cache: "no-store"
    }).then(function (reply) {
      if (reply.status === 404) { return 0; }  // its response is not on the server yet
      // Erased at the resident's request: this device's copy goes too.
      if (reply.status === 410) { return scope.WMStore.remove("recordings", recording.id).then(function () { return 0; }); }
      if (!reply.ok) { throw new Error("server answered " + reply.status); }
      return uploadFrom(recording, Number(reply.headers.get("Upload-Offset")) || 0, device);
    });
  }

  // Recordings whose responses have left the outbox (so the server knows them).
  function readyRecordings() {
    return Promise.all([scope.WMStore.all("recordings"), scope.WMStore.all("outbox"),
                        scope.WMStore.all("problems")]).then(function (found) {
      var waiting = {};
      found[1].concat(found[2]).forEach(function (item) { waiting[item.id] = true; });
      return Promise.all(found[0].map(function (recording) {
        if (recording.refused || waiting[recording.response]) { return null; }
        return scope.WMStore.get("meta", "used|" + recording.response).then(function (used) {
          return used ? recording : null;
        });
      })).then(function (list) { return list.filter(Boolean); });
    });
  }

  function flushRecordings() {
    return Promise.all([readyRecordings(), scope.WMStore.get("meta", "device")]).then(function (found) {
      return found[0].reduce(function (chain, recording) {
        return chain.then(function (sent) {
          return sendRecording(recording, found[1]).then(function (done) { return sent + done; });
        });
      }, Promise.resolve(0));
    });
  }

  // One flush at a time per page; across pages and the worker the server's
  // receipts make a repeat harmless.
  function flush() {
    if (sending) { return sending; }
    sending = flushOnce().then(function (sent) {
      return flushRecordings().then(function () { return sent; });
    }).finally(function () { sending = null; });
    return sending;
  }

  // Queue an item under its own id. Never replaces another: a second item with an id
  // already waiting fails with a ConstraintError, so one person's answers cannot
  // overwrite another's.
  function queue(payload, kind) {
    var item = { id: payload.id, kind: kind || "response", payload: payload,
                 queued_at: new Date().toISOString() };
    return scope.WMStore.add("outbox", item);
  }

  function newId() {
    if (scope.crypto && scope.crypto.randomUUID) { return scope.crypto.randomUUID(); }
    var b = scope.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // Items the server refused as conflicts get ids of their own and go out again: their
  // answers are a different response from the one stored under the old id.
  function resendHeld() {
    return scope.WMStore.all("outbox").then(function (items) {
      var held = items.filter(function (item) { return item.conflict; });
      return held.reduce(function (chain, item) {
        return chain.then(function () {
          var id = newId();
          var payload = Object.assign({}, payloadOf(item), { id: id });
          var renewed = { id: id, kind: kindOf(item), payload: payload, queued_at: item.queued_at,
                          replaces: item.id };
          return scope.WMStore.rekey("outbox", item.id, renewed);
        });
      }, Promise.resolve()).then(function () { return held.length; });
    });
  }

  // Where an item stands: "waiting", "held" (a conflict), "refused" or "sent".
  function status(id) {
    return Promise.all([scope.WMStore.get("outbox", id), scope.WMStore.get("problems", id)])
      .then(function (found) {
        if (found[0]) { return found[0].conflict ? "held" : "waiting"; }
        return found[1] ? "refused" : "sent";
      });
  }

  // Recordings still on this device, to be sent (their responses may be sent already).
  function recordingsWaiting() {
    return scope.WMStore.all("recordings").then(function (all) {
      return Promise.all(all.map(function (r) {
        return scope.WMStore.get("meta", "used|" + r.response).then(function (used) { return used ? 1 : 0; });
      }));
    }).then(function (marks) { return marks.reduce(function (a, b) { return a + b; }, 0); });
  }

  scope.WMOutbox = { flush: flush, queue: queue, kindOf: kindOf, payloadOf: payloadOf,
                     newId: newId, resendHeld: resendHeld, status: status,
                     recordingsWaiting: recordingsWaiting };
})(self);
