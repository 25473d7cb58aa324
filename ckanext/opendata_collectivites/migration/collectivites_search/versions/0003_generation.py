"""Index generation counter (invalidates the per-process result cache).

Revision ID: cs0003
Revises: cs0002
Create Date: 2026-11-22
"""

from alembic import op

revision = "cs0003"
down_revision = "cs0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE SEQUENCE IF NOT EXISTS collectivites_search_generation")
    # the default order of CKAN's lists (metadata_modified desc, then index order)
    op.execute(
        "CREATE INDEX IF NOT EXISTS collectivites_search_doc_modified_idx "
        "ON collectivites_search_doc "
        "((((hot -> 'metadata_modified') ->> 0) COLLATE \"C\") DESC NULLS LAST, seq)"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS collectivites_search_doc_modified_idx")
    op.execute("DROP SEQUENCE IF EXISTS collectivites_search_generation")
