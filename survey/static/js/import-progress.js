// The import's progress, asked for every two seconds and told in the status region; when the
// job has finished, the page is loaded again to show the outcome (nothing moves while typing:
// the page has no form).
(function () {
  "use strict";
  var region = document.querySelector("[data-import-status]");
  if (!region || !window.fetch) { return; }
  var url = region.getAttribute("data-import-status");
  function ask() {
    fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (job) {
        if (!job) { return; }
        if (job.finished) { window.location.reload(); return; }
        region.textContent = job.status === "queued" ? "Väntar på att starta."
          : job.rows_read.toLocaleString("sv-SE") + " rader kontrollerade.";
        window.setTimeout(ask, 2000);
      })
      .catch(function () { window.setTimeout(ask, 5000); });
  }
  window.setTimeout(ask, 1000);
})();
