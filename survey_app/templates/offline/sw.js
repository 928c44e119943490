// What Matters service worker {{ version }}. Made by the server: the version is a
// hash of everything cached, so any change installs a new worker and new caches.
"use strict";
importScripts("{{ url_for('static', filename='js/store.js') }}", "{{ url_for('static', filename='js/outbox.js') }}");

var CACHE = "what-matters-{{ version }}";
var PRECACHE = {{ urls | tojson }};
var STARTS = {{ starts | tojson }};

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // cache: "reload" skips the HTTP cache, so a new worker never precaches stale
    // files; credentials: "omit" keeps these fetches from changing the language a
    // person chose (each page would otherwise set the language cookie).
    return Promise.all(PRECACHE.map(function (url) {
      return fetch(new Request(url, { cache: "reload", credentials: "omit" }))
        .then(function (response) {
          if (!response.ok) { throw new Error(url + " answered " + response.status); }
          return cache.put(url, response);
        });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("what-matters-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function startPageFor(url) {
  var tag = url.pathname.split("/")[1];
  if (STARTS[tag]) { return STARTS[tag]; }
  var wanted = (self.navigator.languages || []).map(function (l) { return l.split("-")[0]; });
  for (var i = 0; i < wanted.length; i += 1) {
    var found = Object.keys(STARTS).filter(function (t) { return t.split("-")[0] === wanted[i]; })[0];
    if (found) { return STARTS[found]; }
  }
  return STARTS[Object.keys(STARTS)[0]];
}

// Pages: the network first, so that people online see today's pages; the cache
// when there is no network. Files: the cache first, refreshed by each new worker.
self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin ||
      url.pathname.indexOf("/api/") === 0 || url.pathname === "/sw.js" ||
      url.pathname.indexOf("/analysis/recordings/") !== -1) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).then(function (response) {
      // A round's door log, once opened online, opens offline too, and so does the public
      // "you said, we did" page. Only these are kept this way: pages with people's names
      // never stay on a tablet.
      if (response.ok && /^\/[^/]+\/(rounds|you-said)\/[^/]+$/.test(url.pathname)) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    }).catch(function () {
      return caches.open(CACHE).then(function (cache) {
        var volunteer = url.searchParams.get("with") === "volunteer" ? "?with=volunteer" : "";
        // A survey in a language only its form has is kept under ?texts=<code>, with the
        // volunteer's version after it: other parameters (an event, a door) do not change it.
        var shape = new URLSearchParams();
        if (url.searchParams.get("texts")) { shape.set("texts", url.searchParams.get("texts")); }
        if (volunteer && shape.has("texts")) { shape.set("with", "volunteer"); }
        var own = shape.toString() ? url.pathname + "?" + shape.toString() : url.pathname + volunteer;
        return cache.match(url.pathname + url.search).then(function (hit) {
          return hit || cache.match(own);
        }).then(function (hit) {
          return hit || cache.match(url.pathname + volunteer);
        }).then(function (hit) {
          return hit || cache.match(url.pathname);
        }).then(function (hit) {
          return hit || cache.match(startPageFor(url));
        });
      });
    }));
    return;
  }
  event.respondWith(caches.open(CACHE).then(function (cache) {
    return cache.match(request, { ignoreSearch: true }).then(function (hit) {
      return hit || fetch(request);
    });
  }));
});

self.addEventListener("sync", function (event) {
  if (event.tag !== "wm-outbox") { return; }
  event.waitUntil(self.WMOutbox.flush().then(function () {
    return self.clients.matchAll().then(function (pages) {
      pages.forEach(function (page) { page.postMessage("wm-outbox-changed"); });
    });
  }));
});

// A page may ask to be kept for offline reading when it was opened before this worker
// controlled it (a resident's first visit from a QR code). Only public pages qualify.
self.addEventListener("message", function (event) {
  var path = event.data && event.data.keep;
  if (typeof path === "string" && /^\/[^/]+\/you-said\/[^/]+$/.test(path)) {
    event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.add(path); }));
  }
});
