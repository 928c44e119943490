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

  // One flush at a time per page; across pages and the worker the server's
  // receipts make a repeat harmless.
  function flush() {
    if (sending) { return sending; }
    sending = flushOnce().finally(function () { sending = null; });
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

  scope.WMOutbox = { flush: flush, queue: queue, kindOf: kindOf, payloadOf: payloadOf,
                     newId: newId, resendHeld: resendHeld, status: status };
})(self);
