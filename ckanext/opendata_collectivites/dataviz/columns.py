"""Which columns of a table hold positions, names, addresses, categories and
measures (words read from ``data/columns.yaml``)."""

from __future__ import annotations

import functools
import pathlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import yaml

DATA = pathlib.Path(__file__).parent / "data" / "columns.yaml"
NUMERIC = {"int", "int4", "int8", "integer", "numeric", "float", "float8", "number"}
DATES = {"date", "timestamp"}


@functools.lru_cache(maxsize=1)
def words() -> dict[str, frozenset[str]]:
    with open(DATA, encoding="utf-8") as stream:
        raw = yaml.safe_load(stream)
    return {key: frozenset(values) for key, values in raw.items()}


def tokens(name: str) -> list[str]:
    """``EQUIP_LAT`` → ``["equip", "lat"]``, ``dateConvention`` →
    ``["date", "convention"]``, ``Année`` → ``["annee"]``."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    plain = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode()
    return [t for t in re.split(r"[^a-z0-9]+", plain.lower()) if t]


def _has(name: str, kind: str) -> bool:
    found = tokens(name)
    wanted = words()[kind]
    return bool(set(found) & wanted) or "_".join(found) in wanted


@dataclass(frozen=True)
class Position:
    """Where a row's position is: a latitude and a longitude column, or one
    geometry column (GeoJSON text or ``"lat, lon"``)."""

    lat: str | None = None
    lon: str | None = None
    geometry: str | None = None
    checked: bool = False  # x/y: only if the values are WGS84 degrees


def position(names: Sequence[str]) -> Position | None:
    lat = next((n for n in names if _has(n, "latitude")), None)
    lon = next((n for n in names if _has(n, "longitude")), None)
    if lat and lon:
        return Position(lat=lat, lon=lon)
    geometry = next((n for n in names if _has(n, "geometry")), None)
    if geometry:
        return Position(geometry=geometry)
    x = next((n for n in names if tokens(n) and tokens(n)[-1] in words()["x"]), None)
    y = next((n for n in names if tokens(n) and tokens(n)[-1] in words()["y"]), None)
    if x and y:
        return Position(lat=y, lon=x, checked=True)
    return None


def name_column(names: Sequence[str]) -> str | None:
    excluded = words()["name_excluded"]
    for name in names:
        found = set(tokens(name))
        if found & words()["name"] and not found & excluded:
            return name
    return None


def address_columns(names: Sequence[str]) -> list[str]:
    excluded = words()["address_excluded"]
    names = [n for n in names if not set(tokens(n)) & excluded]
    parts = [n for n in names if _has(n, "address")]
    city = [
        n
        for n in names
        if _has(n, "address_city")
        and set(tokens(n)) & {"nom", "name"}
        and "coll" not in tokens(n)
        and n not in parts
    ]
    if not parts and not city:
        return []
    return [n for n in names if n in parts or n in city]


def is_measure(name: str, type_: str) -> bool:
    return type_ in NUMERIC and not set(tokens(name)) & words()["not_measure"]


def is_year(name: str, type_: str) -> bool:
    return type_ in DATES or (
        bool(set(tokens(name)) & words()["year"]) and type_ in NUMERIC | {"text"}
    )


@dataclass(frozen=True)
class ChartDefaults:
    category: str | None
    value: str | None  # None: count the rows
    chart_type: str  # "bar" or "line"


def chart_defaults(fields: Iterable[dict[str, str]]) -> ChartDefaults:
    """A year or date column drawn as a line (sum of the first measure by
    year), else the first text column that is not an identifier as bars."""
    fields = [f for f in fields if not f["id"].startswith("_")]
    measure = next(
        (
            f["id"]
            for f in fields
            if is_measure(f["id"], f["type"]) and not is_year(f["id"], f["type"])
        ),
        None,
    )
    year = next((f["id"] for f in fields if is_year(f["id"], f["type"])), None)
    if year and year != measure:
        return ChartDefaults(year, measure, "line")
    text = next(
        (
            f["id"]
            for f in fields
            if f["type"] == "text" and not set(tokens(f["id"])) & words()["not_measure"]
        ),
        None,
    )
    return ChartDefaults(text, measure, "bar")
