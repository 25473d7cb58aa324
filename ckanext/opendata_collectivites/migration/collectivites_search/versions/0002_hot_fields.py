"""Small, uncompressed copy of the most used exact fields (filters, facets, sort).

Revision ID: cs0002
Revises: cs0001
Create Date: 2026-11-22
"""

from alembic import op

revision = "cs0002"
down_revision = "cs0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "ALTER TABLE collectivites_search_doc "
        "ADD COLUMN IF NOT EXISTS hot jsonb NOT NULL DEFAULT '{}'::jsonb"
    )
    # documents indexed before this revision: copy their hot fields
    op.execute(
        """
        UPDATE collectivites_search_doc SET hot = COALESCE((
            SELECT jsonb_object_agg(key, value) FROM jsonb_each(strings)
            WHERE key IN ('site_id', 'state', 'entity_type', 'dataset_type',
                'capacity', 'permission_labels', 'organization', 'owner_org',
                'groups', 'tags', 'res_format', 'license_id', 'metadata_modified',
                'metadata_created', 'type', 'private', 'harvest_source_id')
               OR key LIKE 'vocab\\_%'
        ), '{}'::jsonb)
        WHERE hot = '{}'::jsonb
        """
    )
    op.execute(
        "CREATE INDEX IF NOT EXISTS collectivites_search_doc_hot_idx "
        "ON collectivites_search_doc USING gin (hot jsonb_path_ops)"
    )

    # lz4 decompresses several times faster than pglz (PostgreSQL >= 14 built
    # with lz4); the large columns are read for every text-query candidate.
    op.execute(
        """
        DO $$
        BEGIN
            ALTER TABLE collectivites_search_doc
                ALTER COLUMN tsv SET COMPRESSION lz4,
                ALTER COLUMN stored SET COMPRESSION lz4,
                ALTER COLUMN strings SET COMPRESSION lz4;
        EXCEPTION WHEN OTHERS THEN
            RAISE NOTICE 'lz4 compression unavailable: %', SQLERRM;
        END
        $$
        """
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS collectivites_search_doc_hot_idx")
    op.execute("ALTER TABLE collectivites_search_doc DROP COLUMN IF EXISTS hot")
