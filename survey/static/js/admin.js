// Small conveniences for the staff pages; every page works without them.
(function () {
  // Submit the progress filters as soon as a select changes.
  document.querySelectorAll("form.filters select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
