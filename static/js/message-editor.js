/* The structured editor of a draft HST message, and the page that waits for a draft being
   built. Dependency-free and without inline script (CSP): the pages name their URLs in data-
   attributes.
   - Formsets: "Add" clones the row template (Django's __prefix__) and counts it in
     TOTAL_FORMS; a row ticked "Remove" is greyed out (the server drops it on save).
   - Live validation: a pause in typing posts the form to data-validate-url; the answer lists
     the problems, each a link to its input, and the text rendering for the preview.
   - Composing: polls data-compose-status-url until the draft is built, then opens it. */
(function () {
  "use strict";
  var DEBOUNCE_MS = 700;
  var POLL_MS = 1500;
  var MAX_POLL_MS = 10000;

  function setupFormset(section) {
    var prefix = section.getAttribute("data-formset");
    var total = section.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var rows = section.querySelector("[data-formset-rows]");
    var template = section.querySelector("template[data-formset-template]");
    var add = section.querySelector("[data-formset-add]");
    var count = section.querySelector("[data-formset-count]");
    if (!total || !rows || !template || !add) { return; }
    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10) || 0;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      if (count) { count.textContent = "(" + (index + 1) + ")"; }
      var first = row.querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus(); }
      section.dispatchEvent(new Event("input", { bubbles: true }));
    });
    section.addEventListener("change", function (event) {
      var target = event.target;
      if (target && target.name && /-DELETE$/.test(target.name)) {
        var row = target.closest("[data-formset-row]");
        if (row) { row.classList.toggle("editor-row--removed", target.checked); }
      }
    });
  }

  function problemItem(problem) {
    var item = document.createElement("li");
    item.className = "problem problem--" + (problem.severity || "error");
    var badge = document.createElement("span");
    badge.className = "badge problem__severity";
    badge.textContent = problem.severity;
    item.appendChild(badge);
    item.appendChild(document.createTextNode(" "));
    if (problem.where) {
      var where = document.createElement("strong");
      where.textContent = problem.where;
      item.appendChild(where);
      item.appendChild(document.createTextNode(": "));
    }
    if (problem.field) {
      var link = document.createElement("a");
      link.href = "#" + problem.field;
      link.textContent = problem.message;
      item.appendChild(link);
    } else {
      item.appendChild(document.createTextNode(problem.message));
    }
    if (problem.path) {
      var code = document.createElement("code");
      code.className = "small";
      code.textContent = problem.path;
      item.appendChild(document.createTextNode(" "));
      item.appendChild(code);
    }
    return item;
  }

  function markFields(form, problems) {
    var marked = form.querySelectorAll("[aria-invalid='true']");
    for (var i = 0; i < marked.length; i++) { marked[i].removeAttribute("aria-invalid"); }
    problems.forEach(function (problem) {
      if (!problem.field) { return; }
      var input = document.getElementById(problem.field);
      if (input && input.tagName !== "SECTION") { input.setAttribute("aria-invalid", "true"); }
    });
  }

  function setupEditor(form) {
    var url = form.getAttribute("data-validate-url");
    var list = document.querySelector("[data-editor-problems]");
    var summary = document.querySelector("[data-editor-summary]");
    var preview = document.querySelector("[data-editor-preview]");
    var timer = null;
    var running = null;

    function show(answer) {
      list.textContent = "";
      if (!answer.problems.length) {
        var none = document.createElement("li");
        none.className = "problem problem--none";
        none.textContent = list.getAttribute("data-none") || "No problem found.";
        list.appendChild(none);
      }
      answer.problems.forEach(function (problem) { list.appendChild(problemItem(problem)); });
      var template = summary.getAttribute("data-template") ||
        "{errors} error(s), {warnings} warning(s) · checked {time}";
      summary.textContent = template.replace("{errors}", answer.errors)
        .replace("{warnings}", answer.warnings).replace("{time}", answer.checked_at);
      if (answer.preview !== null) {
        preview.textContent = answer.preview;
      } else if (answer.preview_withheld) {
        preview.textContent = preview.getAttribute("data-withheld") ||
          "Withheld: the message names protected persons.";
      }
      markFields(form, answer.problems);
    }

    function check() {
      if (running) { running.abort(); }
      running = new AbortController();
      fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: running.signal
      })
        .then(function (response) {
          if (!response.ok && response.status !== 409) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (answer) {
          if (answer.editable === false) {
            summary.textContent = summary.getAttribute("data-locked") || "Not a draft any more.";
            return;
          }
          show(answer);
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") { return; }
          summary.textContent = summary.getAttribute("data-failed") || "The check could not run.";
        });
    }

    function later() {
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(check, DEBOUNCE_MS);
    }

    // A problem's link moves the focus to its input (a fragment link only scrolls).
    list.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var input = document.getElementById(link.getAttribute("href").slice(1));
      if (input && typeof input.focus === "function") {
        event.preventDefault();
        input.scrollIntoView({ block: "center" });
        input.focus({ preventScroll: true });
      }
    });
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    check();
  }

  function followCompose(section) {
    var url = section.getAttribute("data-compose-status-url");
    var waiting = section.querySelector("[data-compose-waiting]");
    var ready = section.querySelector("[data-compose-ready]");
    var delay = POLL_MS;

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (state) {
          delay = POLL_MS;
          section.setAttribute("data-compose-state", state.status);
          if (state.composing) { window.setTimeout(poll, delay); return; }
          waiting.hidden = true;
          ready.hidden = false;
          window.location.assign(state.edit_url);
        })
        .catch(function () {
          delay = Math.min(delay * 2, MAX_POLL_MS);
          window.setTimeout(poll, delay);
        });
    }
    window.setTimeout(poll, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var sets = document.querySelectorAll("[data-formset]");
    for (var i = 0; i < sets.length; i++) { setupFormset(sets[i]); }
    var form = document.getElementById("message-editor");
    if (form && form.getAttribute("data-validate-url")) { setupEditor(form); }
    var composing = document.querySelectorAll("[data-compose-status-url]");
    for (var j = 0; j < composing.length; j++) { followCompose(composing[j]); }
  });
})();
