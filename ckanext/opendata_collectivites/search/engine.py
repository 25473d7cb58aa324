"""Select the search engine and install it behind CKAN's Solr seam."""
from __future__ import annotations

from typing import Any

ENGINE_OPTION = "ckanext.collectivites.search.engine"
PLACEHOLDER_URL = "postgresql://ckan-index"


def configure(config: Any) -> None:
    """Install the engine selected by ``ckanext.collectivites.search.engine``.

    With ``postgresql`` (the default) CKAN needs no ``solr_url``; a placeholder
    keeps CKAN's configuration validation and ``SolrSettings`` satisfied.
    """
    engine = (config.get(ENGINE_OPTION) or "postgresql").strip().lower()
    if engine != "postgresql":
        return
    if not config.get("solr_url"):
        config["solr_url"] = PLACEHOLDER_URL
