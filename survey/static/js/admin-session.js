// Warn before the idle timeout ends the staff session, and let the user stay signed in.
// The server decides: before warning we ask it how long is left (another tab may have been
// active). Without JavaScript the footer states the timeout and nothing else changes.
(function () {
  var box = document.getElementById("session-warning");
  if (!box || !window.fetch) { return; }
  var statusUrl = box.getAttribute("data-status-url");
  var loginUrl = box.getAttribute("data-login-url");
  var idle = parseInt(box.getAttribute("data-idle-seconds"), 10);
  var warning = parseInt(box.getAttribute("data-warning-seconds"), 10);
  var countdown = box.querySelector("[data-countdown]");
  var form = box.querySelector("form");
  var timer = null, deadline = 0, previousFocus = null;

  function schedule(secondsLeft) {
    clearTimeout(timer);
    deadline = Date.now() + secondsLeft * 1000;
    timer = setTimeout(check, Math.max(1, secondsLeft - warning) * 1000);
  }

  function check() {
    fetch(statusUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (r.status === 401) { expire(); return null; } return r.json(); })
      .then(function (data) {
        if (!data) { return; }
        if (data.seconds_left > warning) { hide(); schedule(data.seconds_left); }
        else { deadline = Date.now() + data.seconds_left * 1000; show(); }
      })
      .catch(function () { schedule(warning); });
  }

  function minutesText(seconds) {
    var minutes = Math.ceil(seconds / 60);
    return minutes <= 1 ? "mindre än en minut" : minutes + " minuter";
  }

  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    countdown.textContent = minutesText(left);
    if (left <= 0) { expire(); return; }
    timer = setTimeout(tick, 15000);
  }

  function show() {
    if (box.hidden) { previousFocus = document.activeElement; }
    box.hidden = false;
    box.querySelector("button").focus();
    tick();
  }

  function hide() {
    if (box.hidden) { return; }
    box.hidden = true;
    if (previousFocus && previousFocus.focus) { previousFocus.focus(); }
  }

  function expire() {
    window.location.href = loginUrl + "?next=" + encodeURIComponent(window.location.pathname + window.location.search);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                         headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) { hide(); schedule(data.seconds_left); })
      .catch(function () { form.submit(); });
  });

  schedule(idle);
})();
