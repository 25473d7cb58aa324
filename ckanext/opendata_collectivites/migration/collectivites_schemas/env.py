"""Alembic environment of the collectivites_schemas plugin migrations."""

from ckanext.opendata_collectivites.migration.alembic_env import run

run(__file__)
