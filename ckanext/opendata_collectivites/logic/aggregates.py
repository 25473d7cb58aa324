"""Counts of public datasets by theme and by keyword, read through ``package_search``.

The searches run as an anonymous user without private or draft datasets, so
what is counted is exactly what any visitor can find; the filter is the one the
dataset search page applies (``+dataset_type:dataset``), so a tile's count
equals the number of results of the listing it links to.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opendata_collectivites import vocabularies as voc

THEME_FIELD = "vocab_themes"
KEYWORD_FIELD = "tags"
DATASET_FQ = "+dataset_type:dataset"


def quote(value: str) -> str:
    """A Solr phrase for ``value`` (quotes and backslashes escaped)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def filter_query(organization: str | None = None, theme: str | None = None) -> str:
    """The ``fq`` of the public dataset listing, optionally narrowed."""
    fq = DATASET_FQ
    if organization:
        fq += f" +organization:{quote(organization)}"
    if theme:
        fq += f" +{THEME_FIELD}:{quote(theme)}"
    return fq


def public_search(
    fq: str, fields: list[str], limit: int, rows: int = 0, sort: str | None = None
) -> dict[str, Any]:
    """One anonymous ``package_search``: count, facet items, first results."""
    context = {"user": "", "auth_user_obj": None, "ignore_auth": False}
    data: dict[str, Any] = {
        "q": "*:*",
        "fq": fq,
        "rows": rows,
        "facet.field": fields,
        "facet.limit": limit,
        "include_private": False,
        "include_drafts": False,
    }
    if sort:
        data["sort"] = sort
    result = tk.get_action("package_search")(context, data)
    facets = {
        field: [
            (i["name"], int(i["count"]))
            for i in result["search_facets"].get(field, {}).get("items", [])
        ]
        for field in fields
    }
    return {"count": result["count"], "facets": facets, "results": result["results"]}


def summary(dataset: dict[str, Any]) -> dict[str, Any]:
    """What the home page shows of a recent dataset."""
    return {
        "name": dataset.get("name"),
        "title": dataset.get("title"),
        "notes": dataset.get("notes"),
        "metadata_modified": dataset.get("metadata_modified"),
        "organization": (dataset.get("organization") or {}).get("title"),
        "formats": sorted(
            {(r.get("format") or "").upper() for r in dataset.get("resources", [])}
            - {""}
        ),
    }


def overview(tag_limit: int, recent: int) -> dict[str, Any]:
    """Theme counts, the ``tag_limit`` most used keywords and the ``recent``
    most recently modified datasets of the whole catalogue, in one search."""
    limit = max(tag_limit, len(voc.portal_themes()))
    result = public_search(
        DATASET_FQ,
        [THEME_FIELD, KEYWORD_FIELD],
        limit,
        rows=recent,
        sort="metadata_modified desc",
    )
    return {
        "count": result["count"],
        "themes": result["facets"][THEME_FIELD],
        "tags": result["facets"][KEYWORD_FIELD],
        "recent": [summary(d) for d in result["results"]],
    }


def theme_rows(
    counts: dict[str, int], include_empty: bool = True
) -> list[dict[str, Any]]:
    """Every portal theme with its number of public datasets, most used first.

    Ties (and empty themes, listed last) keep the order of the themes file.
    """
    themes = voc.portal_themes()
    rows = [
        {
            "slug": t.slug,
            "label": t.label,
            "label_en": t.label_en,
            "description": t.description,
            "description_en": t.description_en,
            "icon": t.icon,
            "eu_themes": list(t.eu_themes),
            "count": counts.get(t.slug, 0),
        }
        for t in themes
    ]
    rows = [r for r in rows if include_empty or r["count"]]
    order = {t.slug: i for i, t in enumerate(themes)}
    rows.sort(key=lambda r: (-r["count"], order[r["slug"]]))
    return rows


def size_classes(counts: Iterable[int], classes: int) -> list[int]:
    """Logarithmic size class (1 = smallest … ``classes``) of each count.

    ``1 + floor((classes-1) * (ln c - ln cmin) / (ln cmax - ln cmin))``; when all
    counts are equal every keyword gets the middle class.
    """
    counts = list(counts)
    if not counts:
        return []
    low, high = math.log(min(counts)), math.log(max(counts))
    if high == low:
        return [(classes + 1) // 2] * len(counts)
    span = high - low
    return [1 + int((classes - 1) * (math.log(c) - low) / span) for c in counts]


def sort_key(text: str) -> tuple[str, str]:
    """Alphabetical order ignoring accents and case (é sorts with e)."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return folded.casefold(), text


def cloud(
    items: list[tuple[str, int]], limit: int, classes: int, min_count: int, total: int
) -> dict[str, Any]:
    """The ``limit`` most used keywords (ties: alphabetical) used at least
    ``min_count`` times, with their size class, in alphabetical order."""
    items = sorted(
        ((name, count) for name, count in items if count >= min_count),
        key=lambda item: (-item[1], sort_key(item[0])),
    )[:limit]
    sizes = size_classes((c for _n, c in items), classes)
    keywords = [
        {"name": name, "count": count, "size": size}
        for (name, count), size in zip(items, sizes, strict=True)
    ]
    keywords.sort(key=lambda k: sort_key(k["name"]))
    return {"keywords": keywords, "dataset_count": total, "classes": classes}


def keyword_cloud(
    limit: int,
    classes: int,
    min_count: int = 1,
    organization: str | None = None,
    theme: str | None = None,
) -> dict[str, Any]:
    """The ``limit`` most used keywords of the matching public datasets."""
    result = public_search(filter_query(organization, theme), [KEYWORD_FIELD], limit)
    return cloud(
        result["facets"][KEYWORD_FIELD], limit, classes, min_count, result["count"]
    )
