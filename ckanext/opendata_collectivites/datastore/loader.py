"""Load a CSV file into the DataStore table of a resource.

The file is rewritten as UTF-8 CSV (:mod:`.csvfile`), copied with ``COPY``
into a temporary staging table of text columns, typed in PostgreSQL
(:mod:`.types`), then moved into the table that ``datastore_create`` made,
with one ``INSERT … SELECT``. Nothing of the file is ever formatted into SQL:
the staging columns are ``c0…cN`` and the field names are quoted identifiers
built by :mod:`.csvfile` (no double quote in them).
"""

from __future__ import annotations

import csv
import re
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opendata_collectivites.datastore import csvfile, types

UUID_RE = re.compile(r"^[0-9a-f-]{36}$")


@dataclass
class LoadResult:
    rows: int
    encoding: str
    delimiter: str
    fields: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _ident(name: str) -> str:
    """A quoted identifier for ``sqlalchemy.text`` (its ``:name`` bind
    syntax escaped: a header such as ``Prix :TTC``)."""
    return _quote(name).replace(":", "\\:")


def load_csv(
    path: str,
    resource_id: str,
    declared: dict[str, str] | None = None,
    context: dict[str, Any] | None = None,
) -> LoadResult:
    """Replace the resource's DataStore table by the rows of ``path``.
    Raises :class:`.csvfile.CsvError` when the file is not a readable table."""
    import sqlalchemy as sa
    from ckanext.datastore.backend import DatastoreBackend
    from ckanext.datastore.backend.postgres import get_write_engine

    if not UUID_RE.match(resource_id):
        raise ValueError(resource_id)
    started = time.perf_counter()
    phases: dict[str, float] = {}
    clock = [started]

    def lap(name: str) -> None:
        now = time.perf_counter()
        phases[name] = round(now - clock[0], 3)
        clock[0] = now

    dialect = csvfile.sniff(path)
    lap("sniff")
    columns = [types.Column(name, f"c{i}") for i, name in enumerate(dialect.columns)]
    context = context or {"ignore_auth": True}
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as tmp:
        try:
            count = csvfile.write_utf8(path, dialect, tmp)
        except UnicodeDecodeError as exc:
            raise csvfile.CsvError("bad-encoding", encoding=dialect.encoding) from exc
        except csv.Error as exc:
            raise csvfile.CsvError("malformed", error=str(exc)[:200]) from exc
        tmp.seek(0)
        lap("rewrite")
        with get_write_engine().begin() as conn:
            staged = ", ".join(f"{c.staged} text" for c in columns)
            conn.execute(sa.text(f"CREATE TEMP TABLE stage ({staged}) ON COMMIT DROP"))
            cursor = conn.connection.dbapi_connection.cursor()
            cursor.copy_expert("COPY stage FROM STDIN WITH (FORMAT csv)", tmp)
            lap("copy")
            types.guess(conn, columns, declared or {})
            lap("types")
            fields = [{"id": c.name, "type": c.type} for c in columns]
            _recreate(context, resource_id, fields)
            lap("create")
            names = ", ".join(_ident(c.name) for c in columns)
            selects = ", ".join(c.select() for c in columns)
            # Bulk load: the full-text vector computed in the INSERT (the
            # trigger only fills it when NULL), the indexes that
            # datastore_create made (the _full_text GiST index…) built once
            # at the end instead of updated row by row.
            indexes = _drop_indexes(conn, resource_id)
            full_text = (
                "to_tsvector(concat_ws(' ', "
                + ", ".join(c.staged for c in columns)
                + "))"
            )
            # Quoted identifiers and generated conversions only (no value).
            insert = (
                f"INSERT INTO {_ident(resource_id)} ({names}, _full_text) "
                f"SELECT {selects}, {full_text} "
            )
            conn.execute(sa.text(insert + "FROM stage"))
            lap("insert")
            for definition in indexes:
                conn.execute(sa.text(definition.replace(":", "\\:")))
            lap("indexes")
    lap("commit")
    DatastoreBackend.get_active_backend().calculate_record_count(resource_id)
    lap("count")
    return LoadResult(
        rows=count,
        encoding=dialect.encoding,
        delimiter=dialect.delimiter,
        fields=fields,
        seconds=time.perf_counter() - started,
        phases=phases,
    )


def _drop_indexes(conn: Any, table: str) -> list[str]:
    """Drop the table's secondary indexes; return their definitions (as
    PostgreSQL prints them) to build them again after the load."""
    import sqlalchemy as sa

    found = conn.execute(
        sa.text(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = CAST(:t AS regclass) AND NOT x.indisprimary"
        ),
        {"t": _quote(table)},
    ).all()
    for name, _ in found:
        conn.execute(sa.text(f"DROP INDEX {_ident(name)}"))
    return [definition for _, definition in found]


def _recreate(
    context: dict[str, Any], resource_id: str, fields: list[dict[str, str]]
) -> None:
    """An empty table with these fields (the previous one dropped)."""
    try:
        tk.get_action("datastore_delete")(
            dict(context), {"resource_id": resource_id, "force": True}
        )
    except tk.ObjectNotFound:
        pass
    tk.get_action("datastore_create")(
        dict(context),
        {"resource_id": resource_id, "force": True, "fields": fields, "records": []},
    )
