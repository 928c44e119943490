// Keep this public page for reading offline: asks the service worker to store it.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) { return; }
  navigator.serviceWorker.ready.then(function (registration) {
    if (registration.active) { registration.active.postMessage({ keep: location.pathname }); }
  });
}());
