// Kiosk behaviour: forget the person after a period without touches, move focus to what needs
// attention after each screen change, and an on-screen keyboard for a touch screen without one.
(function () {
  "use strict";

  // ---- Idle reset -------------------------------------------------------------------------------
  // After idleMs without a touch or key the kiosk warns and counts down warnMs; then it asks the
  // server to delete the draft and returns to the welcome screen, replacing the history entry so
  // the next person cannot go back to the previous person's screens.
  var idleTimer = null, countTimer = null, deadline = 0;

  function state() { return document.getElementById("kiosk-state"); }

  // Screens without a form (the welcome screen, error pages) have data-idle="quiet": nothing to
  // warn about, but they still reset, so that a page left open never outlives its visitor.
  function armIdle() {
    clearTimeout(idleTimer);
    var st = state();
    if (!st || !document.getElementById("idle-dialog").hidden) return;
    var idleMs = Number(st.dataset.idleMs) || 60000;
    if (st.dataset.idle === "quiet") idleTimer = setTimeout(forget, idleMs + (Number(st.dataset.warnMs) || 20000));
    else if (st.dataset.idle === "on") idleTimer = setTimeout(warn, idleMs);
  }

  function warn() {
    var st = state();
    var dialog = document.getElementById("idle-dialog");
    var count = document.getElementById("idle-count");
    hideKeyboard();
    deadline = Date.now() + (Number(st.dataset.warnMs) || 20000);
    dialog.hidden = false;
    document.getElementById("idle-stay").focus();
    var tick = function () {
      var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      count.textContent = String(left);
      if (left <= 0) { clearInterval(countTimer); forget(); }
    };
    tick();
    countTimer = setInterval(tick, 250);
  }

  function stay() {
    clearInterval(countTimer);
    document.getElementById("idle-dialog").hidden = true;
    armIdle();
  }

  function forget() {
    var st = state();
    var done = function () { window.location.replace("/"); };
    fetch("/kiosk/reset", { method: "POST", credentials: "same-origin", redirect: "manual",
      headers: { "X-CSRF-Token": st ? st.dataset.csrf : "" } }).then(done, function () {
      // The server is away: the draft must still go, so wait for it (see serverAway).
      serverAway(forget);
    });
  }

  ["pointerdown", "keydown", "input", "wheel"].forEach(function (type) {
    document.addEventListener(type, function (ev) {
      if (ev.target && ev.target.id === "idle-stay") return;
      if (document.getElementById("idle-dialog").hidden) armIdle();
    }, true);
  });
  document.addEventListener("click", function (ev) {
    if (ev.target && ev.target.id === "idle-stay") stay();
  });

  // ---- After every screen change ----------------------------------------------------------------
  function settle() {
    if (!field || !document.body.contains(field)) hideKeyboard();
    armIdle();
    var target = document.querySelector("[data-autofocus]") ;
    var invalid = document.querySelector("[aria-invalid=true]");
    window.scrollTo(0, 0);
    if (target) target.focus({ preventScroll: true });
    if (invalid) invalid.scrollIntoView({ block: "center" });
  }
  document.addEventListener("htmx:afterSettle", settle);
  document.addEventListener("DOMContentLoaded", settle);
  // A page restored from the back/forward cache must not show anyone's data: reload it.
  window.addEventListener("pageshow", function (ev) { if (ev.persisted) window.location.reload(); });

  // ---- On-screen keyboard -----------------------------------------------------------------------
  // "Hapus semua" empties the field in one tap: a kiosk has no select-all.
  var layouts = {
    numeric: [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"], ["⌫", "0", "Hapus semua"], ["Selesai"]],
    tel: [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"], ["+", "0", "⌫"], ["Hapus semua", "Selesai"]],
    decimal: [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"], [",", "0", "⌫"], ["Hapus semua", "Selesai"]],
    text: [["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"],
      ["q", "w", "e", "r", "t", "y", "u", "i", "o", "p"],
      ["a", "s", "d", "f", "g", "h", "j", "k", "l", "'"],
      ["⇧", "z", "x", "c", "v", "b", "n", "m", ",", "."],
      ["-", "/", "Spasi", "⌫", "Hapus semua", "Selesai"]],
    email: [["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"],
      ["q", "w", "e", "r", "t", "y", "u", "i", "o", "p"],
      ["a", "s", "d", "f", "g", "h", "j", "k", "l", "@"],
      ["z", "x", "c", "v", "b", "n", "m", ".", "_", "-"],
      [".com", "⌫", "Hapus semua", "Selesai"]]
  };
  var osk = null, field = null, shift = false;

  function buildKeyboard(kind) {
    if (!osk) {
      osk = document.createElement("div");
      osk.className = "osk";
      osk.setAttribute("aria-hidden", "true"); // a physical keyboard or screen reader does not need it
      // Keep focus in the field: a tap on a key must not blur it.
      osk.addEventListener("pointerdown", function (ev) { ev.preventDefault(); });
      osk.addEventListener("click", press);
    }
    // htmx replaces the body's content on every screen change, so put the keyboard back if needed.
    if (!document.body.contains(osk)) document.body.appendChild(osk);
    osk.className = "osk " + kind;
    osk.innerHTML = "";
    layouts[kind].forEach(function (row) {
      var r = document.createElement("div");
      r.className = "osk-row";
      row.forEach(function (key) {
        var b = document.createElement("button");
        b.type = "button";
        b.tabIndex = -1;
        b.dataset.key = key;
        b.textContent = key.length === 1 && shift ? key.toUpperCase() : key;
        if (key === "Spasi") b.className = "wide";
        if (key === "Hapus semua") b.className = "clear";
        if (key === "Selesai") b.className = "action wide";
        if (key === "⇧" && shift) b.className = "on";
        r.appendChild(b);
      });
      osk.appendChild(r);
    });
  }

  function insert(text) {
    var start = field.selectionStart, end = field.selectionEnd;
    if (start === null || start === undefined) { field.value += text; }
    else { field.setRangeText(text, start, end, "end"); }
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function press(ev) {
    var b = ev.target.closest("button");
    if (!b || !field) return;
    var key = b.dataset.key;
    if (key === "Selesai") { field.blur(); hideKeyboard(); return; }
    if (key === "⇧") { shift = !shift; buildKeyboard(field.dataset.keypad); return; }
    if (key === "⌫") {
      var s = field.selectionStart, e = field.selectionEnd;
      if (s === e && s > 0) field.setRangeText("", s - 1, e, "end");
      else if (s !== e) field.setRangeText("", s, e, "end");
      field.dispatchEvent(new Event("input", { bubbles: true }));
      return;
    }
    if (key === "Hapus semua") {
      field.value = "";
      field.dispatchEvent(new Event("input", { bubbles: true }));
      return;
    }
    if (key === "Spasi") { insert(" "); return; }
    var text = key.length === 1 && (shift || capitalHere()) && field.dataset.keypad === "text" ? key.toUpperCase() : key;
    insert(text);
    if (shift) { shift = false; buildKeyboard(field.dataset.keypad); }
  }

  // Names and places (data-case="words") are written with a capital at each word; free text
  // (data-case="sentence") only at its start and after a full stop, as people write it.
  function capitalHere() {
    var s = field.selectionStart || 0;
    var before = field.value.slice(0, s);
    if (field.dataset.case === "words") return s === 0 || before.slice(-1) === " ";
    if (field.dataset.case === "sentence") return /^\s*$|[.!?]\s+$/.test(before);
    return false;
  }

  // ---- Digit boxes shown in groups: the NIK in fours (16 digits), rupiah in thousands ---------
  var formats = {
    nik: function (v) { return v.replace(/\D/g, "").slice(0, 16).replace(/(\d{4})(?=\d)/g, "$1 "); },
    rupiah: function (v) { return v.replace(/\D/g, "").replace(/^0+(?=\d)/, "").slice(0, 10).replace(/\B(?=(\d{3})+(?!\d))/g, "."); }
  };
  function formatDigits(el) {
    var grouped = formats[el.dataset.format](el.value);
    if (grouped === el.value) return;
    // Keep the caret after the same number of digits.
    var caret = el.selectionStart === null ? el.value.length : el.selectionStart;
    var before = el.value.slice(0, caret).replace(/\D/g, "").length;
    el.value = grouped;
    var pos = 0, seen = 0;
    while (pos < grouped.length && seen < before) { if (/\d/.test(grouped.charAt(pos))) seen++; pos++; }
    el.setSelectionRange(pos, pos);
  }
  document.addEventListener("input", function (ev) {
    if (ev.target && ev.target.dataset && formats[ev.target.dataset.format]) formatDigits(ev.target);
  });

  // ---- "Batal" asks before it wipes the form ----------------------------------------------------
  // The reset form in the header is held back (before htmx sees the submit) until the person
  // confirms in a dialog; without this script it submits at once, as before.
  var cancelConfirmed = false;
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.matches || !form.matches(".reset-form") || cancelConfirmed) return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
    hideKeyboard();
    var dialog = document.getElementById("batal-dialog");
    dialog.hidden = false;
    document.getElementById("batal-tidak").focus();
  }, true);
  document.addEventListener("click", function (ev) {
    var dialog = document.getElementById("batal-dialog");
    if (!dialog || !ev.target.closest) return;
    if (ev.target.closest("#batal-tidak")) { dialog.hidden = true; }
    if (ev.target.closest("#batal-ya")) {
      dialog.hidden = true;
      var form = document.querySelector(".reset-form");
      if (!form) return;
      cancelConfirmed = true;
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
      cancelConfirmed = false;
    }
  });

  function showKeyboard(el) {
    field = el;
    var kind = el.dataset.keypad in layouts ? el.dataset.keypad : "text";
    buildKeyboard(kind);
    osk.hidden = false;
    document.body.classList.add("keyboard-open");
    el.scrollIntoView({ block: "center" });
  }

  function hideKeyboard() {
    if (osk) osk.hidden = true;
    field = null;
    document.body.classList.remove("keyboard-open");
  }

  document.addEventListener("focusin", function (ev) {
    var el = ev.target;
    if (el.matches && el.matches("input[data-keypad], textarea[data-keypad]")) showKeyboard(el);
    else if (!osk || !osk.contains(el)) hideKeyboard();
  });

  // ---- Server away: "Sebentar…" -----------------------------------------------------------------
  // A server restart (an update) or a Wi-Fi blip must not cost a person the form: what earlier
  // screens saved is in the server's draft, and what this screen holds is still in the page. When
  // a request cannot reach the server, a calm cover says "Sebentar…", the kiosk asks /healthz every
  // two seconds, and once the server answers it sends the same request again, as the person's own
  // tap on the same button would. Nothing is reloaded (a reload would start a new visitor).
  var away = null, retry = null, probeTimer = null;

  function cover() {
    if (!away) {
      away = document.createElement("div");
      away.id = "sebentar";
      away.className = "sebentar";
      away.setAttribute("role", "status");
      away.setAttribute("aria-live", "polite");
      away.innerHTML = '<div class="sebentar-box"><div class="sebentar-putar" aria-hidden="true"></div>' +
        "<h2>Sebentar…</h2><p>Sedang menyambung kembali. Isian Anda tetap aman, tidak perlu mengulang.</p></div>";
    }
    if (!document.body.contains(away)) document.body.appendChild(away);
    return away;
  }

  function serverAway(again) {
    retry = again;
    hideKeyboard();
    cover().hidden = false;
    clearTimeout(probeTimer);
    probeTimer = setTimeout(probe, 2000);
  }

  function probe() {
    fetch("/healthz", { cache: "no-store", credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("server not ready");
      cover().hidden = true;
      var again = retry;
      retry = null;
      if (again) again();
    }).catch(function () { probeTimer = setTimeout(probe, 2000); });
  }

  // sameRequest returns a function that repeats the request htmx could not deliver: the same
  // button of the same form (its name and value, e.g. aksi=lanjut, go with it), the same link.
  function sameRequest(detail) {
    var elt = detail.elt;
    var trigger = detail.requestConfig && detail.requestConfig.triggeringEvent;
    return function () {
      if (!elt || !document.body.contains(elt)) return;
      var submitter = trigger && trigger.submitter;
      if (elt.tagName === "FORM") {
        if (submitter && submitter.form === elt && !submitter.disabled) submitter.click();
        else elt.requestSubmit();
      } else if (elt.tagName === "A") {
        elt.click();
      } else if (window.htmx) {
        htmx.trigger(elt, trigger ? trigger.type : "click");
      }
    };
  }

  document.addEventListener("htmx:sendError", function (ev) { serverAway(sameRequest(ev.detail)); });
  document.addEventListener("htmx:timeout", function (ev) { serverAway(sameRequest(ev.detail)); });
  // A proxy in front of the server answers 502/504 while it is away: not a page to show.
  document.addEventListener("htmx:beforeSwap", function (ev) {
    var status = ev.detail.xhr && ev.detail.xhr.status;
    if (status === 502 || status === 504) {
      ev.detail.shouldSwap = false;
      serverAway(sameRequest(ev.detail));
    }
  });

  // A long press must not open the browser's menu (copy, translate, inspect) on the kiosk.
  document.addEventListener("contextmenu", function (ev) { ev.preventDefault(); });
})();
