// Names for the controls of third-party widgets that their Dash props cannot name, so
// that screen readers say what they do, and fixes for Dash's dropdowns (focus order,
// names, the open list's roles); checked by tests/browser/test_accessibility.py with
// axe-core 4.
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
    // dbc.Progress draws a role="progressbar" its props cannot name (its label is not
    // a name for a progress bar); the id sits on the bar's frame
    ["#models-progress-bar > .progress-bar", "Forecast progress"],
    ["#upload-read-progress > .progress-bar", "Reading the file"],
    ["#cleaning-preview-progress > .progress-bar", "Preparing the preview"],
    ["#export-make-progress > .progress-bar", "Making the download"],
    // any other (the Export page's report job): a plain name rather than none
    [".progress-bar[role=progressbar]:not([aria-label])", "Progress"],
  ];

  // dcc.Dropdown (Dash 4), made whole for the keyboard and screen readers:
  // - It reaches its button through a hidden, aria-hidden input placed before it (the
  //   button has tabindex -1; Tab lands on the input, which hands the focus on), so
  //   screen readers are told of a field that is not there. The button becomes the tab
  //   stop itself, and the hidden input leaves the focus order (inert, since the
  //   dropdown's own blur handler puts the input's tabindex back to 0).
  // - Its button is named by its value alone: the field's label goes first, so that a
  //   screen reader says "Target passengers", not just "passengers".
  // - Its open list is a listbox of role="option" labels, each holding the radio or
  //   checkbox that the arrow keys move to; an option's content is presentational, so
  //   the focused control falls out of what screen readers see. Those two roles go,
  //   leaving plain radios or checkboxes with their labels (checked = chosen), in a
  //   popup named after the field.
  let labelCount = 0;

  function fieldLabel(button) {
    return button && button.labels && button.labels.length ? button.labels[0] : null;
  }

  function dropdowns() {
    for (const input of document.querySelectorAll(".dash-dropdown-focus-target")) {
      if (!input.inert) { input.inert = true; }
      const button = input.nextElementSibling;
      if (!button || button.tagName !== "BUTTON") { continue; }
      if (button.tabIndex !== 0) { button.tabIndex = 0; }
      if (button.getAttribute("aria-haspopup") !== "dialog") { button.setAttribute("aria-haspopup", "dialog"); }
      const label = fieldLabel(button);
      if (label) {
        if (!label.id) { label.id = "a11y-field-label-" + (++labelCount); }
        const names = (button.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
        if (names[0] !== label.id) {
          button.setAttribute("aria-labelledby", [label.id, ...names.filter((n) => n !== label.id)].join(" "));
        }
      }
    }
    for (const popup of document.querySelectorAll(".dash-dropdown-content[role=dialog]")) {
      const label = fieldLabel(document.querySelector('button[aria-controls="' + CSS.escape(popup.id) + '"]'));
      const name = label ? "Choices for " + label.textContent.trim() : "Choices";
      if (popup.getAttribute("aria-label") !== name) { popup.setAttribute("aria-label", name); }
      for (const el of popup.querySelectorAll("[role=listbox], [role=option]")) { el.removeAttribute("role"); }
      for (const el of popup.querySelectorAll("[aria-selected]")) { el.removeAttribute("aria-selected"); }
    }
  }

  function name() {
    for (const [selector, label] of NAMES) {
      for (const el of document.querySelectorAll(selector)) {
        if (el.getAttribute("aria-label") !== label) { el.setAttribute("aria-label", label); }
        // a file field takes no autocomplete token; dcc.Upload sets "off"
        if (el.type === "file" && el.hasAttribute("autocomplete")) { el.removeAttribute("autocomplete"); }
      }
    }
    dropdowns();
  }

  let pending = false;
  new MutationObserver(function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; name(); });
  }).observe(document.documentElement, {
    childList: true,
    subtree: true,
    // the dropdown puts these back on its options as the choice changes
    attributes: true,
    attributeFilter: ["role", "aria-selected"],
  });
  document.addEventListener("DOMContentLoaded", name);
})();
