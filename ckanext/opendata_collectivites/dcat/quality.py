"""Per-dataset metadata quality, computed like data.europa.eu's MQA (405 points).

The grid is in ``data/mqa.yaml``. Each check reads the dataset dict as the DCAT
profile serialises it: a share in [0, 1] (per-resource checks count the share
of resources; format checks count the best resource, as the MQA does).
URL availability is not tested live here (no outgoing requests from a page
view): a URL given counts, uploads and direct download links count as
downloadable.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

import yaml

from ckanext.opendata_collectivites import vocabularies as voc
from ckanext.opendata_collectivites.dcat import mapping

DATA_FILE = os.path.join(os.path.dirname(__file__), "data", "mqa.yaml")
MAX_SCORE = 405


@functools.lru_cache(maxsize=1)
def grid() -> dict[str, Any]:
    with open(DATA_FILE, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    total = sum(i["points"] for i in data["indicators"])
    assert total == MAX_SCORE, total
    return data


def _share(
    resources: list[dict[str, Any]], test: Callable[[dict[str, Any]], bool]
) -> float:
    if not resources:
        return 0.0
    return sum(1 for r in resources if test(r)) / len(resources)


def _best(resources: list[dict[str, Any]], test: Callable[[Any], bool]) -> float:
    return (
        1.0 if any(test(mapping.file_type(r.get("format"))) for r in resources) else 0.0
    )


def _downloadable(r: dict[str, Any]) -> bool:
    ftype = mapping.file_type(r.get("format"))
    return bool(r.get("url")) and (
        r.get("url_type") == "upload"
        or bool(r.get("access_url"))
        or (ftype is not None and not ftype.service)
    )


def _licence(d: dict[str, Any]) -> Any:
    return voc.licence(d.get("license_id") or "")


CHECKS: dict[str, Callable[[dict[str, Any], list[dict[str, Any]]], float]] = {
    "keywords": lambda d, rs: float(bool(d.get("tags"))),
    "themes": lambda d, rs: float(bool(d.get("themes"))),
    "territories": lambda d, rs: float(bool(d.get("territories"))),
    "temporal": lambda d, rs: float(
        bool(d.get("temporal_start") or d.get("temporal_end"))
    ),
    "access_url": lambda d, rs: _share(rs, lambda r: bool(r.get("url"))),
    "download_url": lambda d, rs: _share(rs, _downloadable),
    "format": lambda d, rs: _best(rs, lambda ft: ft is not None and bool(ft.uri)),
    "media_type": lambda d, rs: _share(
        rs,
        lambda r: bool(
            r.get("mimetype")
            or (
                mapping.file_type(r.get("format"))
                or mapping.FileType("", None, None, None, False, False, False)
            ).media_type
        ),
    ),
    "open_format": lambda d, rs: _best(rs, lambda ft: ft is not None and ft.open),
    "machine_readable": lambda d, rs: _best(
        rs, lambda ft: ft is not None and ft.machine_readable
    ),
    "description": lambda d, rs: float(bool((d.get("notes") or "").strip())),
    "licence": lambda d, rs: float(
        bool(d.get("license_id")) and d.get("license_id") != "notspecified"
    ),
    "licence_known": lambda d, rs: float(bool(_licence(d) and _licence(d).url)),
    "access_rights": lambda d, rs: float(
        voc.concept("access_rights", d.get("access_rights") or "") is not None
    ),
    "contact": lambda d, rs: float(
        bool(d.get("contact_name") or d.get("contact_email"))
    ),
    "publisher": lambda d, rs: float(bool(d.get("owner_org"))),
    "size": lambda d, rs: _share(rs, lambda r: r.get("size") not in (None, "")),
    "issued": lambda d, rs: float(bool(d.get("issued"))),
    "modified": lambda d, rs: float(bool(d.get("modified"))),
}


def rating(score: int) -> str:
    for name, floor in sorted(grid()["ratings"].items(), key=lambda x: -x[1]):
        if score >= floor:
            return name
    return "bad"


CONFORMITY_HINT = (
    "Correct the files that do not conform to their declared schema "
    "(see each file's validation report)."
)
CONFORMITY_LABELS = {
    "valid": "Every file conforms to its declared schema",
    "invalid": "Files do not conform to their declared schema",
    "unchecked": "Files not checked against their declared schema yet",
}


def conformity(statuses: list[str]) -> str | None:
    """Verdict over the files declaring a schema: invalid if any is, valid if
    all are, else unchecked; None when no file declares a schema."""
    if not statuses:
        return None
    if "invalid" in statuses:
        return "invalid"
    if all(s == "valid" for s in statuses):
        return "valid"
    return "unchecked"


def assess(
    dataset: dict[str, Any],
    translate: Callable[[str], str] | None = None,
    schema_statuses: list[str] | None = None,
) -> dict[str, Any]:
    """Score, rating, per-dimension totals and what to fill to improve.

    The score is data.europa.eu's MQA grid (comparable with it). The files'
    conformity to their declared schema (``schema_statuses``: the validation
    status of each resource that declares one) is the portal's own criterion:
    a dataset with a non-conformant file cannot be rated above "good", and
    correcting the files comes first among the improvements."""
    _ = translate or (lambda s: s)
    resources = dataset.get("resources") or []
    dimensions: dict[str, dict[str, Any]] = {}
    improvements: dict[str, dict[str, Any]] = {}
    total = 0.0
    for ind in grid()["indicators"]:
        share = max(0.0, min(1.0, CHECKS[ind["check"]](dataset, resources)))
        got = ind["points"] * share
        total += got
        dim = dimensions.setdefault(
            ind["dimension"], {"key": ind["dimension"], "score": 0.0, "max": 0}
        )
        dim["score"] += got
        dim["max"] += ind["points"]
        missing = ind["points"] - got
        if missing > 0.001:
            item = improvements.setdefault(
                ind["hint"], {"hint": _(ind["hint"]), "points": 0.0, "indicators": []}
            )
            item["points"] += missing
            item["indicators"].append(ind["key"])
    for dim in dimensions.values():
        dim["score"] = round(dim["score"])
        dim["label"] = _(DIMENSION_LABELS[dim["key"]])
    score = round(total)
    todo = sorted(improvements.values(), key=lambda i: -i["points"])
    for item in todo:
        item["points"] = round(item["points"])
    name = rating(score)
    verdict = conformity(list(schema_statuses or []))
    if verdict == "invalid":
        if name == "excellent":
            name = "good"
        todo.insert(
            0,
            {"hint": _(CONFORMITY_HINT), "points": 0, "indicators": ["conformity"]},
        )
    return {
        "score": score,
        "max": MAX_SCORE,
        "rating": name,
        "rating_label": _(RATING_LABELS[name]),
        "dimensions": list(dimensions.values()),
        "improvements": todo,
        "conformity": (
            {"status": verdict, "label": _(CONFORMITY_LABELS[verdict])}
            if verdict
            else None
        ),
    }


DIMENSION_LABELS = {
    "findability": "Findability",
    "accessibility": "Accessibility",
    "interoperability": "Interoperability",
    "reusability": "Reusability",
    "contextuality": "Contextuality",
}
RATING_LABELS = {
    "excellent": "Excellent metadata quality",
    "good": "Good metadata quality",
    "sufficient": "Sufficient metadata quality",
    "bad": "Poor metadata quality",
}
