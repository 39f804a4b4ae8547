/* Follows a long job on its page — a court dossier being built, a period report being
   generated —: polls its JSON status, moves the progress bar and its label, then reveals the
   download link (or the error). No inline script: the page marks the job's section with
   data-<kind>-status-url (kind: dossier, report) and its parts with data-<kind>-progress,
   -percent, -label, -download, -waiting, -error and -error-text. Stops once done or failed. */
(function () {
  "use strict";
  var KINDS = ["dossier", "report"];
  var INTERVAL_MS = 1500;
  var MAX_INTERVAL_MS = 10000;

  function follow(section, kind) {
    function part(name) { return section.querySelector("[data-" + kind + "-" + name + "]"); }
    var stateAttribute = "data-" + kind + "-state";
    var url = section.getAttribute("data-" + kind + "-status-url");
    var bar = part("progress");
    var percent = part("percent");
    var label = part("label");
    var download = part("download");
    var waiting = part("waiting");
    var error = part("error");
    var errorText = part("error-text");
    var delay = INTERVAL_MS;

    function show(status) {
      bar.value = status.progress;
      bar.textContent = status.progress + " %";
      percent.textContent = status.progress + " %";
      label.textContent = status.label;
      section.setAttribute(stateAttribute, status.status);
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

    var state = section.getAttribute(stateAttribute);
    if (state !== "DONE" && state !== "FAILED") { window.setTimeout(poll, INTERVAL_MS); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    KINDS.forEach(function (kind) {
      var sections = document.querySelectorAll("[data-" + kind + "-status-url]");
      for (var i = 0; i < sections.length; i++) { follow(sections[i], kind); }
    });
  });
})();
