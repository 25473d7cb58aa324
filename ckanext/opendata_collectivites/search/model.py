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
    # migration cs0002
    "ALTER TABLE collectivites_search_doc "
    "ADD COLUMN IF NOT EXISTS hot jsonb NOT NULL DEFAULT '{}'::jsonb",
    "CREATE INDEX IF NOT EXISTS collectivites_search_doc_hot_idx "
    "ON collectivites_search_doc USING gin (hot jsonb_path_ops)",
    "CREATE SEQUENCE IF NOT EXISTS collectivites_search_generation",  # cs0003
    # cs0004: facet terms, partition counts, default order
    "ALTER TABLE collectivites_search_doc "
    "ADD COLUMN IF NOT EXISTS terms bigint[] NOT NULL DEFAULT '{}', "
    "ADD COLUMN IF NOT EXISTS part bigint NOT NULL DEFAULT 0, "
    'ADD COLUMN IF NOT EXISTS modified text COLLATE "C"',
    "CREATE INDEX IF NOT EXISTS collectivites_search_doc_terms_idx "
    "ON collectivites_search_doc USING gin (terms)",
    "CREATE INDEX IF NOT EXISTS collectivites_search_doc_order_idx "
    "ON collectivites_search_doc (modified DESC NULLS LAST, seq) INCLUDE (terms)",
    # cs0005: lookup by name (CKAN's get_index, querying.point_lookup)
    "CREATE INDEX IF NOT EXISTS collectivites_search_doc_name_idx "
    "ON collectivites_search_doc ((hot -> 'name'))",
    """CREATE TABLE IF NOT EXISTS collectivites_search_term (
        id bigint PRIMARY KEY, field text NOT NULL, value text NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS collectivites_search_partition (
        id bigint PRIMARY KEY, terms bigint[] NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS collectivites_search_count (
        part bigint NOT NULL, term bigint NOT NULL, n integer NOT NULL,
        PRIMARY KEY (part, term)
    )""",
    """DO $$ BEGIN
        ALTER TABLE collectivites_search_doc
            ALTER COLUMN tsv SET COMPRESSION lz4,
            ALTER COLUMN stored SET COMPRESSION lz4,
            ALTER COLUMN strings SET COMPRESSION lz4;
    EXCEPTION WHEN OTHERS THEN NULL;
    END $$""",
)


def ensure_table(connection: Any) -> None:
    """Create the index table if it is missing (idempotent)."""
    for statement in DDL:
        connection.execute(text(statement))


_PLUGIN_MIGRATIONS: dict[str, str] = {}


def _record_plugin_migrations(names: list[str]) -> None:
    """Remember the alembic config of the configured plugins that have migrations.

    Recorded at start-up, while the configured plugin list is known: tests
    unload plugins, but their mapped models (and tables) stay in use.
    """
    import inspect
    import os

    from ckan.plugins import core

    for name in names:
        if name in _PLUGIN_MIGRATIONS:
            continue
        try:
            plugin = core._get_service(name)
        except Exception:  # unknown plugin: CKAN reports it itself
            continue
        source = inspect.getsourcefile(type(plugin)) or ""
        plugin_dir = os.path.dirname(source)
        root = plugin_dir.rfind("/ckanext/") + 9
        cut = plugin_dir.find("/", root)
        if cut >= 0:
            plugin_dir = plugin_dir[:cut]
        ini = os.path.join(plugin_dir, "migration", name, "alembic.ini")
        if os.path.exists(ini):
            _PLUGIN_MIGRATIONS[name] = ini


def _migrate_plugins() -> None:
    """Replay the recorded plugin migrations (their tables were dropped too)."""
    from ckan import model

    repo = model.repo
    original = repo._alembic_ini
    try:
        for ini in _PLUGIN_MIGRATIONS.values():
            repo._alembic_ini = ini
            repo.upgrade_db("head")
    finally:
        repo._alembic_ini = original


def guard_rebuild(plugins: list[str]) -> None:
    """Wrap ``ckan.model.repo.init_db`` so that, after CKAN's test-time
    ``rebuild_db`` dropped every table, the index table and the tables of the
    loaded plugins (harvest, activity...) are re-created."""
    from ckan import model

    _record_plugin_migrations(plugins)
    repo = model.repo
    if getattr(repo.init_db, "_collectivites_search", False):
        return
    original = repo.init_db

    def init_db() -> None:
        rebuilt = not repo.tables_created_and_initialised
        original()
        if rebuilt:
            _migrate_plugins()
            with model.meta.engine.begin() as connection:  # type: ignore[union-attr]
                ensure_table(connection)

    init_db._collectivites_search = True  # type: ignore[attr-defined]
    repo.init_db = init_db
