"""Column types guessed in PostgreSQL on the staged text, never at the cost of
a code: an integer has no leading zero (``01004`` stays text), identifiers
named so in the header or by the declared schema stay text, and a type is
kept only when every value of the column converts.

Types: ``int8``, ``numeric`` (comma or dot decimals, spaces as thousands
separators), ``date`` (``2024-03-01`` or ``01/03/2024``) and ``text``.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import yaml

_DATA = os.path.join(os.path.dirname(__file__), "data", "text_columns.yaml")

INT_RE = r"^-?(0|[1-9][0-9]{0,17})$"
NUM_RE = r"^-?(0|[1-9][0-9]{0,2}([ \u00a0\u202f][0-9]{3})+|[1-9][0-9]*)([.,][0-9]+)?$"
ISO_RE = r"^[12][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
FR_RE = r"^(0[1-9]|[12][0-9]|3[01])/(0[1-9]|1[0-2])/[12][0-9]{3}$"


@dataclass
class Column:
    name: str  # DataStore field name
    staged: str  # column of the staging table (c0, c1, …)
    type: str = "text"
    date_format: str = ""  # "iso" or "fr" for dates

    def select(self) -> str:
        """SQL expression converting the staged text (no user input in it)."""
        c = self.staged
        if self.type == "int8":
            return f"{c}::int8"
        if self.type == "numeric":
            spaces = "' ' || chr(160) || chr(8239)"
            return f"replace(translate({c}, {spaces}, ''), ',', '.')::numeric"
        if self.type == "date":
            return (
                f"{c}::date"
                if self.date_format == "iso"
                else (f"to_date({c}, 'DD/MM/YYYY')")
            )
        return c


@functools.lru_cache(maxsize=1)
def _rules() -> tuple[frozenset[str], int]:
    with open(_DATA, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    return frozenset(data["words"]), int(data["min_identifier_digits"])


def words(header: str) -> list[str]:
    """``Code INSEE`` → ``code insee``; ``codeCommune`` → ``code commune``;
    ``numéro_SIRET`` → ``numero siret``."""
    spaced = re.sub(r"([a-zà-ÿ])([A-Z])", r"\1 \2", header)
    plain = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode()
    return [w for w in re.split(r"[^a-z0-9]+", plain.lower()) if w]


def named_as_code(header: str) -> bool:
    keep, _ = _rules()
    parts = words(header)
    joined = "_".join(parts)
    return any(w in keep for w in parts) or joined in keep


def _valid_date(c: str, fmt: str) -> str:
    """True when the day exists in its month (no exception on 2024-02-30)."""
    if fmt == "iso":
        y, m, d = f"substr({c}, 1, 4)", f"substr({c}, 6, 2)", f"substr({c}, 9, 2)"
        pattern = ISO_RE
    else:
        y, m, d = f"substr({c}, 7, 4)", f"substr({c}, 4, 2)", f"substr({c}, 1, 2)"
        pattern = FR_RE
    last_day = (
        f"extract(day from make_date({y}::int, {m}::int, 1) "
        "+ interval '1 month - 1 day')"
    )
    return f"(CASE WHEN {c} ~ '{pattern}' THEN {d}::int <= {last_day} ELSE false END)"


CHECKS = ("int", "num", "iso", "fr")
SAMPLE_ROWS = 2000


def _check(c: str, kind: str) -> str:
    if kind == "int":
        return f"bool_and({c} ~ '{INT_RE}')"
    if kind == "num":
        return f"bool_and({c} ~ '{NUM_RE}')"
    return f"bool_and({_valid_date(c, kind)})"


def _run(
    conn: Any, checks: list[tuple[Column, str]], source: str, extra: list[str]
) -> tuple[dict, list[Any]]:
    """``{(column, kind): bool | None}`` over ``source`` and the values of the
    ``extra`` aggregates, in one scan (generated SQL only)."""
    import sqlalchemy as sa

    parts = [_check(col.staged, kind) for col, kind in checks] + extra
    if not parts:
        return {}, []
    query = "SELECT " + ", ".join(parts) + " FROM " + source  # noqa: S608
    row = list(conn.execute(sa.text(query)).one())
    pairs = zip(checks, row[: len(checks)], strict=True)
    return {(col.name, kind): value for (col, kind), value in pairs}, row[len(checks) :]


def guess(
    conn: Any, columns: list[Column], declared: dict[str, str], stage: str
) -> None:
    """Set each column's type from the staged values (table ``stage``, a
    quoted identifier). ``declared``: field name → Table Schema type of the declared
    schema, if any (``string`` forces text). The checks run on the first
    rows, then the types still possible are checked on every row in one
    scan (with the widths of those columns)."""
    _, min_digits = _rules()
    candidates = [
        col
        for col in columns
        if declared.get(col.name) != "string" and not named_as_code(col.name)
    ]
    if not candidates:
        return
    sample = f"(SELECT * FROM {stage} LIMIT {SAMPLE_ROWS}) AS sample"  # noqa: S608
    checks = [(col, k) for col in candidates for k in CHECKS]
    first, _ = _run(conn, checks, sample, [])
    # None: only empty cells in the sample; check on every row.
    survivors = [(col, k) for (col, k) in checks if first[(col.name, k)] is not False]
    alive = [col for col in candidates if any(c is col for c, _ in survivors)]
    extra = []
    for col in alive:
        c = col.staged
        extra += [
            f"count({c})",
            f"min(length({c})) = max(length({c})) AND min(length({c})) >= {min_digits}",
        ]
    result, values = _run(conn, survivors, stage, extra)
    widths = {
        col.name: (values[2 * i], bool(values[2 * i + 1]))
        for i, col in enumerate(alive)
    }
    for col in candidates:
        count, same_width = widths.get(col.name, (0, False))
        if not count:
            continue
        ok = {k: bool(result.get((col.name, k))) for k in CHECKS}
        if ok["int"] and not same_width:
            col.type = "int8"
        elif ok["num"] and not ok["int"]:
            col.type = "numeric"
        elif ok["iso"]:
            col.type, col.date_format = "date", "iso"
        elif ok["fr"]:
            col.type, col.date_format = "date", "fr"


def full_text(columns: list[Column]) -> str:
    """The ``_full_text`` vector of a staged row: the words of every cell as
    written in the file, in the database's text search configuration
    (``french``, that of ``ckan.datastore.default_fts_lang``)."""
    return "to_tsvector(concat_ws(' ', " + ", ".join(c.staged for c in columns) + "))"
