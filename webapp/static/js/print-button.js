// A button that prints the page (shown only when scripts run: without them, the browser's
// own Print menu does the same).
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
