// Keyboard shortcuts for reviewing at a shared screen. Every shortcut only presses or
// focuses a control that is on the page anyway, so nothing here is reachable only by key.
(function () {
  "use strict";
  var list = document.querySelector("[data-wm-answers]");
  if (!list) { return; }
  var help = document.querySelector("[data-wm-shortcuts]");
  function items() { return Array.prototype.slice.call(list.querySelectorAll(":scope > li")); }
  function current() {
    var active = document.activeElement;
    return active && active.closest ? active.closest("[data-wm-answers] > li") : null;
  }
  function go(step) {
    var all = items();
    if (!all.length) { return; }
    var at = all.indexOf(current());
    var next = all[Math.min(all.length - 1, Math.max(0, at < 0 ? 0 : at + step))];
    next.focus();
    next.scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) { return; }
    var item = current();
    var handled = true;
    switch (event.key) {
      case "j": go(1); break;
      case "k": go(-1); break;
      case "p": if (item && item.querySelector("[data-testid=pin]")) { item.querySelector("[data-testid=pin]").click(); } break;
      case "m": if (item && item.querySelector("select")) { item.querySelector("select").focus(); } break;
      case "n": if (document.getElementById("name")) { document.getElementById("name").focus(); } break;
      case "?": if (help) { help.open = !help.open; } break;
      default: handled = false;
    }
    if (handled) { event.preventDefault(); }
  });
}());
