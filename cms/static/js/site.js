// Quick exit: leave at once for a neutral site and replace this page in the tab's history, so Back does not
// return here. Works as a plain link without JavaScript. Pressing Escape twice does the same.
(function () {
  "use strict";
  function leave(url) {
    try { document.body.style.visibility = "hidden"; } catch (e) { /* ignore */ }
    window.location.replace(url);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-quick-exit]") : null;
    if (!link) { return; }
    event.preventDefault();
    leave(link.href);
  });
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var link = document.querySelector("[data-quick-exit]");
    if (!link) { return; }
    var now = Date.now();
    if (now - lastEscape < 1000) { leave(link.href); }
    lastEscape = now;
  });
})();
