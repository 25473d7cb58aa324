"""Small, named work-arounds for defects of the CKAN versions we support."""
