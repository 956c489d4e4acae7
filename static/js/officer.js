// Officer desk and lobby display. No inline scripts (CSP): everything is wired from here.
(function () {
  "use strict";

  // Live updates: the server sends "berubah" over Server-Sent Events; the fragment marked with
  // data-events then asks htmx to fetch itself again (hx-trigger="berubah from:body").
  function live() {
    var el = document.querySelector("[data-events]");
    if (!el || !window.EventSource) return;
    var dot = document.getElementById("live");
    var es = new EventSource(el.getAttribute("data-events"));
    es.addEventListener("berubah", function () {
      if (window.htmx) htmx.trigger(document.body, "berubah");
    });
    es.onopen = function () { if (dot) { dot.classList.remove("off"); dot.textContent = "● langsung"; } };
    es.onerror = function () { if (dot) { dot.classList.add("off"); dot.textContent = "● menyambung ulang…"; } };
    window.addEventListener("pagehide", function () { es.close(); });
  }

  function csrf() { return document.body.getAttribute("data-csrf") || ""; }

  function showError(html) {
    var box = document.getElementById("pesan-galat");
    if (box) box.innerHTML = html;
  }

  // upload sends a photo (a camera capture or a chosen file) and reloads the page with it.
  function upload(url, blob, name) {
    var fd = new FormData();
    fd.append("foto", blob, name);
    return fetch(url, { method: "POST", body: fd, credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf(), "HX-Request": "true" } })
      .then(function (r) {
        if (r.ok) { window.location.reload(); return; }
        return r.text().then(showError);
      })
      .catch(function () { showError('<div class="alert alert-error"><p>Foto gagal dikirim. Periksa jaringan lalu coba lagi.</p></div>'); });
  }

  // Camera: live view with a 3×4 frame; "Ambil foto" crops the frame to 3:4 and uploads it.
  function camera() {
    var box = document.getElementById("foto");
    if (!box || box.getAttribute("data-active") !== "true") return;
    var url = box.getAttribute("data-upload");
    var video = document.getElementById("kamera");
    var take = document.getElementById("ambil-foto");
    var again = document.getElementById("ulangi-foto");
    var saved = document.getElementById("foto-tersimpan");
    var msg = document.getElementById("kamera-pesan");
    var file = document.getElementById("berkas-foto");
    var stream = null;

    function say(text) { msg.textContent = text; msg.hidden = !text; }

    function start() {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        say("Kamera tidak tersedia: unggah berkas foto.");
        return;
      }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "user", width: { ideal: 1280 }, height: { ideal: 960 } }, audio: false })
        .then(function (s) {
          stream = s;
          video.srcObject = s;
          video.hidden = false;
          if (saved) saved.hidden = true;
          take.hidden = false;
          if (again) again.hidden = true;
          say("");
        })
        .catch(function () { say("Kamera tidak dapat dibuka: izinkan kamera, atau unggah berkas foto."); });
    }

    take.addEventListener("click", function () {
      if (!stream || !video.videoWidth) { say("Kamera belum siap."); return; }
      var vw = video.videoWidth, vh = video.videoHeight;
      var w = vw, h = Math.round(vw * 4 / 3);
      if (h > vh) { h = vh; w = Math.round(vh * 3 / 4); }
      var canvas = document.createElement("canvas");
      canvas.width = 354; canvas.height = 472;
      canvas.getContext("2d").drawImage(video, (vw - w) / 2, (vh - h) / 2, w, h, 0, 0, 354, 472);
      take.disabled = true;
      say("Menyimpan foto…");
      canvas.toBlob(function (blob) {
        stream.getTracks().forEach(function (t) { t.stop(); });
        upload(url, blob, "kamera.jpg");
      }, "image/jpeg", 0.92);
    });
    if (again) again.addEventListener("click", start);
    if (file) file.addEventListener("change", function () {
      if (!file.files.length) return;
      var name = document.getElementById("nama-berkas");
      if (name) name.textContent = file.files[0].name;
      say("Mengunggah foto…");
      upload(url, file.files[0], file.files[0].name);
    });
    if (box.getAttribute("data-has-photo") !== "true") start();
  }

  // The card preview follows the chosen Pengantar Kerja.
  function preview() {
    var sel = document.getElementById("f-pengantar");
    if (!sel || !document.getElementById("pratinjau-1")) return;
    sel.addEventListener("change", function () {
      [1, 2].forEach(function (n) {
        var img = document.getElementById("pratinjau-" + n);
        img.src = img.getAttribute("data-base") + "&pengantar=" + encodeURIComponent(sel.value);
      });
    });
  }

  // A double tap must not approve twice: disable a submit button once its form is sent.
  function once() {
    document.addEventListener("submit", function (e) {
      var b = e.submitter;
      if (b && e.target.method === "post") setTimeout(function () { b.disabled = true; b.dataset.sent = "1"; }, 0);
    });
    // When htmx got an answer and the form is still on the page (an error was shown beside it), let
    // the officer correct and send it again.
    document.addEventListener("htmx:afterRequest", function () {
      document.querySelectorAll("button[data-sent]").forEach(function (b) { b.disabled = false; delete b.dataset.sent; });
    });
  }

  // A live refresh must not pull a half-made decision from under the operator: skip refreshes of a
  // region while one of its forms is open (a reprint reason being chosen) or focused.
  function keepOpenForms() {
    function busy(el) {
      return el.querySelector("details[open]") ||
        (el.contains(document.activeElement) && document.activeElement.matches("select, input, textarea"));
    }
    function refresh(e) {
      var el = e.detail.elt;
      return el && el.matches("[data-keep-open]") && e.detail.requestConfig && e.detail.requestConfig.verb === "get";
    }
    document.addEventListener("htmx:beforeRequest", function (e) {
      if (refresh(e) && busy(e.detail.elt)) e.preventDefault();
    });
    // A refresh already on its way when the operator opened a form must not land either.
    document.addEventListener("htmx:beforeSwap", function (e) {
      if (refresh(e) && busy(e.detail.elt)) e.detail.shouldSwap = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () { live(); camera(); preview(); once(); keepOpenForms(); });
})();
