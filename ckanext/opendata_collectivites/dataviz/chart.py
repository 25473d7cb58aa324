"""The values of a chart view: one measure (sum, mean, or the row count) by
category, aggregated by PostgreSQL through ``datastore_search_sql`` (or
``datastore_search`` when SQL search is off), always with the reader's own
rights: a private dataset's chart is refused to whoever cannot read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opendata_collectivites.dataviz import columns

MAX_CATEGORIES_KEY = "ckanext.collectivites.views.chart_max_categories"
AGGREGATES = ("sum", "avg", "count")
CHART_TYPES = ("bar", "line")
SCAN_ROWS = 100_000  # without SQL search: rows read at most


@dataclass(frozen=True)
class ChartSpec:
    category: str
    value: str | None  # None: number of rows
    aggregate: str  # sum, avg, count
    chart_type: str  # bar, line


@dataclass
class Series:
    labels: list[str] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    truncated: bool = False  # more categories than shown


def max_categories() -> int:
    return tk.asint(tk.config.get(MAX_CATEGORIES_KEY) or 30)


def resolve(view: dict[str, Any], fields: list[dict[str, str]]) -> ChartSpec | None:
    """The view's settings when they name columns of the table, else the
    automatic choice (:func:`.columns.chart_defaults`)."""
    fields = [f for f in fields if not f["id"].startswith("_")]
    types = {f["id"]: f["type"] for f in fields}
    defaults = columns.chart_defaults(fields)
    category = view.get("category_field") or defaults.category
    if category not in types:
        category = defaults.category
    if not category:
        return None
    value = view.get("value_field") or (
        None if view.get("category_field") else defaults.value
    )
    if value not in types or types.get(value) not in columns.NUMERIC:
        value = None
    aggregate = view.get("aggregate") or "sum"
    if value is None or aggregate not in AGGREGATES:
        aggregate = "count" if value is None else "sum"
    chart_type = view.get("chart_type") or (
        defaults.chart_type if category == defaults.category else "bar"
    )
    if chart_type not in CHART_TYPES:
        chart_type = "bar"
    return ChartSpec(category, value, aggregate, chart_type)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql(resource_id: str, spec: ChartSpec, limit: int) -> str:
    """Only quoted identifiers (checked column names, the resource id) and
    integers go into the statement; no value from the table or the user."""
    category = _quote(spec.category)
    if spec.aggregate == "count" or not spec.value:
        measure = "COUNT(*)"
    else:
        measure = f"{spec.aggregate.upper()}({_quote(spec.value)})"
    order = "1" if spec.chart_type == "line" else "2 DESC, 1"
    return (
        f"SELECT {category} AS category, {measure} AS value "  # noqa: S608
        f"FROM {_quote(resource_id)} WHERE {category} IS NOT NULL "
        f"GROUP BY 1 ORDER BY {order} LIMIT {int(limit) + 1}"
    )


def _number(value: Any) -> float:
    if isinstance(value, Decimal | int | float):
        return float(value)
    try:
        return float(str(value))
    except (TypeError, ValueError):
        return 0.0


def _series(pairs: list[tuple[Any, Any]], limit: int) -> Series:
    return Series(
        labels=[str(c) for c, _ in pairs[:limit]],
        values=[round(_number(v), 2) for _, v in pairs[:limit]],
        truncated=len(pairs) > limit,
    )


def aggregate(resource_id: str, spec: ChartSpec, context: dict[str, Any]) -> Series:
    limit = max_categories()
    if tk.asbool(tk.config.get("ckan.datastore.sqlsearch.enabled")):
        found = tk.get_action("datastore_search_sql")(
            dict(context), {"sql": sql(resource_id, spec, limit)}
        )
        pairs = [(r["category"], r["value"]) for r in found.get("records") or []]
        return _series(pairs, limit)
    return _series(_scan(resource_id, spec, context), limit)


def _scan(resource_id: str, spec: ChartSpec, context: dict[str, Any]) -> list:
    """The same aggregate in Python over ``datastore_search`` pages."""
    wanted = [spec.category] + ([spec.value] if spec.value else [])
    sums: dict[Any, float] = {}
    counts: dict[Any, int] = {}
    offset = 0
    while offset < SCAN_ROWS:
        page = tk.get_action("datastore_search")(
            dict(context),
            {"resource_id": resource_id, "fields": wanted, "limit": 10_000,
             "offset": offset, "sort": "_id"},
        )  # fmt: skip
        records = page.get("records") or []
        for record in records:
            key = record.get(spec.category)
            if key is None:
                continue
            counts[key] = counts.get(key, 0) + 1
            if spec.value and record.get(spec.value) is not None:
                sums[key] = sums.get(key, 0.0) + _number(record[spec.value])
        if len(records) < 10_000:
            break
        offset += len(records)
    if spec.aggregate == "count" or not spec.value:
        totals = {k: float(n) for k, n in counts.items()}
    elif spec.aggregate == "avg":
        totals = {k: sums.get(k, 0.0) / counts[k] for k in counts}
    else:
        totals = {k: sums.get(k, 0.0) for k in counts}
    if spec.chart_type == "line":
        return sorted(totals.items(), key=lambda kv: kv[0])
    return sorted(totals.items(), key=lambda kv: (-kv[1], str(kv[0])))


def format_number(value: float) -> str:
    """French display: ``1 234``, ``56,5``."""
    if float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u202f").replace(".", ",")
