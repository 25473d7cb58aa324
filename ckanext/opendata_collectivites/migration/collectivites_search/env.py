"""Alembic environment of the collectivites_search plugin migrations."""

from ckanext.opendata_collectivites.migration.alembic_env import run

run(__file__)
