"""Obligations dashboard: which collectivités of the département publish the SCDL
socle, counted from public data only (``package_search`` as an anonymous user)."""
