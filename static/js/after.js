// After printing (issue 9): closing the approval's confirmation and printing registers and letters.
// No inline scripts (CSP): wired from here.
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var close = e.target.closest("[data-close-details]");
    if (close) {
      var d = close.closest("details");
      if (d) d.open = false;
      return;
    }
    if (e.target.closest("[data-print]")) window.print();
  });
  // Escape closes the approval's confirmation as "Batal" does.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    var d = document.querySelector("details.confirm[open]");
    if (d) d.open = false;
  });
})();
