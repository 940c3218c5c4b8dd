// Streams the chosen file to /files/upload (not through a callback, so large files
// never travel base64-encoded in JSON), where it is kept; then hands the upload's id
// to Dash, whose background callback reads it (with its steps and Cancel).
(function () {
  const INPUT_ID = "upload-file-input";
  const ZONE_ID = "upload-drop-zone";
  const STATUS_ID = "upload-status-div";
  const STORE_ID = "upload-result-store";

  function status(html, kind) {
    const el = document.getElementById(STATUS_ID);
    if (el) { el.innerHTML = '<div class="alert alert-' + kind + ' py-2 mb-0">' + html + "</div>"; }
  }

  function escapeHtml(text) {
    const div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function send(file) {
    if (!file) { return; }
    const form = new FormData();
    form.append("file", file);
    const request = new XMLHttpRequest();
    request.open("POST", "/files/upload");
    request.setRequestHeader("X-Requested-With", "forecast-studio");
    request.upload.onprogress = function (event) {
      if (event.lengthComputable) {
        const pct = Math.round((100 * event.loaded) / event.total);
        status("Uploading " + escapeHtml(file.name) + "… " + pct + "%", "info");
      }
    };
    request.onload = function () {
      let body = {};
      try { body = JSON.parse(request.responseText); } catch (e) { body = {}; }
      if (request.status === 202) {
        const shown = document.getElementById(STATUS_ID);
        if (shown) { shown.innerHTML = ""; }  // the reading's steps show below the zone
        window.dash_clientside.set_props(STORE_ID, { data: body });
      } else if (request.status === 401) {
        window.location.href = "/login?next=/upload";
      } else {
        const message = body.error ? body.error.message : "The upload failed (" + request.status + ").";
        status(escapeHtml(message), "danger");
      }
    };
    request.onerror = function () { status("The upload was interrupted. Check the connection and try again.", "danger"); };
    status("Uploading " + escapeHtml(file.name) + "…", "info");
    request.send(form);
  }

  function input() {
    let el = document.getElementById(INPUT_ID);
    if (!el) {
      el = document.createElement("input");
      el.type = "file";
      el.id = INPUT_ID;
      el.accept = ".csv,.tsv,.txt,.xlsx,.parquet,.json";
      el.className = "visually-hidden";
      // The drop zone is the way in, by mouse and by keyboard: the hidden field is
      // named for screen readers and left out of the Tab order.
      el.setAttribute("aria-label", "Choose a file to upload");
      el.tabIndex = -1;
      el.addEventListener("change", function () { send(el.files[0]); el.value = ""; });
      document.body.appendChild(el);
    }
    return el;
  }

  document.addEventListener("DOMContentLoaded", input);
  document.addEventListener("click", function (event) {
    if (event.target.closest("#" + ZONE_ID)) { input().click(); }
  });
  document.addEventListener("keydown", function (event) {
    if ((event.key === "Enter" || event.key === " ") && event.target.id === ZONE_ID) { input().click(); }
  });
  document.addEventListener("dragover", function (event) {
    const zone = event.target.closest && event.target.closest("#" + ZONE_ID);
    if (zone) { event.preventDefault(); zone.classList.add("dragging"); }
  });
  document.addEventListener("dragleave", function (event) {
    const zone = event.target.closest && event.target.closest("#" + ZONE_ID);
    if (zone) { zone.classList.remove("dragging"); }
  });
  document.addEventListener("drop", function (event) {
    const zone = event.target.closest && event.target.closest("#" + ZONE_ID);
    if (zone) {
      event.preventDefault();
      zone.classList.remove("dragging");
      send(event.dataTransfer.files[0]);
    }
  });
})();
