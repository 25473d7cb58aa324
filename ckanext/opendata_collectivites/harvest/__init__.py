"""Harvester of member collectivités' catalogues (CKAN, Opendatasoft, udata,
DCAT, SCDL CSV): client → adapter → normalised record → mapper → CKAN."""
