// Lobby display: a chime (static/audio/chime.wav) each time a ticket is called, including a second
// call of the same ticket. The newest call carries data-call="TICKET@millis"; after every refresh
// of the list the chime plays when that changed. Browsers may refuse sound before anyone touched
// the screen: the display's browser is started with --autoplay-policy=no-user-gesture-required,
// and otherwise a button asks for one touch to turn the sound on.
(function () {
  "use strict";

  var last = null;

  function current() {
    var now = document.querySelector("#layar [data-call]");
    return now ? now.getAttribute("data-call") : "";
  }

  function play() {
    var audio = document.getElementById("bunyi-panggilan");
    if (!audio) return;
    audio.currentTime = 0;
    var p = audio.play();
    if (!p || !p.then) return;
    p.then(function () {
      document.body.dataset.chimes = String(Number(document.body.dataset.chimes || 0) + 1);
    }, function () {
      var b = document.getElementById("aktifkan-suara");
      if (b) b.hidden = false;
    });
  }

  function check() {
    var call = current();
    if (last !== null && call && call !== last) play();
    last = call;
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!document.getElementById("layar")) return;
    last = current(); // the calls already on screen when it was switched on do not chime
    document.body.addEventListener("htmx:afterSettle", check);
    var b = document.getElementById("aktifkan-suara");
    if (b) b.addEventListener("click", function () { b.hidden = true; play(); });
  });
})();
