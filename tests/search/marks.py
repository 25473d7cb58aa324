"""Configuration of the search tests: the engine with CKAN's own schemas.

The engine knows CKAN's index documents, not the project's metadata, so its
tests run with ckanext-scheming's default dataset/organisation schemas and
the extensions that send searches (harvest, dcat), independently of the
project's schemas (covered by their own room).
"""

from __future__ import annotations

import pytest

PLUGINS = " ".join(
    [
        "collectivites_search",
        "collectivites",
        "scheming_datasets",
        "scheming_organizations",
        "dcat",
        "harvest",
    ]
)
# Pages rendered with CKAN's own templates (the project's templates need the
# helpers of the other rooms' plugins).
CORE_PAGE_PLUGINS = (
    "collectivites_search scheming_datasets scheming_organizations harvest"
)


def search_marks(plugins: str = PLUGINS) -> list:
    return [
        pytest.mark.ckan_config("ckan.plugins", plugins),
        pytest.mark.ckan_config(
            "scheming.dataset_schemas", "ckanext.scheming:ckan_dataset.yaml"
        ),
        pytest.mark.ckan_config(
            "scheming.organization_schemas", "ckanext.scheming:org_with_dept_id.json"
        ),
        pytest.mark.ckan_config("ckanext.collectivites.search.engine", "postgresql"),
        pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True),
        pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
    ]


SEARCH_MARKS = search_marks()
