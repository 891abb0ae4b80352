/* The directory's optional script (served as a file: the CSP allows no inline script).
   "Autour de moi": asks the browser for its position, posts it once (never stored, never in a URL).
   The map: Leaflet over the configured tile server, one marker per place listed below. */
(function () {
  'use strict';
  var block = document.getElementById('autour-de-moi-bloc');
  var form = document.getElementById('autour-de-moi');
  if (block && form && 'geolocation' in navigator) {
    block.hidden = false;
    var status = document.getElementById('autour-de-moi-statut');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      status.textContent = 'Recherche de votre position…';
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.elements.latitude.value = position.coords.latitude.toFixed(4);
          form.elements.longitude.value = position.coords.longitude.toFixed(4);
          form.submit();
        },
        function () {
          status.textContent = 'Votre position n’est pas disponible : autorisez la localisation dans votre navigateur, ou saisissez une commune ou un code postal.';
        },
        { timeout: 10000, maximumAge: 60000 }
      );
    });
  }

  var el = document.getElementById('carte');
  if (!el || !window.L || el.classList.contains('leaflet-container')) return;
  var places = JSON.parse(el.getAttribute('data-places') || '[]');
  var origin = JSON.parse(el.getAttribute('data-origin') || 'null');
  if (!origin) return;
  el.hidden = false;
  var L = window.L;
  var map = L.map(el, { zoomControl: false, scrollWheelZoom: false });
  L.control.zoom({ zoomInTitle: 'Zoomer', zoomOutTitle: 'Dézoomer' }).addTo(map);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  L.tileLayer(el.getAttribute('data-tiles'), { attribution: el.getAttribute('data-attribution'), maxZoom: 18 }).addTo(map);
  var colours = { professionnels: '#000091', photographes: '#ce0500', mairies: '#18753c' };
  var bounds = [[origin.lat, origin.lon]];
  function popup(lines) {
    var div = document.createElement('div');
    lines.forEach(function (text, i) {
      var p = document.createElement(i === 0 ? 'strong' : 'p');
      p.textContent = text;
      div.appendChild(p);
    });
    return div;
  }
  L.circleMarker([origin.lat, origin.lon], { radius: 6, color: '#161616', fillColor: '#ffffff', fillOpacity: 1, weight: 3 })
    .bindPopup(popup(['Point de recherche', origin.label]))
    .addTo(map);
  places.forEach(function (p) {
    L.circleMarker([p.lat, p.lon], { radius: 8, color: colours[p.kind] || '#000091', fillOpacity: 0.7, weight: 2, className: 'app-marker app-marker--' + p.kind })
      .bindPopup(popup([p.name, p.address, 'à ' + p.distance]))
      .addTo(map);
    bounds.push([p.lat, p.lon]);
  });
  map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
})();
