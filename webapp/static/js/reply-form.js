// On the reply form, a "no" needs only the answer: hide the other questions while "no" is
// chosen. Without JavaScript everything stays visible and the hint explains it.
//
// The answers given so far are kept in this tab's sessionStorage as a draft, so that changing
// the language (a new page) does not wipe them. The draft is keyed by the invitation
// (data-draft on the form): another resident's form never gets it. It is removed when the form
// is sent, and sessionStorage itself ends with the tab.
(function () {
  "use strict";
  var form = document.querySelector("form.reply-form");
  var key = form && form.getAttribute("data-draft");
  var PREFIX = "kleroterion-draft:";

  function store() {
    try {
      return window.sessionStorage;
    } catch (e) {
      return null; // storage switched off: the form works, without drafts
    }
  }

  function kept(element) {
    var type = element.type;
    return element.name && element.name !== "csrf_token" && type !== "hidden" &&
      type !== "password" && type !== "submit" && type !== "button" && type !== "file";
  }

  function saveDraft() {
    var storage = store();
    if (!storage) {
      return;
    }
    var draft = {};
    for (var i = 0; i < form.elements.length; i += 1) {
      var element = form.elements[i];
      if (!kept(element)) {
        continue;
      }
      if (element.type === "checkbox" || element.type === "radio") {
        draft[element.id] = element.checked;
      } else {
        draft[element.id] = element.value;
      }
    }
    storage.setItem(PREFIX + key, JSON.stringify(draft));
  }

  function restoreDraft() {
    var storage = store();
    if (!storage) {
      return;
    }
    // One draft per tab: drafts of other forms are dropped.
    for (var i = storage.length - 1; i >= 0; i -= 1) {
      var name = storage.key(i);
      if (name && name.indexOf(PREFIX) === 0 && name !== PREFIX + key) {
        storage.removeItem(name);
      }
    }
    var draft;
    try {
      draft = JSON.parse(storage.getItem(PREFIX + key) || "null");
    } catch (e) {
      draft = null;
    }
    if (!draft) {
      return;
    }
    Object.keys(draft).forEach(function (id) {
      var element = document.getElementById(id);
      if (!element || element.form !== form || !kept(element)) {
        return;
      }
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = Boolean(draft[id]);
      } else {
        element.value = String(draft[id]);
      }
    });
  }

  if (form && key) {
    restoreDraft();
    form.addEventListener("input", saveDraft);
    form.addEventListener("change", saveDraft);
    form.addEventListener("submit", function () {
      var storage = store();
      if (storage) {
        storage.removeItem(PREFIX + key);
      }
    });
  }

  var section = document.getElementById("yes-only");
  var radios = document.querySelectorAll('input[name="answer"]');
  if (!section || !radios.length) {
    return;
  }
  function update() {
    var no = document.querySelector('input[name="answer"][value="no"]');
    section.hidden = Boolean(no && no.checked);
  }
  for (var i = 0; i < radios.length; i += 1) {
    radios[i].addEventListener("change", update);
  }
  update();
})();
