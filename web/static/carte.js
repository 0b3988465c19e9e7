// Map of a geographic dataset (ligerdata). Reads the data attributes of
// #carte, asks the query API for the points and draws them with Leaflet.
// Without JavaScript the page says where to get the data instead.
(function () {
  "use strict";
  var el = document.getElementById("carte");
  var status = document.getElementById("carte-etat");
  if (!el || !window.L) {
    return;
  }
  var d = el.dataset;
  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }
  var map = L.map(el, { preferCanvas: true, attributionControl: true });
  map.fitBounds([[46.26, -2.56], [48.57, 0.92]]); // the region
  if (d.tiles) {
    L.tileLayer(d.tiles, { attribution: d.attribution || "", maxZoom: Number(d.maxZoom) || 18 }).addTo(map);
  }
  var style = { radius: 5, weight: 1, color: "#0b4f8a", fillColor: "#1f78d1", fillOpacity: 0.75 };
  function popup(text) {
    return function () {
      var p = document.createElement("p");
      p.textContent = text;
      return p;
    };
  }
  function fromRecords(rows) {
    var layer = L.featureGroup();
    rows.forEach(function (row) {
      var lat = Number(row[d.lat]), lon = Number(row[d.lon]);
      if (row[d.lat] === null || row[d.lon] === null || !isFinite(lat) || !isFinite(lon)) {
        return;
      }
      var m = L.circleMarker([lat, lon], style);
      if (d.label && row[d.label]) {
        m.bindPopup(popup(String(row[d.label])));
      }
      m.addTo(layer);
    });
    return layer;
  }
  function fromGeoJSON(fc) {
    return L.geoJSON(fc, {
      style: function () { return style; },
      pointToLayer: function (f, ll) { return L.circleMarker(ll, style); },
      onEachFeature: function (f, layer) {
        var v = d.label && f.properties ? f.properties[d.label] : null;
        if (v) {
          layer.bindPopup(popup(String(v)));
        }
      }
    });
  }
  say("Chargement des points…");
  fetch(d.source, { headers: { Accept: "application/json" } })
    .then(function (r) {
      if (!r.ok) {
        throw new Error("HTTP " + r.status);
      }
      return r.json();
    })
    .then(function (data) {
      var layer = d.geojson === "true" ? fromGeoJSON(data) : fromRecords(data);
      layer.addTo(map);
      var n = layer.getLayers().length;
      if (n > 0) {
        map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 14 });
      }
      el.setAttribute("data-points", String(n));
      say(n + (n > 1 ? " points affichés." : " point affiché."));
    })
    .catch(function () {
      say("Les points n'ont pas pu être chargés.");
    });
})();
