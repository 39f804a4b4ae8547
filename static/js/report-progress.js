/* Follows a period report being generated: polls its JSON status, moves the progress bar and
   its label, then reveals the download link (or the error). No inline script; the page names
   the status URL in data-report-status-url. Stops polling once the report is done or failed. */
(function () {
  "use strict";
  var INTERVAL_MS = 1500;
  var MAX_INTERVAL_MS = 10000;

  function follow(section) {
    var url = section.getAttribute("data-report-status-url");
    var bar = section.querySelector("[data-report-progress]");
    var percent = section.querySelector("[data-report-percent]");
    var label = section.querySelector("[data-report-label]");
    var download = section.querySelector("[data-report-download]");
    var waiting = section.querySelector("[data-report-waiting]");
    var error = section.querySelector("[data-report-error]");
    var errorText = section.querySelector("[data-report-error-text]");
    var delay = INTERVAL_MS;

    function show(status) {
      bar.value = status.progress;
      bar.textContent = status.progress + " %";
      percent.textContent = status.progress + " %";
      label.textContent = status.label;
      section.setAttribute("data-report-state", status.status);
      if (status.done) {
        download.hidden = false;
        waiting.hidden = true;
      }
      if (status.failed) {
        errorText.textContent = status.error;
        error.hidden = false;
        waiting.hidden = true;
      }
      return status.done || status.failed;
    }

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (status) {
          delay = INTERVAL_MS;
          if (!show(status)) { window.setTimeout(poll, delay); }
        })
        .catch(function () {
          // A network hiccup or a restarting server: back off, keep following.
          delay = Math.min(delay * 2, MAX_INTERVAL_MS);
          window.setTimeout(poll, delay);
        });
    }

    var state = section.getAttribute("data-report-state");
    if (state !== "DONE" && state !== "FAILED") { window.setTimeout(poll, INTERVAL_MS); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var sections = document.querySelectorAll("[data-report-status-url]");
    for (var i = 0; i < sections.length; i++) { follow(sections[i]); }
  });
})();
