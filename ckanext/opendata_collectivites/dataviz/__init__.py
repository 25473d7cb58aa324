"""Map and chart views of resources (``collectivites_map``,
``collectivites_chart``): column detection, data extraction through CKAN's
actions (so private datasets stay private), Leaflet and Chart.js assets."""
