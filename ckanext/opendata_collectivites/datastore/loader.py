"""Load a CSV file (or a spreadsheet's rows) into the DataStore table of a
resource.

The file is copied with ``COPY`` as it is when PostgreSQL reads it exactly as
:mod:`.csvfile` would, else rewritten as UTF-8 CSV first, into an unlogged
staging table of text columns (:class:`Stage`), typed in PostgreSQL
(:mod:`.types`), then moved into the table that ``datastore_create`` made by
``INSERT … SELECT`` from one connection per core (:func:`_insert`). Nothing
of the file is ever formatted into SQL: the staging columns are ``c0…cN``
and the field names are quoted identifiers built by :mod:`.csvfile` (no
double quote in them).
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
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
    timer = _Timer()
    dialect = csvfile.sniff(path)
    timer.lap("sniff")

    def fill(cursor: Any, stage: Stage) -> int:
        if csvfile.copy_as_is(path, dialect):
            copied = _copy_file(cursor, stage, path, dialect)
            if copied is not None:
                timer.lap("copy")
                return copied
        with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as tmp:
            try:
                count = csvfile.write_utf8(path, dialect, tmp)
            except UnicodeDecodeError as exc:
                raise csvfile.CsvError(
                    "bad-encoding", encoding=dialect.encoding
                ) from exc
            except csv.Error as exc:
                raise csvfile.CsvError("malformed", error=str(exc)[:200]) from exc
            tmp.seek(0)
            timer.lap("rewrite")
            cursor.copy_expert(stage.copy(), tmp)
            timer.lap("copy")
            return count

    return _load(
        resource_id, dialect.columns, fill, declared, context, timer,
        encoding=dialect.encoding, delimiter=dialect.delimiter,
    )  # fmt: skip


def load_rows(
    header: list[str],
    rows: Iterator[list[str]],
    resource_id: str,
    declared: dict[str, str] | None = None,
    context: dict[str, Any] | None = None,
    kind: str = "xlsx",
) -> LoadResult:
    """Same as :func:`load_csv` for rows already read as text (spreadsheets:
    :mod:`.sheets`). Short rows are padded; values beyond the header get
    columns of their own (``colonne_<n>``)."""
    timer = _Timer()
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as tmp:
        width = len(header)
        count = 0
        writer = csv.writer(tmp, lineterminator="\n")
        for count, row in enumerate(rows, start=1):  # noqa: B007
            width = max(width, len(row))
            writer.writerow(row)
        timer.lap("read")
        tmp.seek(0)
        names = csvfile.field_names(header + [""] * (width - len(header)))

        def fill(cursor: Any, stage: Stage) -> int:
            with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as out:
                padded = csv.writer(out, lineterminator="\n")
                for row in csv.reader(tmp):
                    padded.writerow(row + [""] * (width - len(row)))
                out.seek(0)
                timer.lap("read")
                cursor.copy_expert(stage.copy(), out)
            timer.lap("copy")
            return count

        return _load(
            resource_id, names, fill, declared, context, timer,
            encoding=kind, delimiter="",
        )  # fmt: skip


class _Timer:
    """Seconds per step (shown in the load status and by the benchmark)."""

    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.phases: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = round(self.phases.get(name, 0) + now - self.last, 3)
        self.last = now

    def total(self) -> float:
        return time.perf_counter() - self.started


def _copy_file(
    cursor: Any, stage: Stage, path: str, dialect: csvfile.Dialect
) -> int | None:
    """``COPY`` of the file itself (no rewrite), or ``None`` when PostgreSQL
    refuses it (the staging table is then left empty)."""
    import psycopg2

    delimiter = {"\t": "E'\\t'"}.get(dialect.delimiter, f"'{dialect.delimiter}'")
    encoding = csvfile.PG_ENCODINGS[dialect.encoding]
    # Generated SQL only: the delimiter and the encoding come from fixed lists.
    options = (
        f"HEADER true, DELIMITER {delimiter}, ENCODING '{encoding}', "
        f"FORCE_NULL ({stage.names})"
    )
    cursor.execute("SAVEPOINT copy_as_is")
    try:
        with open(path, "rb") as f:
            cursor.copy_expert(stage.copy(options), f)
        count = cursor.rowcount
    except psycopg2.DataError:
        cursor.execute("ROLLBACK TO SAVEPOINT copy_as_is")
        cursor.execute(f"TRUNCATE {stage.table} RESTART IDENTITY")
        return None
    cursor.execute("RELEASE SAVEPOINT copy_as_is")
    return count


@dataclass
class Stage:
    """The staging table of a load: an unlogged table of text columns
    ``c0…cN`` and the row number ``_n`` (file order), readable by the write
    role's other connections (the parallel ``INSERT``), not by the read-only
    role."""

    resource_id: str
    columns: list[types.Column]

    @property
    def table(self) -> str:
        return _ident(f"_stage_{self.resource_id}")

    @property
    def names(self) -> str:
        return ", ".join(c.staged for c in self.columns)

    def copy(self, options: str = "") -> str:
        extra = f", {options}" if options else ""
        return f"COPY {self.table} ({self.names}) FROM STDIN WITH (FORMAT csv{extra})"


def _read_role() -> str | None:
    import sqlalchemy as sa

    url = tk.config.get("ckan.datastore.read_url")
    return sa.engine.make_url(url).username if url else None


def _load(
    resource_id: str,
    names: list[str],
    fill: Callable[[Any, Stage], int],
    declared: dict[str, str] | None,
    context: dict[str, Any] | None,
    timer: _Timer,
    encoding: str,
    delimiter: str,
) -> LoadResult:
    """Stage the rows (``fill`` copies them into the staging table), guess
    the types, make the table and move the rows in, in parallel."""
    import sqlalchemy as sa
    from ckanext.datastore.backend import DatastoreBackend
    from ckanext.datastore.backend.postgres import get_write_engine

    if not UUID_RE.match(resource_id):
        raise ValueError(resource_id)
    columns = [types.Column(name, f"c{i}") for i, name in enumerate(names)]
    context = context or {"ignore_auth": True}
    stage = Stage(resource_id, columns)
    engine = get_write_engine()
    try:
        with engine.begin() as conn:
            # Rebuilt from the file if the server crashes: no need to wait
            # for the flush of each commit.
            conn.execute(sa.text("SET LOCAL synchronous_commit = off"))
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {stage.table}"))
            staged = ", ".join(f"{c.staged} text" for c in columns)
            conn.execute(
                sa.text(
                    f"CREATE UNLOGGED TABLE {stage.table} ({staged}, "
                    "_n int GENERATED ALWAYS AS IDENTITY)"
                )
            )
            # A private dataset's rows are never readable through
            # datastore_search_sql, not even while they are staged.
            conn.execute(sa.text(f"REVOKE ALL ON {stage.table} FROM PUBLIC"))
            role = _read_role()
            if role:
                conn.execute(
                    sa.text(f"REVOKE ALL ON {stage.table} FROM {_quote(role)}")
                )
            cursor = conn.connection.dbapi_connection.cursor()
            count = fill(cursor, stage)
            types.guess(conn, columns, declared or {}, stage.table)
            timer.lap("types")
        fields = [{"id": c.name, "type": c.type} for c in columns]
        _recreate(context, resource_id, fields)
        timer.lap("create")
        _insert(engine, stage, count, timer)
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {stage.table}"))
    DatastoreBackend.get_active_backend().calculate_record_count(resource_id)
    timer.lap("count")
    return LoadResult(
        rows=count,
        encoding=encoding,
        delimiter=delimiter,
        fields=fields,
        seconds=timer.total(),
        phases=timer.phases,
    )


PARALLEL_MIN_ROWS = 20_000


def _insert(engine: Any, stage: Stage, count: int, timer: _Timer) -> None:
    """Move the staged rows into the DataStore table, converted, with their
    full-text vector, then build its indexes (the ``_full_text`` GiST
    index…), dropped first: built once at the end rather than updated row by
    row by the parallel connections, which contend for its pages.

    The rows are split by row number between one connection per core (the
    full-text vector is most of the work). ``_id`` is the row number in the
    file, whatever the order the parts end in. A part that fails leaves the
    table empty (with its indexes)."""
    import sqlalchemy as sa

    table = _ident(stage.resource_id)
    with engine.begin() as conn:
        indexes = _drop_indexes(conn, stage.resource_id)
    names = ", ".join(_ident(c.name) for c in stage.columns)
    selects = ", ".join(c.select() for c in stage.columns)
    full_text = types.full_text(stage.columns)
    # Quoted identifiers and generated conversions only (no value). CKAN's
    # trigger leaves a non-NULL _full_text as it is.
    insert = (
        f"INSERT INTO {table} (_id, {names}, _full_text) "  # noqa: S608
        f"SELECT _n, {selects}, {full_text} FROM {stage.table} "
        "WHERE _n BETWEEN :first AND :last"
    )
    parts = max(1, min(os.cpu_count() or 1, 4)) if count >= PARALLEL_MIN_ROWS else 1
    size = -(-count // parts) if count else 1
    ranges = [(first, first + size - 1) for first in range(1, max(count, 1) + 1, size)]

    def run(bounds: tuple[int, int]) -> None:
        with engine.begin() as conn:
            conn.execute(sa.text("SET LOCAL synchronous_commit = off"))
            conn.execute(sa.text(insert), {"first": bounds[0], "last": bounds[1]})

    def build(conn: Any) -> None:
        for definition in indexes:
            conn.execute(sa.text(definition.replace(":", "\\:")))

    try:
        if len(ranges) == 1:
            run(ranges[0])
        else:
            with ThreadPoolExecutor(len(ranges)) as pool:
                for future in [pool.submit(run, bounds) for bounds in ranges]:
                    future.result()
        timer.lap("insert")
        with engine.begin() as conn:
            conn.execute(sa.text("SET LOCAL synchronous_commit = off"))
            # Later datastore_upsert calls number their rows after the file's.
            conn.execute(
                sa.text("SELECT setval(pg_get_serial_sequence(:t, '_id'), :n, :used)"),
                {"t": _quote(stage.resource_id), "n": max(count, 1), "used": count > 0},
            )
            build(conn)
        timer.lap("indexes")
    except Exception:
        with engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {table}"))
            build(conn)
        raise


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
