// On a narrow screen (a phone, 390 px) the main menu folds behind a «Menu» button; on a wide one, or without
// JavaScript, it is always open. The button says whether the menu is open (aria-expanded).
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 767.98px)");
  function setUp() {
    var button = document.querySelector(".tg-menu-button");
    var menu = document.getElementById("menu-principale");
    if (!button || !menu) { return; }
    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.hidden = !open;
    }
    function fit() {
      button.hidden = !narrow.matches;
      show(!narrow.matches);
    }
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    narrow.addEventListener("change", fit);
    fit();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
