// The selection job's page: polls the JSON status every second, moves the progress bar and
// shows the solver's message; when the job has ended the page reloads to show the outcome.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.getAttribute("data-finished") === "true") {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-progress");
  var message = document.getElementById("job-message");
  var waiting = document.getElementById("job-waiting");

  function show(state) {
    if (state.finished) {
      window.location.reload();
      return false;
    }
    if (bar && typeof state.progress === "number") {
      bar.value = state.progress;
      bar.textContent = Math.round(state.progress * 100) + "%";
    }
    if (message && message.textContent !== state.message) {
      message.textContent = state.message;
    }
    if (waiting) {
      waiting.hidden = !state.worker_stopped;
    }
    return true;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (state) {
        if (show(state)) {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 500);
})();
