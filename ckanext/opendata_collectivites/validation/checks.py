"""The custom checks of the SCDL schemas (``custom_checks`` of a Table Schema).

One registry, :data:`CHECKS`, maps each check name used by schema.data.gouv.fr
schemas to a function ``(params) -> RowCheck``; a ``RowCheck`` receives the
row (field name → parsed value, ``None`` when empty or already invalid) and
returns the problems of that row as :class:`Problem` (a code, the column and
the values that explain it).  Semantics follow Validata's checks; the codes
are rendered in French by :mod:`.messages`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import operator
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from stdnum.fr import siren, siret

DATA_FILE = os.path.join(os.path.dirname(__file__), "data", "checks.yaml")


@dataclass(frozen=True)
class Problem:
    """A failed custom check on one row (``column``: the cell to fix)."""

    code: str
    column: str
    params: dict[str, Any] = field(default_factory=dict)


Row = Mapping[str, Any]
RowCheck = Callable[[Row], Iterable[Problem]]


@dataclass(frozen=True)
class CustomCheck:
    """A configured check: its columns (to know whether the file has them)."""

    name: str
    columns: tuple[str, ...]
    run: RowCheck
    needs_all_columns: bool = True


@functools.cache
def _data() -> dict[str, Any]:
    with open(DATA_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


# --- identifiers -----------------------------------------------------------------

# A file repeats the same few identifiers on every row: cache the checksums.
_siret_ok = functools.lru_cache(maxsize=4096)(siret.is_valid)
_siren_ok = functools.lru_cache(maxsize=4096)(siren.is_valid)


def french_siret_value(params: Mapping[str, Any]) -> CustomCheck:
    column = params["column"]

    def run(row: Row) -> Iterable[Problem]:
        value = row.get(column)
        if not _empty(value) and not _siret_ok(_text(value)):
            yield Problem("french-siret-value", column, {"value": _text(value)})

    return CustomCheck("french-siret-value", (column,), run)


def french_siren_value(params: Mapping[str, Any]) -> CustomCheck:
    column = params["column"]

    def run(row: Row) -> Iterable[Problem]:
        value = row.get(column)
        if not _empty(value) and not _siren_ok(_text(value)):
            yield Problem("french-siren-value", column, {"value": _text(value)})

    return CustomCheck("french-siren-value", (column,), run)


# --- years, cohesion, comparisons, sums ---------------------------------------------

_YEARS = re.compile(r"^(\d{4})(?:/(\d{4}))?$")


def year_interval_value(params: Mapping[str, Any]) -> CustomCheck:
    column = params["column"]
    year_only = str(params.get("allow-year-only", "")).lower() in ("yes", "true", "1")

    def run(row: Row) -> Iterable[Problem]:
        value = row.get(column)
        if _empty(value):
            return
        m = _YEARS.match(_text(value))
        if not m or (m.group(2) is None and not year_only):
            code = (
                "year-interval-format" if year_only else "year-interval-format-strict"
            )
            yield Problem(code, column, {"value": _text(value)})
        elif m.group(2) is not None and int(m.group(2)) <= int(m.group(1)):
            yield Problem("year-interval-order", column, {"value": _text(value)})

    return CustomCheck("year-interval-value", (column,), run)


def cohesive_columns_value(params: Mapping[str, Any]) -> CustomCheck:
    columns = (params["column"], *params.get("othercolumns", ()))

    def run(row: Row) -> Iterable[Problem]:
        filled = [c for c in columns if not _empty(row.get(c))]
        if filled and len(filled) != len(columns):
            empty = [c for c in columns if c not in filled]
            yield Problem(
                "cohesive-columns-value",
                empty[0],
                {"columns": ", ".join(columns), "empty": ", ".join(empty)},
            )

    return CustomCheck("cohesive-columns-value", columns, run)


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
}


def _comparable(value: Any) -> Any:
    if isinstance(value, (int, float, decimal.Decimal, dt.date, dt.datetime)):
        return value
    text = _text(value).replace(",", ".")
    try:
        return decimal.Decimal(text)
    except decimal.InvalidOperation:
        return text


def compare_columns_value(params: Mapping[str, Any]) -> CustomCheck:
    column, column2, op = params["column"], params["column2"], params["op"]
    compare = _OPS[op]

    def run(row: Row) -> Iterable[Problem]:
        a, b = row.get(column), row.get(column2)
        if _empty(a) or _empty(b):
            return
        try:
            ok = compare(_comparable(a), _comparable(b))
        except TypeError:
            ok = False
        if not ok:
            yield Problem(
                "compare-columns-value",
                column,
                {"op": op, "column2": column2, "value": _text(a), "value2": _text(b)},
            )

    return CustomCheck("compare-columns-value", (column, column2), run)


def sum_columns_value(params: Mapping[str, Any]) -> CustomCheck:
    column, parts = params["column"], tuple(params["columns"])

    def run(row: Row) -> Iterable[Problem]:
        total = row.get(column)
        values = [row.get(c) for c in parts]
        if _empty(total) or any(_empty(v) for v in values):
            return
        expected = sum(_comparable(v) for v in values)
        if _comparable(total) != expected:
            yield Problem(
                "sum-columns-value",
                column,
                {
                    "columns": " + ".join(parts),
                    "value": _text(total),
                    "sum": str(expected),
                },
            )

    return CustomCheck("sum-columns-value", (column, *parts), run)


# --- nomenclature Actes -----------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    """Case and accents ignored (Validata accepts both)."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def nomenclature_actes_value(params: Mapping[str, Any]) -> CustomCheck:
    column = params["column"]
    known = {_fold(s) for s in _data()["nomenclature_actes"]}

    def run(row: Row) -> Iterable[Problem]:
        value = row.get(column)
        if _empty(value):
            return
        text = str(value)
        if "/" not in text:
            yield Problem("nomenclature-actes-slash", column, {"value": text})
            return
        prefix = text.split("/", 1)[0]
        if _fold(prefix.strip()) in known and (
            prefix != prefix.rstrip() or "/ " in text
        ):
            yield Problem("nomenclature-actes-space", column, {"value": text})
        elif _fold(prefix) not in known:
            yield Problem(
                "nomenclature-actes-value",
                column,
                {
                    "value": text,
                    "prefix": prefix,
                    "allowed": " ; ".join(_data()["nomenclature_actes"]),
                },
            )

    return CustomCheck("nomenclature-actes-value", (column,), run)


