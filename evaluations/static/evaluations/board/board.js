/* The team board, live: poll about once a second with the token this screen holds; the server answers 204 while
   nothing changed and the fresh fragment when something did. Regions whose content changed are replaced, except one
   the person is typing in. Forms post in the background; without JavaScript they are plain forms. */
(function () {
  "use strict";
  var POLL_MS = 1000;
  var HIDDEN_POLL_MS = 5000;
  var offset = 0;
  var busy = false;

  function board() { return document.querySelector("[data-board]"); }

  function typingIn(node) {
    var active = document.activeElement;
    if (active && node.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName) &&
        !/^(submit|button|radio|checkbox)$/.test(active.type || "")) {
      return true;
    }
    var fields = node.querySelectorAll("input[type=text], input[type=email], input[type=date], textarea");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].value !== fields[i].defaultValue) { return true; }
    }
    return false;
  }

  function keepOpen(old, fresh) {
    /* a cheat sheet someone opened stays open when its region is refreshed */
    var was = old.querySelectorAll("details");
    var now = fresh.querySelectorAll("details");
    for (var i = 0; i < was.length && i < now.length; i++) {
      if (was[i].open) { now[i].setAttribute("open", ""); } else { now[i].removeAttribute("open"); }
    }
  }

  function apply(html) {
    var current = board();
    if (!current || !html) { return; }
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("[data-board]");
    if (!fresh) { return; }
    var freshRegions = fresh.querySelectorAll("[data-region]");
    var sameShape = fresh.dataset.stage === current.dataset.stage &&
      freshRegions.length === current.querySelectorAll("[data-region]").length;
    if (sameShape) {
      for (var i = 0; i < freshRegions.length; i++) {
        var name = freshRegions[i].getAttribute("data-region");
        var old = current.querySelector('[data-region="' + name + '"]');
        if (!old) { sameShape = false; break; }
        keepOpen(old, freshRegions[i]);
        if (old.innerHTML !== freshRegions[i].innerHTML && !typingIn(old)) {
          old.replaceWith(document.importNode(freshRegions[i], true));
        }
      }
    }
    if (!sameShape) {
      current.replaceWith(document.importNode(fresh, true));
    } else {
      current.dataset.version = fresh.dataset.version;
    }
    startTimer();
  }

  function pollUrl(root) {
    var url = root.dataset.live;
    return url + (url.indexOf("?") >= 0 ? "&" : "?") + "v=" + encodeURIComponent(root.dataset.version || "");
  }

  function poll() {
    var root = board();
    if (!root) { return; }
    var delay = document.hidden ? HIDDEN_POLL_MS : POLL_MS;
    if (busy) { window.setTimeout(poll, delay); return; }
    fetch(pollUrl(root), { credentials: "same-origin", cache: "no-store", headers: { "X-Board-Fetch": "1" } })
      .then(function (response) {
        if (response.status === 200) { return response.text().then(apply); }
        if (response.status === 410) { window.location.reload(); }
        return null;
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ })
      .then(function () { window.setTimeout(poll, delay); });
  }

  function submit(event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-board-form]")) { return; }
    event.preventDefault();
    var data = new FormData(form);
    var submitter = event.submitter;
    if (submitter && submitter.name && !data.has(submitter.name)) { data.append(submitter.name, submitter.value); }
    if (submitter && submitter.name && data.getAll(submitter.name).length && submitter.name !== "card") {
      data.set(submitter.name, submitter.value);
    }
    busy = true;
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: data, credentials: "same-origin", headers: { "X-Board-Fetch": "1" }
    }).then(function (response) {
      return response.text().then(function (html) {
        if (response.ok && form.hasAttribute("data-reset")) { form.reset(); }
        if (html && html.indexOf("data-board") >= 0) { apply(html); }
        else if (!response.ok) { window.location.reload(); }
      });
    }).catch(function () { form.submit(); })
      .then(function () { busy = false; });
  }

  var timerHandle = null;
  function startTimer() {
    var el = document.querySelector("[data-timer]");
    if (timerHandle) { window.clearInterval(timerHandle); timerHandle = null; }
    if (!el || el.dataset.running !== "1") { return; }
    offset = Number(el.dataset.now) - Date.now();
    var ends = Number(el.dataset.ends);
    var clock = el.querySelector("[data-clock]");
    function tick() {
      var left = Math.max(0, Math.round((ends - (Date.now() + offset)) / 1000));
      if (clock) { clock.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0"); }
      if (left === 0) { el.classList.add("is-over"); window.clearInterval(timerHandle); timerHandle = null; }
    }
    tick();
    timerHandle = window.setInterval(tick, 250);
  }

  document.addEventListener("submit", submit);
  document.addEventListener("DOMContentLoaded", function () {
    if (!board()) { return; }
    startTimer();
    window.setTimeout(poll, POLL_MS);
  });
})();
