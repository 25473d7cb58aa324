"""Configuration of the search tests: the engine with CKAN's own schemas.

The engine knows CKAN's index documents, not the project's metadata, so its
tests run with ckanext-scheming's default dataset/organisation schemas and
the extensions that send searches (harvest, dcat), independently of the
project's schemas (covered by their own room).
"""
from __future__ import annotations

import pytest

PLUGINS = "collectivites_search scheming_datasets scheming_organizations dcat harvest"

SEARCH_MARKS = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.scheming:ckan_dataset.yaml"),
    pytest.mark.ckan_config("scheming.organization_schemas",
                            "ckanext.scheming:org_with_dept_id.json"),
    pytest.mark.ckan_config("ckanext.collectivites.search.engine", "postgresql"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]
