"""CKAN extension for French local authorities' open-data portals."""
