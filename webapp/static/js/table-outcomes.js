// The facilitator's table outcomes: saves each item as they type (debounced, with the CSRF
// token of its form), keeps every keystroke in localStorage so that nothing is lost when the
// connection drops, and sends what is kept when the connection is back (the online event,
// and retries). A save from an older version is refused by the server (409): both texts are
// shown, and the facilitator keeps theirs, takes the other or merges by hand. Without this
// script every item is an ordinary form with a Save button.
(function () {
  "use strict";
  var root = document.getElementById("outcomes");
  if (!root || !window.fetch) {
    return;
  }
  var FIELDS = ["summary", "arguments_for", "arguments_against", "amendments",
    "votes_for", "votes_against", "votes_abstain"];
  var DELAY = 800;
  var store = root.getAttribute("data-store");
  var text = {
    saving: root.getAttribute("data-saving"),
    saved: root.getAttribute("data-saved"),
    offline: root.getAttribute("data-offline"),
    conflict: root.getAttribute("data-conflict"),
    failed: root.getAttribute("data-failed"),
    unsaved: root.getAttribute("data-unsaved")
  };

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null;
    }
  }

  function keyOf(form) {
    // Not form.elements.item: that is the collection's item() method, not the field.
    return store + "-" + form.elements.namedItem("item").value;
  }

  function values(form) {
    var found = {};
    FIELDS.forEach(function (name) { found[name] = form.elements[name].value; });
    return found;
  }

  function fill(form, fields) {
    FIELDS.forEach(function (name) {
      var value = fields[name];
      form.elements[name].value = value === null || value === undefined ? "" : String(value);
    });
  }

  function keep(form) {
    var box = storage();
    if (!box) {
      return;
    }
    try {
      box.setItem(keyOf(form), JSON.stringify({
        version: form.elements.version.value, fields: values(form)
      }));
    } catch (e) {
      // A full storage: the text is still in the page and will be sent.
    }
  }

  function kept(form) {
    var box = storage();
    if (!box) {
      return null;
    }
    try {
      return JSON.parse(box.getItem(keyOf(form)) || "null");
    } catch (e) {
      return null;
    }
  }

  function forget(form) {
    var box = storage();
    if (box) {
      box.removeItem(keyOf(form));
    }
  }

  function state(form, message, kind) {
    var line = form.querySelector(".save-state");
    line.textContent = message;
    line.className = "save-state" + (kind ? " " + kind : "");
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  var status = new WeakMap();

  function info(form) {
    if (!status.has(form)) {
      status.set(form, { timer: null, busy: false, again: false, dirty: false,
        conflict: false, retry: 2000 });
    }
    return status.get(form);
  }

  function schedule(form, delay) {
    var s = info(form);
    window.clearTimeout(s.timer);
    s.timer = window.setTimeout(function () { send(form); }, delay);
  }

  function showError(form, message) {
    var box = form.querySelector(".js-error");
    if (!box) {
      box = document.createElement("p");
      box.className = "error js-error";
      box.setAttribute("role", "alert");
      form.insertBefore(box, form.querySelector("label"));
    }
    box.textContent = message || "";
    box.hidden = !message;
  }

  function offline(form) {
    var s = info(form);
    state(form, navigator.onLine === false ? text.offline : text.failed, "offline");
    s.retry = Math.min(s.retry * 2, 30000);
    schedule(form, s.retry);
  }

  function conflict(form, data) {
    var s = info(form);
    s.conflict = true;
    state(form, text.conflict, "conflict");
    var old = form.querySelector(".js-theirs");
    if (old) {
      old.remove();
    }
    var panel = document.createElement("div");
    panel.className = "theirs js-theirs";
    var heading = document.createElement("p");
    heading.textContent = data.message;
    panel.appendChild(heading);
    var list = document.createElement("dl");
    FIELDS.forEach(function (name) {
      var label = form.querySelector("label[for='" + form.elements[name].id + "']");
      var dt = document.createElement("dt");
      dt.textContent = label ? label.textContent : name;
      var dd = document.createElement("dd");
      var value = data.current.fields[name];
      dd.textContent = value === null || value === undefined ? "" : String(value);
      dd.className = "theirs-" + name;
      list.appendChild(dt);
      list.appendChild(dd);
    });
    panel.appendChild(list);
    var actions = document.createElement("div");
    actions.className = "conflict-actions";
    var mine = document.createElement("button");
    mine.type = "button";
    mine.className = "keep-mine";
    mine.textContent = root.getAttribute("data-keep-mine") || "Keep mine";
    var theirs = document.createElement("button");
    theirs.type = "button";
    theirs.className = "secondary take-theirs";
    theirs.textContent = root.getAttribute("data-take-theirs") || "Take theirs";
    actions.appendChild(mine);
    actions.appendChild(theirs);
    panel.appendChild(actions);
    form.insertBefore(panel, form.querySelector("label"));
    var version = String(data.current.version);
    mine.addEventListener("click", function () {
      // Mine (as it stands in the fields: merged by hand, perhaps) over their version.
      form.elements.version.value = version;
      s.conflict = false;
      panel.remove();
      keep(form);
      send(form);
    });
    theirs.addEventListener("click", function () {
      form.elements.version.value = version;
      fill(form, data.current.fields);
      s.conflict = false;
      panel.remove();
      forget(form);
      state(form, "", "");
    });
  }

  function send(form) {
    var s = info(form);
    window.clearTimeout(s.timer);
    if (s.conflict) {
      return;
    }
    if (s.busy) {
      s.again = true;
      return;
    }
    s.busy = true;
    s.again = false;
    var sent = values(form);
    state(form, text.saving, "saving");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json", "X-CSRFToken": form.elements.csrf_token.value },
      credentials: "same-origin"
    })
      .then(function (response) {
        return response.json().then(
          function (data) { return { status: response.status, data: data }; },
          function () { return { status: response.status, data: null }; }
        );
      })
      .then(function (answer) {
        s.busy = false;
        var data = answer.data;
        if (answer.status === 200 && data && data.ok) {
          s.retry = 2000;
          form.elements.version.value = String(data.version);
          showError(form, "");
          if (same(values(form), sent)) {
            forget(form);
            state(form, text.saved.replace("{time}", data.saved_at), "saved");
          } else {
            keep(form);  // typed while it was on its way: the newer text, on the new version
            schedule(form, DELAY);
          }
        } else if (answer.status === 409 && data && data.conflict) {
          conflict(form, data);
        } else if (answer.status === 400 && data && data.message) {
          showError(form, data.message);
          state(form, text.unsaved, "failed");
        } else {
          offline(form);  // a server error, a gateway page ...: kept, tried again
          return;
        }
        if (s.again && !s.conflict) {
          schedule(form, DELAY);
        }
      })
      .catch(function () {
        s.busy = false;
        offline(form);
      });
  }

  var forms = root.querySelectorAll("form.outcome-form");
  Array.prototype.forEach.call(forms, function (form) {
    var draft = kept(form);
    if (draft && draft.fields) {
      // Kept on this phone and not yet sent: it wins over the page, on the version it
      // started from (the server says so if someone else saved since).
      fill(form, draft.fields);
      form.elements.version.value = draft.version;
      schedule(form, 0);
    }
    form.addEventListener("input", function () {
      keep(form);
      if (info(form).conflict) {
        return;
      }
      state(form, navigator.onLine === false ? text.offline : text.saving,
        navigator.onLine === false ? "offline" : "saving");
      schedule(form, DELAY);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      keep(form);
      send(form);
    });
  });

  function flush() {
    Array.prototype.forEach.call(forms, function (form) {
      if (kept(form)) {
        info(form).retry = 2000;
        send(form);
      }
    });
  }

  window.addEventListener("online", flush);
  window.addEventListener("offline", function () {
    Array.prototype.forEach.call(forms, function (form) {
      if (kept(form)) {
        state(form, text.offline, "offline");
      }
    });
  });
}());
