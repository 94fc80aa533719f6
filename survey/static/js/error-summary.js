// Move focus to the error summary so screen-reader and keyboard users land on it.
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();
