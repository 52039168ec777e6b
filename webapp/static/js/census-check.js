// The live feasibility check on the census page: while the organiser types shares, post the
// form (with its CSRF token) to the check endpoint, which stores nothing, and show the quotas,
// the notes beside each quota and the summary. Without script the "Check the quotas" button
// does the same with a page load.
(function () {
  "use strict";
  var form = document.getElementById("census-form");
  var outcome = document.getElementById("feasibility-outcome");
  if (!form || !outcome || !window.fetch) {
    return;
  }
  var timer = null;
  var sequence = 0;

  function paragraphs(cell, messages) {
    cell.textContent = "";
    (messages || []).forEach(function (message) {
      var p = document.createElement("p");
      p.className = "field-error";
      p.textContent = message;
      cell.appendChild(p);
    });
  }

  function show(data) {
    form.querySelectorAll("[data-quota]").forEach(function (cell) {
      cell.textContent = (data.quotas || {})[cell.getAttribute("data-quota")] || "–";
    });
    form.querySelectorAll("[data-notes]").forEach(function (cell) {
      paragraphs(cell, (data.notes || {})[cell.getAttribute("data-notes")]);
    });
    form.querySelectorAll("[data-category]").forEach(function (cell) {
      paragraphs(cell, (data.categories || {})[cell.getAttribute("data-category")]);
    });
    outcome.innerHTML = data.summary; // rendered and escaped by the server
  }

  function showErrors(errors) {
    outcome.textContent = "";
    var list = document.createElement("ul");
    list.className = "check-problems";
    errors.forEach(function (message) {
      var item = document.createElement("li");
      item.className = "field-error";
      item.textContent = message;
      list.appendChild(item);
    });
    outcome.appendChild(list);
  }

  function run() {
    var mine = ++sequence;
    outcome.setAttribute("aria-busy", "true");
    fetch(form.getAttribute("data-check-url"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (mine !== sequence) {
          return; // a newer check is on its way
        }
        if (data.ok) {
          show(data);
        } else {
          showErrors(data.errors || []);
        }
      })
      .catch(function () { /* the button still works */ })
      .then(function () { outcome.removeAttribute("aria-busy"); });
  }

  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 500);
  });
})();