# --- one of required --------------------------------------------------------------


def one_of_required(params: Mapping[str, Any]) -> CustomCheck:
    c1, c2 = params["column1"], params["column2"]

    def run(row: Row) -> Iterable[Problem]:
        if _empty(row.get(c1)) and _empty(row.get(c2)):
            yield Problem("one-of-required", c1, {"column1": c1, "column2": c2})

    # Runs when at least one of the two columns is in the file (the row sees
    # the missing one as empty); with neither, the validator reports it once.
    return CustomCheck("one-of-required", (c1, c2), run, needs_all_columns=False)


# --- opening hours (OpenStreetMap syntax, common subset) -------------------------

_DAY = r"(?:Mo|Tu|We|Th|Fr|Sa|Su|PH|SH)"
_DAY_RANGE = rf"{_DAY}(?:-{_DAY})?(?:\[[-0-9,]+\])?"
_DAYS = rf"{_DAY_RANGE}(?:,{_DAY_RANGE})*"
_TIME = r"(?:[01]\d|2[0-4]):[0-5]\d"
_SPAN = rf"{_TIME}(?:-{_TIME}\+?|\+)?"
_SPANS = rf"{_SPAN}(?:,{_SPAN})*"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_MONTH_RANGE = rf"{_MONTH}(?: ?\d{{1,2}})?(?:-{_MONTH}(?: ?\d{{1,2}})?)?"
_MONTHS = rf"{_MONTH_RANGE}(?:,{_MONTH}(?:-{_MONTH})?)*"
_STATE = r"(?:off|closed|open|unknown)"
_COMMENT = r'(?:"[^"]*")'
_RULE = re.compile(
    rf"^(?:24/7|(?:{_MONTHS} )?(?:{_DAYS}(?: |$))?"
    rf"(?:{_SPANS}|{_STATE})?(?: ?{_COMMENT})?)$"
)


def valid_opening_hours(text: str) -> bool:
    """Common subset of the OSM ``opening_hours`` syntax (rules separated by
    ``;`` or ``||``, ``,`` between day ranges or time spans)."""
    rules = [r.strip() for r in re.split(r";|\|\|", text)]
    if not any(rules):
        return False
    for rule in rules:
        if not rule:
            continue
        if not _RULE.match(rule) or rule in ("",):
            # "Mo-Fr 08:00-12:00,Mo-Fr 14:00-18:00": commas may also separate
            # whole rules; accept when each part is a rule of its own.
            parts = [p.strip() for p in rule.split(",")]
            if len(parts) < 2 or not all(_RULE.match(p) and p for p in parts):
                return False
    return True


def opening_hours(params: Mapping[str, Any]) -> CustomCheck:
    column = params["column"]

    def run(row: Row) -> Iterable[Problem]:
        value = row.get(column)
        if not _empty(value) and not valid_opening_hours(_text(value)):
            yield Problem("opening-hours", column, {"value": _text(value)})

    return CustomCheck("opening-hours", (column,), run)


