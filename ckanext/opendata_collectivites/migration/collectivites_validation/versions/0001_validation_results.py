"""Results of the validation of resources against their declared schema.

Revision ID: cv0001
Revises:
Create Date: 2026-12-05
"""

from alembic import op

revision = "cv0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Same statements as validation/model.py DDL (frozen here).
    op.execute(
        """CREATE TABLE IF NOT EXISTS collectivites_validation (
            resource_id text PRIMARY KEY,
            package_id text NOT NULL,
            status text NOT NULL,
            schema_url text NOT NULL DEFAULT '',
            schema_name text NOT NULL DEFAULT '',
            schema_title text NOT NULL DEFAULT '',
            schema_version text NOT NULL DEFAULT '',
            error_count integer NOT NULL DEFAULT 0,
            warning_count integer NOT NULL DEFAULT 0,
            reason text NOT NULL DEFAULT '',
            report jsonb,
            fingerprint text NOT NULL DEFAULT '',
            queued_at timestamptz,
            checked_at timestamptz
        )"""
    )
    op.execute(
        "CREATE INDEX IF NOT EXISTS collectivites_validation_package_idx "
        "ON collectivites_validation (package_id)"
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS collectivites_validation")
