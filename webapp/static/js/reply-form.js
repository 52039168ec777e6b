// On the reply form, a "no" needs only the answer: hide the other questions while "no" is
// chosen. Without JavaScript everything stays visible and the hint explains it.
(function () {
  "use strict";
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
