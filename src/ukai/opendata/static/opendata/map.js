// The map of a data set's points (Leaflet, vendored). An enhancement: the table of the
// same points below the map is the content for screen readers and browsers without
// JavaScript. Tiles come from the configured URL; without one, markers on a plain background.
(function () {
  "use strict";
  var box = document.getElementById("opendata-map");
  var config = document.getElementById("opendata-map-config");
  if (!box || !config || typeof L === "undefined") { return; }
  var data = JSON.parse(config.textContent);
  L.Icon.Default.imagePath = box.getAttribute("data-images") + "/";
  box.hidden = false;
  var map = L.map(box, { scrollWheelZoom: false });
  map.attributionControl.setPrefix(false);
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { attribution: data.attribution, maxZoom: 18 }).addTo(map);
  }
  var bounds = [];
  data.points.forEach(function (point) {
    var marker = L.marker([point[0], point[1]], { title: point[2], alt: point[2] });
    marker.bindPopup(document.createTextNode(point[2]));
    marker.addTo(map);
    bounds.push([point[0], point[1]]);
  });
  if (bounds.length === 1) {
    map.setView(bounds[0], 15);
  } else {
    map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
  }
})();
