"""DCAT-AP 3 export: ckanext-dcat profile, feeds, SCDL catalogue CSV, quality score."""
