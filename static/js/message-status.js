/* Follows the deliveries of an HST message: while the section says data-live="true", fetches
   its HTML fragment (the URL in data-message-status-url) every few seconds and swaps it in
   place. Stops when every delivery is final. When the message itself moves on (the draft is
   ready, the message is signed and dispatched) the whole page is reloaded to show it, unless
   the reader is typing in a form. No inline script, no dependency. */
(function () {
  "use strict";
  var INTERVAL_MS = 3000;
  var MAX_INTERVAL_MS = 30000;
  var SELECTOR = "[data-message-status-url]";

  function typing() {
    var active = document.activeElement;
    return !!active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
  }

  function follow(section) {
    var url = section.getAttribute("data-message-status-url");
    var initialState = section.getAttribute("data-message-state");
    var delay = INTERVAL_MS;

    function swap(html) {
      var holder = document.createElement("template");
      holder.innerHTML = html.trim();
      var next = holder.content.querySelector(SELECTOR);
      if (!next) { throw new Error("unexpected fragment"); }
      var state = next.getAttribute("data-message-state");
      if (state !== initialState && !typing()) {
        window.location.reload();
        return false;
      }
      section.replaceWith(next);
      section = next;
      return next.getAttribute("data-live") === "true";
    }

    function poll() {
      if (document.hidden) { window.setTimeout(poll, delay); return; }
      fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.text();
        })
        .then(function (html) {
          delay = INTERVAL_MS;
          if (swap(html)) { window.setTimeout(poll, delay); }
        })
        .catch(function () {
          // A network hiccup or a restarting server: back off, keep following.
          delay = Math.min(delay * 2, MAX_INTERVAL_MS);
          window.setTimeout(poll, delay);
        });
    }

    if (section.getAttribute("data-live") === "true") { window.setTimeout(poll, INTERVAL_MS); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var sections = document.querySelectorAll(SELECTOR);
    for (var i = 0; i < sections.length; i++) { follow(sections[i]); }
  });
})();
