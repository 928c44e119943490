// Watches an analysis run: the bar and the words follow the server, and the themes open
// when it is done. Without JavaScript the page says to reload it.
(function () {
  "use strict";
  var box = document.querySelector("[data-wm-run]");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var stage = box.querySelector("[data-wm-run-stage]");
  function check() {
    fetch(box.getAttribute("data-wm-run"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (reply) { return reply.ok ? reply.json() : null; })
      .then(function (run) {
        if (!run) { setTimeout(check, 3000); return; }
        bar.value = Math.round(run.progress * 100);
        bar.textContent = bar.value + "%";
        if (run.status === "done") {
          window.location.assign(box.getAttribute("data-done-url"));
          return;
        }
        stage.textContent = run.status === "failed" ? run.error : run.stage;
        if (run.status !== "failed") { setTimeout(check, 1000); }
      })
      .catch(function () { setTimeout(check, 3000); });
  }
  if (bar.value < 100) { setTimeout(check, 500); }
}());
