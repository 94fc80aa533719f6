// The respondent form's enhancements. Everything works without this file: follow-ups then
// appear after «Spara». With it: instant show and hide (routing.js), character counters,
// autosave of changed answers to the server (never to browser storage), a warning before the
// session times out with a way to extend it, and forms that submit only once.
(function () {
  "use strict";

  var form = document.getElementById("answer-form");

  // -- submit once ------------------------------------------------------------------------
  Array.prototype.forEach.call(document.querySelectorAll("form"), function (each) {
    var sent = false;
    each.addEventListener("submit", function (event) {
      if (sent) { event.preventDefault(); return; }
      sent = true;
      if (each.hasAttribute("data-submit-once")) {
        var button = each.querySelector("button[type=submit]");
        if (button) { button.setAttribute("aria-disabled", "true"); button.textContent = "Skickar in…"; }
      }
      if (form && each === form) { cancelAutosave(); }
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  if (!form) { return; }

  var entries = JSON.parse(form.getAttribute("data-routing") || "[]");
  var external = JSON.parse(form.getAttribute("data-external") || "{}");
  var byId = {};
  entries.forEach(function (entry) { byId[entry.id] = entry; });
  var statusBox = form.querySelector("[data-autosave-status]");

  function controls(id) {
    return Array.prototype.filter.call(form.elements, function (el) { return el.name === id; });
  }

  function readValue(entry) {
    var els = controls(entry.id);
    if (entry.type === "multiple") {
      return els.filter(function (el) { return el.checked; }).map(function (el) { return el.value; });
    }
    if (els.length && (els[0].type === "radio" || els[0].type === "checkbox")) {
      var chosen = els.filter(function (el) { return el.checked; });
      return chosen.length ? chosen[0].value : null;
    }
    return els.length ? els[0].value.trim() : null;
  }

  // -- instant routing --------------------------------------------------------------------
  function route() {
    var answers = {};
    entries.forEach(function (entry) { answers[entry.id] = readValue(entry); });
    var applicable = window.SurveyRouting.applicable(entries, answers, external);
    Array.prototype.forEach.call(form.querySelectorAll("[data-show-if]"), function (block) {
      block.hidden = applicable[block.getAttribute("data-show-if")] !== true;
    });
  }

  // -- character counters -----------------------------------------------------------------
  function counterText(length, max) {
    if (length > max) {
      return "Du har " + (length - max) + " tecken för mycket.";
    }
    return "Du har skrivit " + length + " tecken.";
  }

  var liveTimers = {};
  function updateCounter(area) {
    var box = document.getElementById("count-" + area.name);
    if (!box) { return; }
    var max = parseInt(area.getAttribute("data-max"), 10);
    var text = counterText(area.value.length, max);
    var visible = box.querySelector("[data-count-visible]");
    visible.textContent = text;
    box.classList.toggle("char-count-over", area.value.length > max);
    clearTimeout(liveTimers[area.name]);
    liveTimers[area.name] = setTimeout(function () {  // polite, and not on every keystroke
      box.querySelector("[data-count-live]").textContent = text;
    }, 1000);
  }

  // -- autosave ---------------------------------------------------------------------------
  var dirty = {}, conflicted = {}, timer = null, inFlight = false, edits = 0;
  var IDLE_MS = 2500;

  function csrfToken() { return form.querySelector("input[name=csrf_token]").value; }

  function setStatus(text) { if (statusBox) { statusBox.textContent = text; } }

  function markDirty(name) {
    if (!byId[name] || conflicted[name]) { return; }
    edits += 1;
    dirty[name] = edits;
    clearTimeout(timer);
    timer = setTimeout(autosave, IDLE_MS);
  }

  function cancelAutosave() { clearTimeout(timer); timer = null; dirty = {}; }

  function clockNow() {
    var now = new Date();
    return ("0" + now.getHours()).slice(-2) + "." + ("0" + now.getMinutes()).slice(-2);
  }

  function autosave(keepalive) {
    var ids = Object.keys(dirty);
    // A staff preview has no autosave address: nothing is ever stored from it.
    if (!ids.length || !form.getAttribute("data-autosave-url")) { return; }
    if (inFlight) { timer = setTimeout(autosave, IDLE_MS); return; }
    var body = new URLSearchParams();
    var sent = {};
    ids.forEach(function (id) {
      sent[id] = dirty[id];
      var value = readValue(byId[id]);
      (Array.isArray(value) ? value : (value === null ? [] : [value])).forEach(function (v) {
        body.append(id, v);
      });
      body.append("v__" + id, form.querySelector("input[name=v__" + id + "]").value);
    });
    inFlight = true;
    fetch(form.getAttribute("data-autosave-url"), {
      method: "POST", body: body, credentials: "same-origin", keepalive: keepalive === true,
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      inFlight = false;
      handleResult(result.status, result.data, sent);
    }).catch(function () {
      inFlight = false;
      setStatus("Svaren kunde inte sparas automatiskt just nu. De finns kvar på sidan; klicka på Spara.");
    });
  }

  function handleResult(status, data, sent) {
    if (status === 200) {
      Object.keys(data.versions).forEach(function (id) {
        form.querySelector("input[name=v__" + id + "]").value = data.versions[id];
      });
      data.conflicts.forEach(function (id) { conflicted[id] = true; });
      Object.keys(sent).forEach(function (id) {
        if (dirty[id] === sent[id]) { delete dirty[id]; }  // unless edited again meanwhile
      });
      touched();
      setStatus(data.conflicts.length
        ? "Någon annan har ändrat ett svar på sidan. Klicka på Spara för att se båda svaren och välja."
        : "Svaren sparades automatiskt kl. " + clockNow() + ".");
    } else if (status === 401) {
      setStatus("Din session har gått ut. Dina svar finns kvar på sidan: klicka på Spara.");
    } else if (status === 422) {
      setStatus("Något svar behöver rättas innan det kan sparas. Klicka på Spara för att se vad.");
    } else {
      setStatus(data.message || "Svaren kunde inte sparas automatiskt. Klicka på Spara.");
    }
  }

  function onEdit(event) {
    var el = event.target;
    if (!el.name || el.name.indexOf("__") !== -1 || el.name === "csrf_token") { return; }
    route();
    if (el.tagName === "TEXTAREA") { updateCounter(el); }
    markDirty(el.name);
  }

  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { clearTimeout(timer); autosave(true); }
  });

  // -- session timeout warning ------------------------------------------------------------
  var idle = parseInt(form.getAttribute("data-idle-seconds"), 10) * 1000;
  var lead = parseInt(form.getAttribute("data-warn-seconds"), 10) * 1000;
  var warnAfter = idle - Math.min(lead, idle * 0.95);
  var lastContact = Date.now();
  var warning = document.getElementById("timeout-warning");

  function touched() {
    lastContact = Date.now();
    if (warning) { warning.hidden = true; }
  }

  function checkTimeout() {
    var quiet = Date.now() - lastContact;
    if (quiet >= idle) {
      warning.querySelector("[data-timeout-text]").textContent =
        "Sessionen har gått ut. Dina svar på sidan finns kvar: klicka på Spara och ange ditt namn igen.";
      warning.querySelector("[data-timeout-extend]").hidden = true;
      warning.hidden = false;
    } else if (quiet >= warnAfter && warning.hidden) {
      var minutes = Math.max(1, Math.round((idle - quiet) / 60000));
      warning.querySelector("[data-timeout-text]").textContent =
        "Du har inte sparat på en stund. Sessionen går ut om ungefär " + minutes +
        (minutes === 1 ? " minut" : " minuter") + ". Dina svar på sidan finns kvar även då.";
      warning.hidden = false;
      warning.querySelector("[data-timeout-extend]").focus();
    }
  }

  if (warning) {
    warning.querySelector("[data-timeout-extend]").addEventListener("click", function () {
      fetch(form.getAttribute("data-extend-url"), {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (data) { return { status: response.status, data: data }; });
      }).then(function (result) {
        if (result.status === 200) {
          Array.prototype.forEach.call(document.querySelectorAll("input[name=csrf_token]"), function (el) {
            el.value = result.data.csrf;
          });
          touched();
          setStatus("Sessionen är förlängd.");
        } else {
          lastContact = 0;
          checkTimeout();
        }
      });
    });
    setInterval(checkTimeout, Math.max(1000, Math.min(15000, warnAfter / 3)));
  }

  Array.prototype.forEach.call(form.querySelectorAll("textarea[data-max]"), updateCounter);
  route();
})();
