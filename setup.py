"""ckanext-opendata-collectivites: CKAN for French local authorities."""
from setuptools import find_namespace_packages, setup

setup(
    name="ckanext-opendata-collectivites",
    version="0.1.0",
    description=(
        "Portail open data des collectivités : schémas, DCAT-AP 3, moissonnage, "
        "thèmes et recherche PostgreSQL pour CKAN 2.11"
    ),
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="AGPL-3.0-or-later",
    python_requires=">=3.10",
    packages=find_namespace_packages(include=["ckanext.*"]),
    include_package_data=True,
    package_data={
        "ckanext.opendata_collectivites": [
            "templates/**/*",
            "assets/**/*",
            "public/**/*",
            "i18n/**/*",
            "**/*.yaml",
            "**/*.json",
            "**/*.json.gz",
            "**/*.tsv.gz",
            "**/*.csv",
            "**/*.geojson",
            "**/*.ini",
            "**/*.mako",
            "migration/**/*",
        ]
    },
    zip_safe=False,
    entry_points={
        "ckan.plugins": [
            "collectivites = ckanext.opendata_collectivites.plugin:CollectivitesPlugin",
            "collectivites_search = ckanext.opendata_collectivites.plugin:SearchPlugin",
            "collectivites_pages = ckanext.opendata_collectivites.plugin:PagesPlugin",
            "collectivites_harvest = ckanext.opendata_collectivites.plugin:HarvestPlugin",
            "collectivites_dcat = ckanext.opendata_collectivites.plugin:DCATPlugin",
            "collectivites_validation = ckanext.opendata_collectivites.plugin:ValidationPlugin",
            "collectivites_obligations = ckanext.opendata_collectivites.plugin:ObligationsPlugin",
            "collectivites_datastore = "
            "ckanext.opendata_collectivites.plugin:DatastoreLoaderPlugin",
            "collectivites_map = ckanext.opendata_collectivites.plugin:MapViewPlugin",
            "collectivites_chart = "
            "ckanext.opendata_collectivites.plugin:ChartViewPlugin",
            "collectivites_schemas = "
            "ckanext.opendata_collectivites.plugin:SchemasPlugin",
        ],
        "ckan.rdf.profiles": [
            "collectivites_dcat_ap = "
            "ckanext.opendata_collectivites.dcat.profile:CollectivitesDCATAPProfile",
        ],
    },
    message_extractors={
        "ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
        ],
    },
)
