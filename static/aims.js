// Keeps what a person typed in an edit form until it is saved, so an expired session
// (the POST is answered by the sign-in page) or a closed tab never loses it silently.
(function () {
  "use strict";
  var PREFIX = "aims-draft:";
  function values(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "hidden" || el.type === "password") return;
      if (el.type === "checkbox" || el.type === "radio") { data[el.name + "=" + el.value] = el.checked; }
      else if (el.multiple) { data[el.name] = Array.prototype.map.call(el.selectedOptions, function (o) { return o.value; }); }
      else { data[el.name] = el.value; }
    });
    return data;
  }
  function apply(form, data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name) return;
      if (el.type === "checkbox" || el.type === "radio") { var k = el.name + "=" + el.value; if (k in data) el.checked = data[k]; }
      else if (el.multiple && Array.isArray(data[el.name])) { Array.prototype.forEach.call(el.options, function (o) { o.selected = data[el.name].indexOf(o.value) >= 0; }); }
      else if (el.name in data && el.type !== "hidden" && el.type !== "password") { el.value = data[el.name]; }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var onLogin = !!document.querySelector("form[action*='/accounts/login/']");
    var form = document.querySelector("form[data-keep-draft]");
    var hasErrors = !!document.querySelector(".form-errors");
    // A draft for another page than this one (and not the sign-in detour) was saved: drop it.
    Object.keys(localStorage).forEach(function (key) {
      if (key.indexOf(PREFIX) !== 0 || onLogin) return;
      var path = key.slice(PREFIX.length);
      var entry = JSON.parse(localStorage.getItem(key) || "{}");
      if (entry.submitted && path !== location.pathname) localStorage.removeItem(key);
    });
    if (!form) return;
    var key = PREFIX + form.getAttribute("data-keep-draft");
    var saved = JSON.parse(localStorage.getItem(key) || "null");
    if (saved && !hasErrors && JSON.stringify(saved.data) !== JSON.stringify(values(form))) {
      var banner = document.createElement("div");
      banner.className = "draft-banner";
      banner.setAttribute("role", "status");
      banner.innerHTML = "<span>You have unsaved changes to this form from " +
        new Date(saved.at).toLocaleString() + ".</span>";
      var restore = document.createElement("button"); restore.type = "button"; restore.className = "btn"; restore.textContent = "Restore them";
      var discard = document.createElement("button"); discard.type = "button"; discard.className = "btn btn-ghost"; discard.textContent = "Discard";
      restore.onclick = function () { apply(form, saved.data); banner.remove(); };
      discard.onclick = function () { localStorage.removeItem(key); banner.remove(); };
      banner.appendChild(restore); banner.appendChild(discard);
      form.parentNode.insertBefore(banner, form);
    } else if (hasErrors) {
      localStorage.removeItem(key); // the server re-showed the form with everything typed
    }
    form.addEventListener("input", function () {
      localStorage.setItem(key, JSON.stringify({ at: Date.now(), data: values(form) }));
    });
    form.addEventListener("submit", function () {
      var entry = JSON.parse(localStorage.getItem(key) || "null");
      if (entry) { entry.submitted = true; localStorage.setItem(key, JSON.stringify(entry)); }
    });
    // Section progress: a tick means filled: every required field of the section has a
    // value and at least one field holds something (an empty optional section gets none).
    var steps = document.querySelectorAll(".form-steps a[data-section]");
    function filled(el) {
      if (el.type === "checkbox" || el.type === "radio") return el.checked;
      if (el.tagName === "SELECT" && el.multiple) return el.selectedOptions.length > 0;
      return !!el.value;
    }
    function progress() {
      Array.prototype.forEach.call(steps, function (link) {
        var section = document.getElementById(link.getAttribute("data-section"));
        if (!section) return;
        var required = section.querySelectorAll("[required]");
        var fields = section.querySelectorAll(
          "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea");
        var done = fields.length > 0 &&
          Array.prototype.some.call(fields, filled) &&
          Array.prototype.every.call(required, filled);
        link.classList.toggle("complete", done);
        link.setAttribute("aria-label", link.textContent + (done ? " (complete)" : ""));
      });
    }
    if (steps.length) { progress(); form.addEventListener("input", progress); form.addEventListener("change", progress); }
    var errors = document.getElementById("form-errors");
    if (errors) errors.focus();
  });
})();

// Behaviour that would otherwise be inline (the Content-Security-Policy allows no inline
// script, event handler or style attribute): band colours, auto-submitting filters, a
// select-on-focus field, a "go back" link. Applied on load and to every fragment htmx swaps in.
(function () {
  "use strict";
  var COLOUR = /^#[0-9a-fA-F]{3,8}$/;
  function enhance(root) {
    if (!root || !root.querySelectorAll) return;
    var bands = root.querySelectorAll("[data-band]");
    Array.prototype.forEach.call(bands, function (el) {
      var colour = el.getAttribute("data-band");
      if (COLOUR.test(colour)) el.style.setProperty("--band", colour);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) el.form.submit();
  });
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest && event.target.closest("[data-history-back]");
    if (link && history.length > 1) { event.preventDefault(); history.back(); }
  });
  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (el && el.hasAttribute && el.hasAttribute("data-select-on-focus") && el.select) el.select();
  });
})();

// On a narrow screen the sidebar folds behind a Menu button.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-nav-toggle]");
    if (!button) return;
    var sidebar = button.closest(".sidebar");
    var open = !sidebar.classList.contains("nav-open");
    sidebar.classList.toggle("nav-open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
