// Town hall: scan the QR code of a pre-application summary with the camera, where the browser has
// BarcodeDetector (progressive enhancement: without it, or without JavaScript, the number is typed).
// The QR code holds the URL of the retrieval page; only its last segment (the number) is used, so a
// QR code can never send the town hall to another site.
(function () {
  var box = document.getElementById('qr-scan');
  if (!box || !('BarcodeDetector' in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  var button = document.getElementById('qr-scan-start');
  var video = document.getElementById('qr-scan-video');
  var status = document.getElementById('qr-scan-status');
  box.hidden = false;
  function numberOf(text) {
    var match = /([A-Za-z0-9]{10})\s*$/.exec(String(text).replace(/[\s-]/g, ''));
    return match ? match[1].toUpperCase() : null;
  }
  button.addEventListener('click', function () {
    var detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    status.textContent = 'Caméra en cours d’ouverture…';
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        button.hidden = true;
        status.textContent = 'Présentez le QR code du récapitulatif devant la caméra.';
        return video.play().then(function () {
          var timer = setInterval(function () {
            detector
              .detect(video)
              .then(function (codes) {
                for (var i = 0; i < codes.length; i++) {
                  var number = numberOf(codes[i].rawValue);
                  if (number) {
                    clearInterval(timer);
                    stream.getTracks().forEach(function (t) { t.stop(); });
                    status.textContent = 'QR code lu : ouverture de la pré-demande.';
                    window.location.assign('/mairie/pre-demandes/' + encodeURIComponent(number));
                    return;
                  }
                }
              })
              .catch(function () {});
          }, 300);
        });
      })
      .catch(function () {
        status.textContent = 'La caméra n’est pas disponible : saisissez le numéro de pré-demande.';
      });
  });
})();
