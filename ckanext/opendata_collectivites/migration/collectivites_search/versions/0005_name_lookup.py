"""Dataset lookup by name through a btree index (CKAN's ``get_index``).

Revision ID: cs0005
Revises: cs0004
Create Date: 2026-12-05
"""

from alembic import op

revision = "cs0005"
down_revision = "cs0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE INDEX IF NOT EXISTS collectivites_search_doc_name_idx "
        "ON collectivites_search_doc ((hot -> 'name'))"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS collectivites_search_doc_name_idx")
