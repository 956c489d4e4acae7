// Kiosk camera: reads a card's QR code (its signed check link, which proves the card is in hand) or
// its barcode (the registration number, as good as typing it) on the "find your card" screen. The
// decoder (@zxing/library, vendored) is loaded only when the camera is opened; the camera stops as
// soon as a code is read or the screen changes. No inline scripts (CSP): wired from here.
(function () {
  "use strict";

  var LIB = "/static/vendor/zxing-library-0.23.0.min.js";
  var stream = null, timer = null, reader = null, canvas = null;

  function $(id) { return document.getElementById(id); }

  function say(text) {
    var m = $("scan-msg");
    if (m) { m.textContent = text; m.hidden = !text; }
  }

  function loadLib() {
    return new Promise(function (resolve, reject) {
      if (window.ZXing) { resolve(); return; }
      var s = document.createElement("script");
      s.src = LIB;
      s.onload = resolve;
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  function stop() {
    clearInterval(timer);
    timer = null;
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    var view = document.querySelector(".scan-view");
    if (view) view.hidden = true;
  }

  function start() {
    var video = $("scan-video");
    if (!video) return;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say("Kamera tidak tersedia. Tulis nomor pendaftaran pada kartu.");
      return;
    }
    stop();
    say("Membuka kamera…");
    var camera = navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment", width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
    Promise.all([loadLib(), camera]).then(function (got) {
      stream = got[1];
      video.srcObject = stream;
      document.querySelector(".scan-view").hidden = false;
      video.play();
      var hints = new Map();
      hints.set(ZXing.DecodeHintType.POSSIBLE_FORMATS, [ZXing.BarcodeFormat.QR_CODE, ZXing.BarcodeFormat.CODE_128]);
      hints.set(ZXing.DecodeHintType.TRY_HARDER, true);
      reader = new ZXing.MultiFormatReader();
      reader.setHints(hints);
      canvas = document.createElement("canvas");
      say("Arahkan kode QR atau barcode kartu ke kamera.");
      timer = setInterval(frame, 200);
    }).catch(function () {
      stop();
      say("Kamera tidak dapat dibuka. Tulis nomor pendaftaran pada kartu.");
    });
  }

  function frame() {
    var video = $("scan-video");
    if (!video || !video.videoWidth) return;
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d", { willReadFrequently: true }).drawImage(video, 0, 0);
    var text;
    try {
      var bitmap = new ZXing.BinaryBitmap(new ZXing.HybridBinarizer(new ZXing.HTMLCanvasElementLuminanceSource(canvas)));
      text = reader.decode(bitmap).getText();
    } catch (e) {
      return; // nothing readable in this frame yet
    }
    found(text);
  }

  // found fills the form from what the camera read: a check link goes to the hidden qr field (the
  // server verifies its signature), a barcode's digits to the number box.
  function found(text) {
    var path = text.replace(/^[a-z][a-z0-9+.-]*:\/\/[^\/]*/i, "");
    if (/^\/cek\/[A-Z2-7]+\/?$/i.test(path)) {
      $("f-qr").value = text;
      stop();
      say("Kode QR kartu terbaca. Pilih tanggal lahir Anda, lalu sentuh \"Cari kartu\".");
      document.body.dataset.scanned = "qr";
      return;
    }
    if (/^[0-9]{6,30}$/.test(text)) {
      $("f-nomor").value = text;
      $("f-qr").value = "";
      stop();
      say("Nomor pendaftaran terbaca dari barcode. Pilih tanggal lahir Anda, lalu sentuh \"Cari kartu\".");
      document.body.dataset.scanned = "barcode";
      return;
    }
    say("Kode ini bukan kode kartu AK/I. Coba lagi, atau tulis nomor pendaftaran.");
  }

  document.addEventListener("click", function (ev) {
    if (ev.target.closest && ev.target.closest("#pindai")) start();
  });
  // A number typed by hand replaces a QR code read before.
  document.addEventListener("input", function (ev) {
    if (ev.target && ev.target.id === "f-nomor" && $("f-qr")) { $("f-qr").value = ""; say(""); }
  });
  document.addEventListener("htmx:beforeSwap", stop);
  window.addEventListener("pagehide", stop);
})();
