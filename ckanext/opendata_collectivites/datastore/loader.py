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


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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
    dialect = csvfile.sniff(path)
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
        with get_write_engine().begin() as conn:
            staged = ", ".join(f"{c.staged} text" for c in columns)
            conn.execute(sa.text(f"CREATE TEMP TABLE stage ({staged}) ON COMMIT DROP"))
            cursor = conn.connection.dbapi_connection.cursor()
            cursor.copy_expert("COPY stage FROM STDIN WITH (FORMAT csv)", tmp)
            types.guess(conn, columns, declared or {})
            fields = [{"id": c.name, "type": c.type} for c in columns]
            _recreate(context, resource_id, fields)
            names = ", ".join(_quote(c.name) for c in columns)
            selects = ", ".join(c.select() for c in columns)
            # Quoted identifiers and generated conversions only (no value).
            insert = f"INSERT INTO {_quote(resource_id)} ({names}) SELECT {selects} "
            conn.execute(sa.text(insert + "FROM stage"))
    DatastoreBackend.get_active_backend().calculate_record_count(resource_id)
    return LoadResult(
        rows=count,
        encoding=dialect.encoding,
        delimiter=dialect.delimiter,
        fields=fields,
        seconds=time.perf_counter() - started,
    )


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
