/* Map view: the places of the inlined GeoJSON (from GeoJSON, KML or a
   table) as keyboard-reachable markers (Leaflet), or the layers of a WMS
   service, over the configured tiles when they load. */
(function () {
  "use strict";

  function text(tag, value) {
    var node = document.createElement(tag);
    node.textContent = value;
    return node;
  }

  function popup(props) {
    var box = document.createElement("div");
    if (props.name) box.appendChild(text("strong", props.name));
    if (props.address) box.appendChild(text("div", props.address));
    if (props.description) box.appendChild(text("p", props.description));
    return box;
  }

  function base(container) {
    if (!window.L) return null;
    var map = L.map(container, {
      zoomControl: false,
      scrollWheelZoom: false
    });
    L.control.zoom({
      zoomInTitle: container.getAttribute("data-zoom-in") || "Zoom in",
      zoomOutTitle: container.getAttribute("data-zoom-out") || "Zoom out"
    }).addTo(map);
    map.attributionControl.setPrefix(
      '<a href="https://leafletjs.com">Leaflet</a>'
    );
    var tiles = container.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, {
        maxZoom: 19,
        attribution: container.getAttribute("data-attribution") || ""
      }).addTo(map);
    }
    return map;
  }

  /* A WMS service: its layers as images asked by the browser, over the
     tiles, framed on the extent given by the service's capabilities. */
  function drawWms(container) {
    var map = base(container);
    if (!map) return;
    var layers = container.getAttribute("data-wms-layers") || "";
    var layer = L.tileLayer.wms(container.getAttribute("data-wms"), {
      layers: layers,
      format: "image/png",
      transparent: true,
      version: container.getAttribute("data-wms-version") || "1.1.1"
    }).addTo(map);
    var box = (container.getAttribute("data-bounds") || "").split(",").map(Number);
    if (box.length === 4 && box.every(isFinite)) {
      map.fitBounds([[box[0], box[1]], [box[2], box[3]]], { maxZoom: 16 });
    } else {
      map.setView([46.6, 2.4], 5);
    }
    container.setAttribute("data-wms-drawn", layer.wmsParams.layers);
  }

  function draw(container) {
    if (container.hasAttribute("data-wms")) return drawWms(container);
    var source = document.getElementById(container.getAttribute("data-source"));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var map = base(container);
    if (!map) return;
    var icon = L.divIcon({ className: "collectivites-map__marker", iconSize: [18, 18] });
    var layer = L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        var props = feature.properties || {};
        var title = props.name || props.address || latlng.lat + ", " + latlng.lng;
        return L.marker(latlng, { icon: icon, title: title, keyboard: true });
      },
      style: function () {
        return { color: "#000091", weight: 3 };
      },
      onEachFeature: function (feature, item) {
        var props = feature.properties || {};
        if (props.name || props.address) item.bindPopup(popup(props));
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
    } else {
      map.setView([46.6, 2.4], 5);
    }
    container.setAttribute("data-markers", String(layer.getLayers().length));
  }

  function start() {
    var maps = document.querySelectorAll("[data-collectivites-map]");
    for (var i = 0; i < maps.length; i++) draw(maps[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
