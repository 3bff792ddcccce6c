/* Background jobs (issue #21): refreshes a job's progress bar from its small JSON status
 * (`data-status-url`) every second until it is done (the download link) or failed (its
 * message). A static file, no inline script: the CSP allows scripts from this host only. */
(function () {
  "use strict";
  var box = document.getElementById("job-progress");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var labels = JSON.parse((document.getElementById("job-labels") || {}).textContent || "{}");
  function part(name) { return box.querySelector("[data-job-" + name + "]"); }

  function show(status) {
    part("state").textContent = status.state_label;
    part("percent").textContent = status.progress + " %";
    part("bar").value = status.progress;
    box.setAttribute("data-state", status.state);
    if (status.download) {
      part("download").href = status.download;
      part("name").textContent = status.name || "";
      if (status.rows !== null && labels.rows) {
        part("rows").textContent = labels.rows.replace("{rows}", status.rows.toLocaleString());
      }
      part("done").hidden = false;
    }
    if (status.summary) {
      part("summary").textContent = status.summary;
      part("summary").hidden = false;
    }
    if (status.error) {
      part("error").textContent = status.error;
      part("error").hidden = false;
    }
    return status.state === "queued" || status.state === "running";
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (status && show(status)) { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  var state = box.getAttribute("data-state");
  if (state === "queued" || state === "running") { window.setTimeout(poll, 500); }
}());
