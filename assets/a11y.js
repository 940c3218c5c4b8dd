// Names for the controls of third-party widgets that their Dash props cannot name,
// so that screen readers say what they do (checked by tests/browser/test_accessibility.py).
(function () {
  // [selector, accessible name]
  const NAMES = [
    // dash_table's page buttons are arrows drawn with CSS, and its page field has no label
    [".previous-next-container button.first-page", "First page"],
    [".previous-next-container button.previous-page", "Previous page"],
    [".previous-next-container button.next-page", "Next page"],
    [".previous-next-container button.last-page", "Last page"],
    [".previous-next-container input.current-page", "Page number"],
    // dcc.Upload's hidden file field (its zone is the visible control)
    ["#export-logo-upload input[type=file]", "Choose a logo"],
  ];

  function name() {
    for (const [selector, label] of NAMES) {
      for (const el of document.querySelectorAll(selector)) {
        if (el.getAttribute("aria-label") !== label) { el.setAttribute("aria-label", label); }
        // a file field takes no autocomplete token; dcc.Upload sets "off"
        if (el.type === "file" && el.hasAttribute("autocomplete")) { el.removeAttribute("autocomplete"); }
      }
    }
  }

  let pending = false;
  new MutationObserver(function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; name(); });
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", name);
})();
