"""Facet terms as integers, per-partition facet counts, default order column.

Revision ID: cs0004
Revises: cs0003
Create Date: 2026-11-22
"""

from alembic import op

revision = "cs0004"
down_revision = "cs0003"
branch_labels = None
depends_on = None



def _hash(expr: str) -> str:
    """search/terms.py's 64-bit hash in SQL (term and partition ids)."""
    return f"('x' || substr(md5({expr}), 1, 16))::bit(64)::bigint"


PARTITION_FIELDS = (
    "'site_id', 'state', 'entity_type', 'dataset_type', 'type', 'capacity', "
    "'private', 'permission_labels'"
)


def upgrade() -> None:
    # Same statements as search/model.py (which re-creates the tables after
    # CKAN's test-time rebuild_db); kept literal here, as migrations are frozen.
    for statement in (
        "ALTER TABLE collectivites_search_doc "
        "ADD COLUMN IF NOT EXISTS terms bigint[] NOT NULL DEFAULT '{}', "
        "ADD COLUMN IF NOT EXISTS part bigint NOT NULL DEFAULT 0, "
        'ADD COLUMN IF NOT EXISTS modified text COLLATE "C"',
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
    ):
        op.execute(statement)

    # documents indexed before this revision: names join the hot fields ...
    op.execute(
        "UPDATE collectivites_search_doc SET hot = hot || "
        "jsonb_build_object('name', strings -> 'name') WHERE strings ? 'name'"
    )
    # ... and their term values become terms
    values = (
        "SELECT d.index_id, e.key AS field, v.value FROM collectivites_search_doc d, "
        "jsonb_each(d.hot) e, jsonb_array_elements_text(e.value) v "
        "WHERE e.key NOT IN ('metadata_modified', 'metadata_created', 'name')"
    )
    term_id = _hash("field || chr(31) || value")
    op.execute(
        "INSERT INTO collectivites_search_term (id, field, value) "  # noqa: S608
        f"SELECT DISTINCT {term_id}, field, value FROM ({values}) x "
        "ON CONFLICT DO NOTHING"
    )
    op.execute(
        f"""
        UPDATE collectivites_search_doc d SET
            modified = (d.hot -> 'metadata_modified') ->> 0,
            terms = COALESCE(t.terms, '{{}}'),
            part = {_hash("COALESCE(t.partition, '')")}
        FROM (
            SELECT index_id,
                array_agg(DISTINCT {term_id} ORDER BY {term_id}) AS terms,
                array_to_string(array_agg(DISTINCT {term_id} ORDER BY {term_id})
                    FILTER (WHERE field IN ({PARTITION_FIELDS})), ',') AS partition
            FROM ({values}) x GROUP BY index_id
        ) t
        WHERE t.index_id = d.index_id
        """  # noqa: S608
    )
    op.execute(
        f"""
        INSERT INTO collectivites_search_partition (id, terms)
        SELECT DISTINCT ON (d.part) d.part, ARRAY(
            SELECT t FROM unnest(d.terms) t JOIN collectivites_search_term l ON l.id = t
            WHERE l.field IN ({PARTITION_FIELDS}) ORDER BY t)
        FROM collectivites_search_doc d
        """  # noqa: S608
    )
    op.execute(
        """
        INSERT INTO collectivites_search_count (part, term, n)
        SELECT d.part, t, count(*) FROM collectivites_search_doc d,
            unnest(array_append(d.terms, CAST(0 AS bigint))) t
        GROUP BY d.part, t
        """
    )
    op.execute("DROP INDEX IF EXISTS collectivites_search_doc_modified_idx")
    op.execute(
        "CREATE INDEX IF NOT EXISTS collectivites_search_doc_terms_idx "
        "ON collectivites_search_doc USING gin (terms)"
    )
    op.execute(
        "CREATE INDEX IF NOT EXISTS collectivites_search_doc_order_idx "
        "ON collectivites_search_doc (modified DESC NULLS LAST, seq) INCLUDE (terms)"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS collectivites_search_doc_order_idx")
    op.execute("DROP INDEX IF EXISTS collectivites_search_doc_terms_idx")
    for table in ("count", "partition", "term"):
        op.execute(f"DROP TABLE IF EXISTS collectivites_search_{table}")
    op.execute(
        "ALTER TABLE collectivites_search_doc DROP COLUMN IF EXISTS terms, "
        "DROP COLUMN IF EXISTS part, DROP COLUMN IF EXISTS modified"
    )
    op.execute(
        "CREATE INDEX IF NOT EXISTS collectivites_search_doc_modified_idx "
        "ON collectivites_search_doc "
        "((((hot -> 'metadata_modified') ->> 0) COLLATE \"C\") DESC NULLS LAST, seq)"
    )
