"""Search index table of the PostgreSQL engine.

Revision ID: cs0001
Revises:
Create Date: 2026-11-22
"""

from alembic import op

revision = "cs0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Same statements as search/model.py (which re-creates the table after
    # CKAN's test-time rebuild_db); kept literal here, as migrations are frozen.
    for statement in (
        "CREATE SEQUENCE IF NOT EXISTS collectivites_search_doc_seq_seq",
        """CREATE TABLE IF NOT EXISTS collectivites_search_doc (
            index_id text PRIMARY KEY,
            seq bigint NOT NULL UNIQUE
                DEFAULT nextval('collectivites_search_doc_seq_seq'),
            site_id text NOT NULL,
            stored jsonb NOT NULL,
            strings jsonb NOT NULL,
            tsv tsvector NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS collectivites_search_doc_strings_idx "
        "ON collectivites_search_doc USING gin (strings jsonb_path_ops)",
        "CREATE INDEX IF NOT EXISTS collectivites_search_doc_tsv_idx "
        "ON collectivites_search_doc USING gin (tsv)",
    ):
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS collectivites_search_doc")
    op.execute("DROP SEQUENCE IF EXISTS collectivites_search_doc_seq_seq")
