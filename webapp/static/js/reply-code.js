// The QR code on the letter opens /reply#code=XXXX-XXXX-XXXX-C. The fragment never reaches
// the server; this script copies it into the code field and removes it from the address bar
// (and so from the history). Without JavaScript the resident types the code.
(function () {
  "use strict";
  var match = /(?:^#|&)code=([^&]*)/.exec(window.location.hash);
  if (!match) {
    return;
  }
  var field = document.getElementById("code");
  if (field) {
    try {
      field.value = decodeURIComponent(match[1]).toUpperCase();
    } catch (e) {
      field.value = "";
    }
  }
  if (window.history && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  } else {
    window.location.hash = "";
  }
})();
