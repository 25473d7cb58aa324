"""Lookup of a dataset by its public identifier (the uniqueness check of every
dataset write, ``collectivites_unique_identifier``): an index instead of
reading every dataset.

Revision ID: csc0001
Revises:
Create Date: 2026-12-05
"""

from alembic import op

revision = "csc0001"
down_revision = None
branch_labels = None
depends_on = None

# CKAN 2.12 keeps extras in package.extras (jsonb), 2.11 in package_extra rows.
# Identifiers can be long URIs: hash indexes (equality only, no size limit).
UPGRADE = """DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM information_schema.columns
               WHERE table_name = 'package' AND column_name = 'extras') THEN
        CREATE INDEX IF NOT EXISTS collectivites_package_identifier_idx
            ON package USING hash ((extras ->> 'identifier'));
    ELSIF to_regclass('package_extra') IS NOT NULL THEN
        CREATE INDEX IF NOT EXISTS collectivites_package_extra_identifier_idx
            ON package_extra USING hash (value) WHERE key = 'identifier';
    END IF;
END $$"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS collectivites_package_identifier_idx")
    op.execute("DROP INDEX IF EXISTS collectivites_package_extra_identifier_idx")
