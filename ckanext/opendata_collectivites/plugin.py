"""CKAN plugins of the extension: interface wiring only, no logic here."""
from __future__ import annotations

import os
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.opendata_collectivites.compat import plugin_scan

# The plugin-scan work-around is process-wide and harmless: apply it as soon
# as the extension is imported (CKAN imports plugins before iterating them).
plugin_scan.apply()


_HERE = os.path.dirname(__file__)


@tk.blanket.config_declarations(os.path.join(_HERE, "config_declaration.yaml"))
class CollectivitesPlugin(p.SingletonPlugin):
    """Main plugin: French UI, templates, assets and translations."""

    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IClick)

    # IConfigurer
    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "collectivites")

    # ITranslation
    def i18n_directory(self) -> str:
        return os.path.join(_HERE, "i18n")

    def i18n_locales(self) -> list[str]:
        return ["fr", "en"]

    def i18n_domain(self) -> str:
        return "ckanext-opendata_collectivites"

    # IClick
    def get_commands(self) -> list:
        from ckanext.opendata_collectivites import cli

        return cli.get_commands()


@tk.blanket.config_declarations(
    os.path.join(_HERE, "search", "config_declaration.yaml")
)
class SearchPlugin(p.SingletonPlugin):
    """CKAN's dataset search served by PostgreSQL instead of Solr."""

    p.implements(p.IConfigurer, inherit=True)

    # IConfigurer
    def update_config(self, config: Any) -> None:
        from ckanext.opendata_collectivites.search import engine

        engine.configure(config)
