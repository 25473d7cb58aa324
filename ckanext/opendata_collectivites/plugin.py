"""CKAN plugins of the extension: interface wiring only, no logic here."""

from __future__ import annotations

import os
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.opendata_collectivites.compat import (
    dcat_quote,
    default_views,
    deferred_commit,
    harvest_redis,
    navl_speed,
    plugin_scan,
    relationship_index,
)

# The work-arounds are process-wide and change no result: apply them as soon
# as the extension is imported (CKAN imports plugins before iterating them).
plugin_scan.apply()
dcat_quote.apply()
navl_speed.apply()
relationship_index.apply()
deferred_commit.apply()
default_views.apply()
harvest_redis.apply()


_HERE = os.path.dirname(__file__)


@tk.blanket.config_declarations(os.path.join(_HERE, "config_declaration.yaml"))
class CollectivitesPlugin(p.SingletonPlugin):
    """Main plugin: French UI, templates, assets and translations."""

    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IClick)
    p.implements(p.IActions)

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

    # IActions
    def get_actions(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.compat import actions

        return actions.get_actions()


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


@tk.blanket.config_declarations(os.path.join(_HERE, "logic", "config_declaration.yaml"))
class PagesPlugin(p.SingletonPlugin):
    """Theme pages, keyword cloud, home page sections and their actions."""

    p.implements(p.IConfigurer, inherit=True)
    p.implements(p.IBlueprint)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IDomainObjectModification, inherit=True)

    # IConfigurer
    def update_config(self, config: Any) -> None:
        from ckanext.opendata_collectivites.logic import cache

        cache.listen_for_commits()

    # IBlueprint
    def get_blueprint(self) -> list:
        from ckanext.opendata_collectivites.views import pages

        return pages.get_blueprints()

    # IActions
    def get_actions(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.logic import pages, tags

        return {**pages.get_actions(), **tags.get_actions()}

    # IAuthFunctions
    def get_auth_functions(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.logic import pages

        return pages.get_auth_functions()

    # ITemplateHelpers
    def get_helpers(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.views import helpers

        return helpers.get_helpers()

    # IFacets
    def dataset_facets(self, facets_dict: Any, package_type: str) -> Any:
        from ckanext.opendata_collectivites.views import facets

        return facets.dataset_facets(facets_dict, package_type)

    # IPackageController: any dataset change makes the cached counts stale.
    def after_dataset_search(self, search_results: Any, search_params: Any) -> Any:
        from ckanext.opendata_collectivites.views import facets

        return facets.label_facets(search_results)

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        self._dataset_changed()
        return pkg_dict

    def after_dataset_create(self, context: Any, pkg_dict: Any) -> None:
        self._dataset_changed()

    def after_dataset_update(self, context: Any, pkg_dict: Any) -> None:
        self._dataset_changed()

    def after_dataset_delete(self, context: Any, pkg_dict: Any) -> None:
        self._dataset_changed()

    # IDomainObjectModification (purges and other model-level changes)
    def notify(self, entity: Any, operation: Any) -> None:
        self._dataset_changed()

    @staticmethod
    def _dataset_changed() -> None:
        from ckanext.opendata_collectivites.logic import cache

        cache.mark_session_dirty()


from ckanext.harvest.interfaces import IHarvester  # noqa: E402

from ckanext.opendata_collectivites.harvest.harvester import (  # noqa: E402
    CollectivitesHarvester,
)


@tk.blanket.config_declarations(
    os.path.join(_HERE, "harvest", "config_declaration.yaml")
)
class HarvestPlugin(CollectivitesHarvester):
    """ckanext-harvest harvester "Catalogue d'une collectivité" (logic in harvest/)."""

    p.implements(IHarvester)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IActions)
    p.implements(p.IFacets, inherit=True)

    # ITemplateHelpers
    def get_helpers(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.harvest import helpers

        return helpers.get_helpers()

    # IFacets (after ckanext-harvest's, whose titles are not translated)
    def dataset_facets(self, facets_dict: Any, package_type: str) -> Any:
        from ckanext.opendata_collectivites.harvest import helpers

        return helpers.source_facets(facets_dict, package_type)

    def organization_facets(
        self, facets_dict: Any, organization_type: str, package_type: str
    ) -> Any:
        from ckanext.opendata_collectivites.harvest import helpers

        return helpers.source_facets(facets_dict, package_type)

    # IActions
    def get_actions(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.compat import harvest_source_index

        return harvest_source_index.get_actions()


@tk.blanket.config_declarations(os.path.join(_HERE, "dcat", "config_declaration.yaml"))
class DCATPlugin(p.SingletonPlugin):
    """DCAT-AP 3 feeds per collectivité, SCDL catalogue CSV, quality score."""

    p.implements(p.IBlueprint)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.ITemplateHelpers)

    # IBlueprint
    def get_blueprint(self) -> list:
        from ckanext.opendata_collectivites.dcat import feeds

        return feeds.get_blueprints()

    # IActions
    def get_actions(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.logic import quality

        return quality.get_actions()

    # IAuthFunctions
    def get_auth_functions(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.logic import quality

        return quality.get_auth_functions()

    # ITemplateHelpers
    def get_helpers(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.logic import quality

        return quality.get_helpers()


@tk.blanket.config_declarations(
    os.path.join(_HERE, "vocabularies", "config_declaration.yaml")
)
class SchemasPlugin(p.SingletonPlugin):
    """French local-authority metadata: validators, licences, index fields, pickers."""

    p.implements(p.IConfigurer, inherit=True)
    p.implements(p.IValidators)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IResourceController, inherit=True)

    # IConfigurer
    def update_config(self, config: Any) -> None:
        from ckanext.opendata_collectivites.schemas import licences

        licences.configure(config)
        tk.add_resource("assets/schemas", "collectivites_schemas")

    # IValidators
    def get_validators(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.schemas import validators

        return validators.get_validators()

    # ITemplateHelpers
    def get_helpers(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.schemas import helpers

        return helpers.get_helpers()

    # IActions
    def get_actions(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.schemas import actions

        return actions.get_actions()

    # IAuthFunctions
    def get_auth_functions(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.schemas import actions

        return actions.get_auth_functions()

    # IPackageController
    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        from ckanext.opendata_collectivites.schemas import index

        return index.before_dataset_index(pkg_dict)

    def after_dataset_show(self, context: Any, pkg_dict: dict[str, Any]) -> Any:
        from ckanext.opendata_collectivites.schemas import index

        return index.after_dataset_show(pkg_dict)

    # IResourceController: uploads get their size, media type and checksum.
    def before_resource_create(self, context: Any, resource: dict[str, Any]) -> None:
        from ckanext.opendata_collectivites.schemas import uploads

        uploads.before_resource_create(resource)

    def before_resource_update(
        self, context: Any, current: dict[str, Any], resource: dict[str, Any]
    ) -> None:
        from ckanext.opendata_collectivites.schemas import uploads

        uploads.before_resource_update(current, resource)


class ValidationPlugin(p.SingletonPlugin):
    """Files checked against their declared schema.data.gouv.fr schema (validation/)."""

    p.implements(p.IConfigurer, inherit=True)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IFacets, inherit=True)

    # IConfigurer
    def update_config(self, config: Any) -> None:
        from ckanext.opendata_collectivites.validation import hooks

        hooks.listen_for_commits()

    # IFacets
    def dataset_facets(self, facets_dict: Any, package_type: str) -> Any:
        from ckanext.opendata_collectivites.validation import hooks

        return hooks.dataset_facets(facets_dict)

    # IActions
    def get_actions(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.validation import actions

        return actions.get_actions()

    # IAuthFunctions
    def get_auth_functions(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.validation import actions

        return actions.get_auth_functions()

    # IBlueprint
    def get_blueprint(self) -> list:
        from ckanext.opendata_collectivites.validation import views

        return views.get_blueprints()

    # ITemplateHelpers
    def get_helpers(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.validation import views

        return views.get_helpers()

    # IPackageController: queue the resources whose file or schema changed.
    def after_dataset_create(self, context: Any, pkg_dict: Any) -> None:
        from ckanext.opendata_collectivites.validation import hooks

        hooks.dataset_changed(pkg_dict)

    def after_dataset_update(self, context: Any, pkg_dict: Any) -> None:
        from ckanext.opendata_collectivites.validation import hooks

        hooks.dataset_changed(pkg_dict)

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        from ckanext.opendata_collectivites.validation import hooks

        return hooks.before_dataset_index(pkg_dict)

    def after_dataset_search(self, search_results: Any, search_params: Any) -> Any:
        from ckanext.opendata_collectivites.validation import hooks

        return hooks.label_facets(search_results)


class ObligationsPlugin(p.SingletonPlugin):
    """SCDL obligations dashboard of the département (logic in obligations/)."""

    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)
    p.implements(p.ITemplateHelpers)

    # IBlueprint
    def get_blueprint(self) -> list:
        from ckanext.opendata_collectivites.obligations import views

        return views.get_blueprints()

    # ITemplateHelpers
    def get_helpers(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.obligations import views

        return views.get_helpers()

    # IActions
    def get_actions(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.obligations import actions

        return actions.get_actions()

    # IAuthFunctions
    def get_auth_functions(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.obligations import actions

        return actions.get_auth_functions()


@tk.blanket.config_declarations(
    os.path.join(_HERE, "datastore", "config_declaration.yaml")
)
class DatastoreLoaderPlugin(p.SingletonPlugin):
    """Tabular resources loaded into the DataStore by ``ckan jobs worker``
    (datastore/); needs the ``datastore`` plugin."""

    p.implements(p.IConfigurer, inherit=True)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)

    # IConfigurer
    def update_config(self, config: Any) -> None:
        from ckanext.opendata_collectivites.datastore import hooks

        hooks.listen_for_commits()

    # IActions
    def get_actions(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.datastore import actions

        return actions.get_actions()

    # IAuthFunctions
    def get_auth_functions(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.datastore import actions

        return actions.get_auth_functions()

    # IBlueprint
    def get_blueprint(self) -> list:
        from ckanext.opendata_collectivites.datastore import views

        return views.get_blueprints()

    # ITemplateHelpers
    def get_helpers(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.datastore import views

        return views.get_helpers()

    # IPackageController: queue the tabular resources whose file changed.
    def after_dataset_create(self, context: Any, pkg_dict: Any) -> None:
        from ckanext.opendata_collectivites.datastore import hooks

        hooks.dataset_changed(pkg_dict)

    def after_dataset_update(self, context: Any, pkg_dict: Any) -> None:
        from ckanext.opendata_collectivites.datastore import hooks

        hooks.dataset_changed(pkg_dict)


@tk.blanket.config_declarations(
    os.path.join(_HERE, "dataviz", "config_declaration.yaml")
)
class MapViewPlugin(p.SingletonPlugin):
    """Map view of GeoJSON files and of tables with positions (dataviz/)."""

    p.implements(p.IConfigurer, inherit=True)
    p.implements(p.IResourceView, inherit=True)

    # IConfigurer
    def update_config(self, config: Any) -> None:
        tk.add_resource("assets/dataviz", "collectivites_dataviz")

    # IResourceView
    def info(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.dataviz import views

        return views.map_info()

    def can_view(self, data_dict: dict[str, Any]) -> bool:
        from ckanext.opendata_collectivites.dataviz import views

        return views.map_can_view(data_dict)

    def setup_template_variables(self, context: Any, data_dict: Any) -> dict:
        from ckanext.opendata_collectivites.dataviz import views

        return views.map_variables(data_dict)

    def view_template(self, context: Any, data_dict: Any) -> str:
        return "dataviz/map_view.html"

    def form_template(self, context: Any, data_dict: Any) -> str | None:
        return None


class ChartViewPlugin(p.SingletonPlugin):
    """Chart view of DataStore tables (dataviz/); assets from MapViewPlugin's
    library, declared by both."""

    p.implements(p.IConfigurer, inherit=True)
    p.implements(p.IResourceView, inherit=True)
    p.implements(p.ITemplateHelpers)

    # IConfigurer
    def update_config(self, config: Any) -> None:
        tk.add_resource("assets/dataviz", "collectivites_dataviz")

    # ITemplateHelpers
    def get_helpers(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.dataviz import views

        return views.get_helpers()

    # IResourceView
    def info(self) -> dict[str, Any]:
        from ckanext.opendata_collectivites.dataviz import views

        return views.chart_info()

    def can_view(self, data_dict: dict[str, Any]) -> bool:
        from ckanext.opendata_collectivites.dataviz import views

        return views.chart_can_view(data_dict)

    def setup_template_variables(self, context: Any, data_dict: Any) -> dict:
        from ckanext.opendata_collectivites.dataviz import views

        return views.chart_variables(data_dict)

    def view_template(self, context: Any, data_dict: Any) -> str:
        return "dataviz/chart_view.html"

    def form_template(self, context: Any, data_dict: Any) -> str:
        return "dataviz/chart_form.html"
