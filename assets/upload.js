// Streams the chosen file to /files/upload (not through a callback, so large files
// never travel base64-encoded in JSON), where it is kept; then hands the upload's id
// to Dash, whose background callback reads it (with its steps and Cancel). Two drop
// zones share this: a new dataset, and newer data for the current one; each hands
// the id to its own store and shows the upload's progress in its own status area.
(function () {
  const INPUT_ID = "upload-file-input";
  // drop zone id -> [store that gets the kept upload's id, status element]
  const ZONES = {
    "upload-drop-zone": ["upload-result-store", "upload-status-div"],
    "upload-add-drop-zone": ["upload-add-store", "upload-add-status-div"],
  };
  let chosenZone = "upload-drop-zone";  // the zone whose file chooser is open

  function status(zoneId, html, kind) {
    const el = document.getElementById(ZONES[zoneId][1]);
    if (el) { el.innerHTML = '<div class="alert alert-' + kind + ' py-2 mb-0">' + html + "</div>"; }
  }

  function escapeHtml(text) {
    const div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function send(file, zoneId) {
    if (!file) { return; }
    const form = new FormData();
    form.append("file", file);
    const request = new XMLHttpRequest();
    request.open("POST", "/files/upload");
    request.setRequestHeader("X-Requested-With", "forecast-studio");
    request.upload.onprogress = function (event) {
      if (event.lengthComputable) {
        const pct = Math.round((100 * event.loaded) / event.total);
        status(zoneId, "Uploading " + escapeHtml(file.name) + "… " + pct + "%", "info");
      }
    };
    request.onload = function () {
      let body = {};
      try { body = JSON.parse(request.responseText); } catch (e) { body = {}; }
      if (request.status === 202) {
        const shown = document.getElementById(ZONES[zoneId][1]);
        if (shown) { shown.innerHTML = ""; }  // the reading's steps show below the zone
        window.dash_clientside.set_props(ZONES[zoneId][0], { data: body });
      } else if (request.status === 401) {
        window.location.href = "/login?next=/upload";
      } else {
        const message = body.error ? body.error.message : "The upload failed (" + request.status + ").";
        status(zoneId, escapeHtml(message), "danger");
      }
    };
    request.onerror = function () { status(zoneId, "The upload was interrupted. Check the connection and try again.", "danger"); };
    status(zoneId, "Uploading " + escapeHtml(file.name) + "…", "info");
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
      el.addEventListener("change", function () { send(el.files[0], chosenZone); el.value = ""; });
      document.body.appendChild(el);
    }
    return el;
  }

  function zoneOf(target) {
    if (!target || !target.closest) { return null; }
    for (const id in ZONES) {
      const zone = target.closest("#" + id);
      if (zone) { return zone; }
    }
    return null;
  }

  function choose(zoneId) {
    chosenZone = zoneId;
    input().click();
  }

  document.addEventListener("DOMContentLoaded", input);
  document.addEventListener("click", function (event) {
    const zone = zoneOf(event.target);
    if (zone) { choose(zone.id); }
  });
  document.addEventListener("keydown", function (event) {
    if ((event.key === "Enter" || event.key === " ") && event.target.id in ZONES) {
      event.preventDefault();  // a space would scroll the page too
      choose(event.target.id);
    }
  });
  document.addEventListener("dragover", function (event) {
    const zone = zoneOf(event.target);
    if (zone) { event.preventDefault(); zone.classList.add("dragging"); }
  });
  document.addEventListener("dragleave", function (event) {
    const zone = zoneOf(event.target);
    if (zone) { zone.classList.remove("dragging"); }
  });
  document.addEventListener("drop", function (event) {
    const zone = zoneOf(event.target);
    if (zone) {
      event.preventDefault();
      zone.classList.remove("dragging");
      send(event.dataTransfer.files[0], zone.id);
    }
  });
})();
