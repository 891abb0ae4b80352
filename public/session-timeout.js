// Warns a signed-in user five minutes before the session ends for lack of activity, and extends it
// on "Rester connecté" (see src/ui/components/session-timeout.tsx). No inline script: CSP-strict.
(function () {
  'use strict';
  var box = document.getElementById('session-timeout');
  if (!box || !window.fetch) return;
  var idle = Number(box.getAttribute('data-idle-seconds')) || 1800;
  var warnBefore = Math.min(300, Math.floor(idle / 2));
  var text = box.querySelector('.app-session-timeout__text');
  var expiredText = box.querySelector('.app-session-timeout__expired');
  var button = box.querySelector('.app-session-timeout__extend');
  var warnTimer, endTimer;

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(warn, (idle - warnBefore) * 1000);
    endTimer = setTimeout(expired, idle * 1000);
  }
  function warn() {
    box.hidden = false;
    box.setAttribute('role', 'alert');
    box.focus();
  }
  function expired() {
    box.hidden = false;
    text.hidden = true;
    expiredText.hidden = false;
    button.hidden = true;
    box.setAttribute('role', 'alert');
  }
  button.addEventListener('click', function () {
    button.disabled = true;
    fetch('/session/prolonger', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'x-csrf-token': box.getAttribute('data-csrf'), accept: 'application/json' },
    })
      .then(function (response) {
        if (!response.ok) return expired();
        box.hidden = true;
        box.removeAttribute('role');
        schedule();
      })
      .catch(expired)
      .then(function () {
        button.disabled = false;
      });
  });
  schedule();
})();
