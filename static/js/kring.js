// Kring's only script of its own (the CSP forbids inline scripts).
// Moves focus to the error summary when a form comes back with errors, so keyboard and screen reader users
// hear what went wrong first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  var code = document.querySelector("main form input[name=code]");
  if (summary) {
    summary.focus();
  } else if (code) {
    code.focus(); // the two-factor code: the only thing to type on that page
  }
});

// A wide table scrolls within itself on a narrow screen instead of making the whole page scroll sideways. A table
// that overflows becomes a keyboard-focusable region named by its caption, so it can be scrolled without a mouse.
function kringWrapTables(root) {
  root.querySelectorAll("main table").forEach(function (table) {
    var parent = table.parentElement;
    if (!parent || parent.classList.contains("table-scroll")) {
      return;
    }
    var wrapper = document.createElement("div");
    wrapper.className = "table-scroll";
    parent.insertBefore(wrapper, table);
    wrapper.appendChild(table);
    if (wrapper.scrollWidth > wrapper.clientWidth) {
      var caption = table.querySelector("caption");
      wrapper.tabIndex = 0;
      if (caption && caption.textContent.trim()) {
        wrapper.setAttribute("role", "region");
        wrapper.setAttribute("aria-label", caption.textContent.trim());
      }
    }
  });
}
document.addEventListener("DOMContentLoaded", function () {
  kringWrapTables(document);
});
document.addEventListener("htmx:afterSettle", function (event) {
  kringWrapTables(event.target);
});
