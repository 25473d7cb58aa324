"""The index table: DDL shared by the plugin migration and a test-time guard.

The migration (``migration/collectivites_search``, applied by ``ckan db init``
/ ``ckan db upgrade -p collectivites_search``) creates the table.  CKAN's
``model.repo.rebuild_db`` (the ``clean_db`` test fixture) drops *every*
reflected table and then replays only CKAN core's migrations, so
:func:`guard_rebuild` re-creates the index table after ``init_db`` (like
Solr, the index is then empty until ``clean_index``/re-indexing).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import text

TABLE = "collectivites_search_doc"

DDL = (
    "CREATE SEQUENCE IF NOT EXISTS collectivites_search_doc_seq_seq",
    """CREATE TABLE IF NOT EXISTS collectivites_search_doc (
        index_id text PRIMARY KEY,
        seq bigint NOT NULL UNIQUE DEFAULT nextval('collectivites_search_doc_seq_seq'),
        site_id text NOT NULL,
        stored jsonb NOT NULL,
        strings jsonb NOT NULL,
        tsv tsvector NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS collectivites_search_doc_strings_idx "
    "ON collectivites_search_doc USING gin (strings jsonb_path_ops)",
    "CREATE INDEX IF NOT EXISTS collectivites_search_doc_tsv_idx "
    "ON collectivites_search_doc USING gin (tsv)",
)


def ensure_table(connection: Any) -> None:
    """Create the index table if it is missing (idempotent)."""
    for statement in DDL:
        connection.execute(text(statement))


def _migrate_loaded_plugins() -> None:
    """Replay the migrations of loaded plugins (their tables were dropped too)."""
    import os

    import ckan.plugins as p
    from ckan.cli import db as db_cli
    from ckan.common import config

    for name in config.get("ckan.plugins") or []:
        if not p.plugin_loaded(name):
            continue
        if not os.path.exists(db_cli._resolve_alembic_config(name)):
            continue
        db_cli._run_migrations(name)


def guard_rebuild() -> None:
    """Wrap ``ckan.model.repo.init_db`` so that, after CKAN's test-time
    ``rebuild_db`` dropped every table, the index table and the tables of the
    loaded plugins (harvest, activity...) are re-created."""
    from ckan import model

    repo = model.repo
    if getattr(repo.init_db, "_collectivites_search", False):
        return
    original = repo.init_db

    def init_db() -> None:
        rebuilt = not repo.tables_created_and_initialised
        original()
        if rebuilt:
            _migrate_loaded_plugins()
            with model.meta.engine.begin() as connection:  # type: ignore[union-attr]
                ensure_table(connection)

    init_db._collectivites_search = True  # type: ignore[attr-defined]
    repo.init_db = init_db
