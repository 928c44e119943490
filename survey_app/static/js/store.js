// A small promise wrapper around IndexedDB. A write resolves only when its
// transaction has completed, so "saved" on screen means saved on the device.
// Shared by the pages and the service worker (importScripts).
(function (scope) {
  "use strict";
  var NAME = "what-matters";
  var VERSION = 2;
  var opening = null;

  function open() {
    if (opening) { return opening; }
    opening = new Promise(function (resolve, reject) {
      var request = scope.indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = function (event) {
        var db = request.result;
        if (event.oldVersion < 1) {
          // outbox: finished responses waiting for the server's receipt.
          db.createObjectStore("outbox", { keyPath: "id" });
          // problems: responses the server refused, kept for a coordinator.
          db.createObjectStore("problems", { keyPath: "id" });
          // drafts: half-filled surveys, one per survey and mode.
          db.createObjectStore("drafts", { keyPath: "key" });
          db.createObjectStore("meta", { keyPath: "key" });
        }
        if (event.oldVersion < 2) {
          // recordings: voice answers, kept from the moment they stop until the server
          // has every byte (their response says which question each answers).
          db.createObjectStore("recordings", { keyPath: "id" });
        }
      };
      request.onsuccess = function () {
        var db = request.result;
        db.onversionchange = function () { db.close(); opening = null; };
        resolve(db);
      };
      request.onerror = function () { opening = null; reject(request.error); };
    });
    return opening;
  }

  function run(storeName, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(storeName, mode);
        var result;
        Promise.resolve(work(tx.objectStore(storeName))).then(function (value) { result = value; });
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function (event) { reject(event.target.error || tx.error); };
        tx.onabort = function () { reject(tx.error || new Error("transaction aborted")); };
      });
    });
  }

  function requestValue(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  scope.WMStore = {
    put: function (storeName, value) {
      return run(storeName, "readwrite", function (store) { store.put(value); });
    },
    // Like put, but never replaces: a value whose key is taken fails with a ConstraintError.
    add: function (storeName, value) {
      return run(storeName, "readwrite", function (store) { store.add(value); });
    },
    get: function (storeName, key) {
      return run(storeName, "readonly", function (store) { return requestValue(store.get(key)); });
    },
    remove: function (storeName, key) {
      return run(storeName, "readwrite", function (store) { store.delete(key); });
    },
    all: function (storeName) {
      return run(storeName, "readonly", function (store) { return requestValue(store.getAll()); });
    },
    count: function (storeName) {
      return run(storeName, "readonly", function (store) { return requestValue(store.count()); });
    },
    // Move entries from one store to another in one transaction: never in both, never lost.
    move: function (from, to, values) {
      return open().then(function (db) {
        return new Promise(function (resolve, reject) {
          var tx = db.transaction([from, to], "readwrite");
          values.forEach(function (value) {
            tx.objectStore(to).put(value);
            tx.objectStore(from).delete(value.id);
          });
          tx.oncomplete = function () { resolve(); };
          tx.onerror = function (event) { reject(event.target.error || tx.error); };
          tx.onabort = function () { reject(tx.error || new Error("transaction aborted")); };
        });
      });
    },
    // Replace an entry by the same entry under another key, in one transaction.
    rekey: function (storeName, oldKey, value) {
      return run(storeName, "readwrite", function (store) {
        store.delete(oldKey);
        store.add(value);
      });
    },
    removeMany: function (storeName, keys) {
      return run(storeName, "readwrite", function (store) {
        keys.forEach(function (key) { store.delete(key); });
      });
    }
  };
})(self);
