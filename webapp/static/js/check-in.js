// The check-in desk: filters the members as you type (accents and case aside) and sends a
// tap or the times without reloading the page; the server answers with the new row. Without
// this script the search and every tap are ordinary form posts.
(function () {
  "use strict";
  var list = document.getElementById("people");
  var search = document.getElementById("checkin-search");
  var input = document.getElementById("q");
  var none = document.getElementById("checkin-none");
  var summary = document.getElementById("checkin-summary");
  if (!list || !search || !input) {
    return;
  }

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function filter() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    Array.prototype.forEach.call(list.children, function (row) {
      var text = fold(row.getAttribute("data-search") || "");
      var match = words.every(function (w) { return text.indexOf(w) !== -1; });
      row.hidden = !match;
      if (match) {
        shown += 1;
      }
    });
    if (none) {
      none.hidden = shown > 0;
    }
  }

  input.addEventListener("input", filter);
  search.addEventListener("submit", function (event) {
    // The whole list is on the page: filter here instead of asking the server.
    event.preventDefault();
    filter();
  });

  function say(message, ok) {
    var box = document.querySelector(".flashes");
    if (!box) {
      box = document.createElement("div");
      box.className = "flashes";
      box.setAttribute("role", "status");
      list.parentNode.insertBefore(box, search);
    }
    var line = document.createElement("p");
    line.className = "flash " + (ok ? "flash-success" : "flash-error");
    line.textContent = message;
    box.textContent = "";
    box.appendChild(line);
  }

  list.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches(".tap-form, .times-form")) {
      return;
    }
    event.preventDefault();
    var buttons = form.querySelectorAll("button");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) {
        return response.json().then(function (data) { return data; });
      })
      .then(function (data) {
        var row = form.closest("li");
        if (data.row && row) {
          var holder = document.createElement("ul");
          holder.innerHTML = data.row;
          var fresh = holder.firstElementChild;
          row.replaceWith(fresh);
          filter();
          if (data.ok && form.matches(".tap-form")) {
            input.value = "";
            filter();
            input.focus();
          }
        }
        if (summary && data.summary) {
          summary.textContent = data.summary;
        }
        say(data.message, data.ok);
      })
      .catch(function () {
        // No answer (the connection dropped): send the form the ordinary way.
        form.submit();
      });
  });
})();
