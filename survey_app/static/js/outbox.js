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
      data.receipts.forEach(function (receipt, index) {
        var item = items[index];
        if (!item || receipt.id !== item.id) { return; }
        if (receipt.status === "created" || receipt.status === "duplicate") {
          done.push(item.id);
        } else {
          item.receipt = receipt;
          refused.push(item);
        }
      });
      return scope.WMStore.removeMany("outbox", done).then(function () {
        return refused.length ? scope.WMStore.move("outbox", "problems", refused) : null;
      }).then(function () {
        return scope.WMStore.put("meta", { key: "last_sent", value: new Date().toISOString() });
      }).then(function () { return done.length; });
    });
  }

  function flushOnce() {
    return Promise.all([scope.WMStore.all("outbox"), scope.WMStore.get("meta", "device")])
      .then(function (found) {
        var items = found[0];
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

  function queue(payload, kind) {
    var item = { id: payload.id, kind: kind || "response", payload: payload,
                 queued_at: new Date().toISOString() };
    return scope.WMStore.put("outbox", item);
  }

  scope.WMOutbox = { flush: flush, queue: queue, kindOf: kindOf, payloadOf: payloadOf };
})(self);