# --- phone numbers -----------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s.\-()/]")


def valid_phone_number(text: str) -> bool:
    """French numbers (0X XX XX XX XX, +33 X XX XX XX XX, short numbers such
    as 15, 112, 3949) and international E.164 numbers (+ and 8 to 15 digits)."""
    digits = _PHONE_SEPARATORS.sub("", text)
    if re.fullmatch(r"0[1-9]\d{8}", digits):
        return True
    if re.fullmatch(r"\+33[1-9]\d{8}", digits) or re.fullmatch(
        r"0033[1-9]\d{8}", digits
    ):
        return True
    if re.fullmatch(r"1\d{1,2}|3\d{3}", digits):
        return True
    return bool(re.fullmatch(r"\+(?!33)[1-9]\d{7,14}", digits))


def phone_number(params: Mapping[str, Any]) -> CustomCheck:
    column = params["column"]

    def run(row: Row) -> Iterable[Problem]:
        value = row.get(column)
        if not _empty(value) and not valid_phone_number(_text(value)):
            yield Problem("phone-number", column, {"value": _text(value)})

    return CustomCheck("phone-number", (column,), run)


# --- GPS coordinates in France -------------------------------------------------------


def in_france(lat: float, lon: float) -> bool:
    return any(
        a <= lat <= b and c <= lon <= d
        for a, b, c, d in _data()["french_territories"].values()
    )


def _number(value: Any) -> float | None:
    try:
        return float(_text(value).replace(",", "."))
    except ValueError:
        return None


def _point(value: Any) -> tuple[Any, Any]:
    """(lat, lon) of a frictionless geopoint (``lon``/``lat`` attributes) or
    of a ``[lon, lat]`` / ``"lon,lat"`` text."""
    if hasattr(value, "lat") and hasattr(value, "lon"):
        return value.lat, value.lon
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return value[1], value[0]
    parts = re.split(r"[,\s]+", _text(value).strip("[]() "))
    return (parts[1], parts[0]) if len(parts) == 2 else (None, None)


def french_gps_coordinates(params: Mapping[str, Any]) -> CustomCheck:
    """``column``: a geopoint column (Validata); or ``latitude_field`` and
    ``longitude_field``: two number columns."""
    point_col = params.get("column")
    lat_col = params.get("latitude_field") or point_col
    lon_col = params.get("longitude_field") or point_col
    if not lat_col or not lon_col:
        raise KeyError("column")

    def run(row: Row) -> Iterable[Problem]:
        if point_col:
            lat, lon = (
                _point(row.get(point_col))
                if not _empty(row.get(point_col))
                else (None, None)
            )
        else:
            lat, lon = row.get(lat_col), row.get(lon_col)
        if _empty(lat) or _empty(lon):
            return
        flat, flon = _number(lat), _number(lon)
        if flat is None or flon is None or not in_france(flat, flon):
            code = (
                "french-gps-coordinates-swapped"
                if flat is not None and flon is not None and in_france(flon, flat)
                else "french-gps-coordinates"
            )
            yield Problem(
                code,
                lat_col,
                {"lat": _text(lat), "lon": _text(lon), "column2": lon_col},
            )

    columns = (point_col,) if point_col else (lat_col, lon_col)
    return CustomCheck("french-gps-coordinates", columns, run)


CHECKS: dict[str, Callable[[Mapping[str, Any]], CustomCheck]] = {
    "french-siret-value": french_siret_value,
    "french-siren-value": french_siren_value,
    "year-interval-value": year_interval_value,
    "cohesive-columns-value": cohesive_columns_value,
    "compare-columns-value": compare_columns_value,
    "sum-columns-value": sum_columns_value,
    "nomenclature-actes-value": nomenclature_actes_value,
    "one-of-required": one_of_required,
    "opening-hours": opening_hours,
    "phone-number": phone_number,
    "french-gps-coordinates": french_gps_coordinates,
}


def build(
    custom_checks: Iterable[Mapping[str, Any]],
) -> tuple[list[CustomCheck], list[str]]:
    """The schema's ``custom_checks`` as :class:`CustomCheck`; unknown or
    misconfigured ones are returned by name (reported as warnings)."""
    out: list[CustomCheck] = []
    unknown: list[str] = []
    for spec in custom_checks or ():
        name = str(spec.get("name", ""))
        factory = CHECKS.get(name)
        try:
            if factory is None:
                raise KeyError(name)
            out.append(factory(spec.get("params") or {}))
        except (KeyError, TypeError):
            unknown.append(name)
    return out, unknown
