// Quick exit, in the pattern of GOV.UK's "Exit this page": the button on every page, or the Shift key pressed three
// times in a row (at most five seconds apart), leaves at once for a neutral site. The page is blanked first (so a
// slow connection shows nothing of it) and replaced in the tab's history, so Back does not return here. The button
// is a plain link and works without JavaScript. Screen readers hear how many presses are left.
(function () {
  "use strict";
  var PRESSES = 3;
  var PAUSE_MS = 5000;
  var root = null;
  var status = null;
  var presses = 0;
  var lastWasModified = false;
  var timer = null;
  var overlay = null;

  function text(name) {
    return (root && root.getAttribute("data-" + name)) || "";
  }

  function say(message) {
    if (status) { status.textContent = message; }
  }

  function showLights() {
    if (!root) { return; }
    root.setAttribute("data-presses", String(presses));
  }

  function leave(url) {
    say("");
    document.documentElement.classList.add("quick-exit-leaving");
    overlay = document.createElement("div");
    overlay.className = "quick-exit-overlay";
    overlay.setAttribute("role", "alert");
    document.body.appendChild(overlay);
    overlay.textContent = text("leaving");
    window.location.replace(url);
  }

  function reset(announce) {
    if (timer) { window.clearTimeout(timer); timer = null; }
    if (presses && announce) { say(text("timed-out")); }
    presses = 0;
    showLights();
  }

  function onKeyUp(event) {
    var link = document.querySelector("[data-quick-exit]");
    if (!link) { return; }
    if (event.key === "Shift" && !lastWasModified) {
      presses += 1;
      showLights();
      if (timer) { window.clearTimeout(timer); }
      if (presses >= PRESSES) {
        presses = 0;
        timer = null;
        leave(link.href);
      } else {
        say(presses === 1 ? text("press-two") : text("press-one"));
        timer = window.setTimeout(function () { reset(true); }, PAUSE_MS);
      }
    } else if (presses) {
      reset(true); // any other key breaks the sequence: Shift as part of typing a capital never counts
    }
    lastWasModified = event.shiftKey;
  }

  function init() {
    root = document.querySelector("[data-quick-exit-root]");
    status = root ? root.querySelector("[data-quick-exit-status]") : null;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-quick-exit]") : null;
    if (!link) { return; }
    event.preventDefault();
    leave(link.href);
  });
  document.addEventListener("keyup", onKeyUp, true);
  // Back from the neutral site may restore this page from the browser's cache: make it usable again.
  window.addEventListener("pageshow", function () {
    document.documentElement.classList.remove("quick-exit-leaving");
    if (overlay) { overlay.remove(); overlay = null; }
    reset(false);
    say("");
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
