// NOTICE-2 print pages: the Print button, bound here because the CSP (SEC-3) forbids inline
// event handlers such as onclick="window.print()".
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
});
