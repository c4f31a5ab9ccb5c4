// Lan Tỏa, every page. No inline script or handler anywhere (the Content-Security-Policy refuses them):
// behaviour is asked for with data attributes.
//   <details id="navtoggle">     the menu starts open on a wide screen
//   <select data-autosubmit>      changing it submits its form (a <noscript> button does without script)
//   <button data-confirm="…">     asks before submitting
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }
  ready(function () {
    var nav = document.getElementById("navtoggle");
    if (nav && window.matchMedia("(min-width: 900px)").matches) nav.open = true;
  });
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("[data-autosubmit]") && el.form) el.form.submit();
  });
  document.addEventListener("click", function (event) {
    var el = event.target && event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) event.preventDefault();
  });
})();
