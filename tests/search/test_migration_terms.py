"""Migration cs0004 gives documents indexed before it the terms, partitions and
counts the engine writes (its SQL hash is the engine's Python hash)."""

from __future__ import annotations

import importlib.util
import os

import ckan.model as model
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from ckanext.opendata_collectivites.search import terms
from tests.search.helpers import doc, index

MIGRATION = os.path.join(
    os.path.dirname(terms.__file__),
    "..",
    "migration",
    "collectivites_search",
    "versions",
    "0004_terms.py",
)
# labels and partitions are never deleted: compare those of the documents
STATE = (
    "SELECT index_id, terms, part, modified, hot FROM collectivites_search_doc",
    f"SELECT id, field, value FROM {terms.TERM_TABLE} WHERE id IN "  # noqa: S608
    "(SELECT unnest(terms) FROM collectivites_search_doc)",
    f"SELECT id, terms FROM {terms.PARTITION_TABLE} WHERE id IN "  # noqa: S608
    "(SELECT part FROM collectivites_search_doc)",
    f"SELECT part, term, n FROM {terms.COUNT_TABLE} WHERE n <> 0",  # noqa: S608
)


def _state() -> list[set]:
    return [
        {tuple(map(str, row)) for row in model.Session.execute(text(sql))}
        for sql in STATE
    ]


def _upgrade() -> None:
    spec = importlib.util.spec_from_file_location("cs0004", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    context = MigrationContext.configure(model.Session.connection())
    with Operations.context(context):
        module.upgrade()


def test_migration_equals_engine(empty_index):
    index(
        doc("public-a", tags=["eau", "Été"], organization="org-a", res_format=["CSV"]),
        doc(
            "prive-b",
            capacity="private",
            permission_labels=["member-org-b", "creator-u"],
            vocab_themes=["environnement"],
            groups=["g1", "g2"],
        ),
        doc("brouillon-c", state="draft", license_id="etalab-2.0"),
    )
    written = _state()
    # the documents as cs0003 left them
    model.Session.execute(
        text(
            "UPDATE collectivites_search_doc SET terms = '{}', part = 0, "
            "modified = NULL, hot = hot - 'name'"
        )
    )
    for table in (terms.TERM_TABLE, terms.PARTITION_TABLE, terms.COUNT_TABLE):
        model.Session.execute(text(f"DELETE FROM {table}"))  # noqa: S608
    assert _state() != written
    _upgrade()
    assert _state() == written
