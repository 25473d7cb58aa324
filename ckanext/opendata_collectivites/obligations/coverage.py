"""Coverage of the SCDL socle for every collectivité of the département.

Every commune and EPCI of the département's territory (reference data, so also
those with no organisation on the portal yet), its population and obligation
(3,500 inhabitants or more), and for each socle schema: the public datasets that
declare it (on this portal or harvested), whether their files are valid
(the validation room's verdicts, one query for all public datasets)
and whether they are up to date against their declared frequency.  Datasets
are read with ``package_search`` as an anonymous user: private datasets never
count.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Iterator
from typing import Any

import ckan.plugins.toolkit as tk
import yaml

from ckanext.opendata_collectivites.validation import schemas
from ckanext.opendata_collectivites.vocabularies import territories

DATA_FILE = os.path.join(os.path.dirname(__file__), "data", "socle.yaml")
PAGE = 1000


@functools.cache
def _data() -> dict[str, Any]:
    with open(DATA_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)


def socle() -> list[dict[str, str]]:
    return list(_data()["socle"])


def _anonymous() -> dict[str, Any]:
    return {"user": "", "ignore_auth": False}


def obligation_threshold() -> int:
    from ckanext.opendata_collectivites.schemas.validators import OBLIGATION_THRESHOLD

    return OBLIGATION_THRESHOLD


def departement_territory() -> str:
    """``departement:<code>`` of the organisation set as the département."""
    name = tk.config.get("ckanext.collectivites.departement") or ""
    if not name:
        return ""
    try:
        org = tk.get_action("organization_show")(
            {"ignore_auth": True}, {"id": name, "include_datasets": False}
        )
    except tk.ObjectNotFound:
        return ""
    territory = str(org.get("territory") or "")
    return territory if territory.startswith("departement:") else ""


def public_datasets() -> Iterator[dict[str, Any]]:
    """Every public active dataset, as ``package_search`` gives them to anonymous."""
    start = 0
    while True:
        found = tk.get_action("package_search")(
            _anonymous(),
            {
                "q": "*:*",
                "rows": PAGE,
                "start": start,
                "sort": "id asc",
                "include_private": False,
            },
        )
        yield from found["results"]
        start += PAGE
        if start >= found["count"]:
            return


def _organizations() -> dict[str, dict[str, Any]]:
    """Organisations by id, with their ``territory``."""
    out: dict[str, dict[str, Any]] = {}
    offset, limit = (
        0,
        25,
    )  # CKAN caps all_fields pages (group_and_organization_list_all_fields_max)
    while True:
        orgs = tk.get_action("organization_list")(
            _anonymous(),
            {
                "all_fields": True,
                "include_extras": True,
                "limit": limit,
                "offset": offset,
            },
        )
        for org in orgs:
            extras = {
                e["key"]: e["value"] for e in org.get("extras") or [] if "key" in e
            }
            org.setdefault("territory", extras.get("territory"))
            out[org["id"]] = org
        if len(orgs) < limit:
            return out
        offset += limit


def declared_schemas(pkg: dict[str, Any]) -> set[str]:
    """Schema names the dataset or its resources declare."""
    urls = [pkg.get("conforms_to")] + [
        r.get("conforms_to") for r in pkg.get("resources") or []
    ]
    names = set()
    for url in urls:
        ref = schemas.resolve(url or "")
        if ref is not None:
            names.add(ref.name)
    return names


def _modified(pkg: dict[str, Any]) -> dt.date | None:
    for key in ("modified", "metadata_modified"):
        value = str(pkg.get(key) or "")[:10]
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            continue
    return None


def up_to_date(pkg: dict[str, Any], today: dt.date) -> bool | None:
    """``None`` when the frequency sets no expectation."""
    limit = _data()["max_age_days"].get(str(pkg.get("frequency") or ""))
    modified = _modified(pkg)
    if limit is None or modified is None:
        return None
    return (today - modified).days <= limit


def _socle_resources(pkg: dict[str, Any], wanted: set[str]) -> dict[str, list[str]]:
    """Socle schema name → ids of the dataset's resources that declare it."""
    out: dict[str, list[str]] = {}
    for res in pkg.get("resources") or []:
        ref = schemas.resolve(res.get("conforms_to") or pkg.get("conforms_to") or "")
        if ref is not None and ref.name in wanted:
            out.setdefault(ref.name, []).append(res["id"])
    return out


def _validity(resource_ids: list[str], statuses: dict[str, str]) -> bool | None:
    """``True``: every checked file is valid; ``False``: one is invalid;
    ``None``: none checked yet."""
    found = [statuses.get(rid) for rid in resource_ids]
    if "invalid" in found:
        return False
    if "valid" in found:
        return True
    return None


def compute(today: dt.date | None = None) -> dict[str, Any]:
    """Rows per collectivité and totals for the département."""
    today = today or dt.date.today()
    dep = departement_territory()
    wanted = {s["schema"] for s in socle()}
    threshold = obligation_threshold()
    places = [
        t
        for t in territories.all_territories(["commune", "epci"])
        if dep and dep in t.parents
    ]
    orgs_by_territory: dict[str, dict[str, Any]] = {}
    orgs = _organizations()
    for org in orgs.values():
        if org.get("territory"):
            orgs_by_territory[org["territory"]] = org
    socle_datasets: list[tuple[str, dict[str, Any], set[str]]] = []
    for pkg in public_datasets():
        org = orgs.get(pkg.get("owner_org") or "")
        territory = (org or {}).get("territory")
        names = declared_schemas(pkg) & wanted
        if territory and names:
            socle_datasets.append((territory, pkg, names))
    # Verdicts of the public datasets' files, read from the validation room in
    # one query (the datasets come from the anonymous search above).
    from ckanext.opendata_collectivites.validation import model as results

    by_pkg = {pkg["id"]: _socle_resources(pkg, wanted) for _, pkg, _ in socle_datasets}
    statuses = results.statuses(
        [r for m in by_pkg.values() for ids in m.values() for r in ids]
    )
    published: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for territory, pkg, names in socle_datasets:
        for name in names:
            published.setdefault(territory, {}).setdefault(name, []).append(
                {
                    "name": pkg["name"],
                    "title": pkg.get("title") or pkg["name"],
                    "harvested": bool(
                        pkg.get("harvest_source_id")
                        or any(
                            e.get("key") == "harvest_source_id"
                            for e in pkg.get("extras") or []
                        )
                    ),
                    "valid": _validity(by_pkg[pkg["id"]].get(name, []), statuses),
                    "up_to_date": up_to_date(pkg, today),
                }
            )
    rows = []
    for t in sorted(places, key=lambda t: (t.kind != "epci", t.name)):
        org = orgs_by_territory.get(t.id)
        found = published.get(t.id, {})
        obliged = bool(t.population and t.population >= threshold)
        rows.append(
            {
                "territory": t.id,
                "kind": t.kind,
                "code": t.code,
                "name": t.name,
                "population": t.population,
                "obliged": obliged,
                "organization": org["name"] if org else None,
                "datasets": {name: found.get(name, []) for name in sorted(wanted)},
                "covered": sum(1 for name in wanted if found.get(name)),
            }
        )
    return {
        "departement": dep,
        "socle": socle(),
        "collectivites": rows,
        "totals": _totals(rows, wanted),
    }


def _totals(rows: list[dict[str, Any]], wanted: set[str]) -> dict[str, Any]:
    obliged = [r for r in rows if r["obliged"]]
    return {
        "collectivites": len(rows),
        "obliged": len(obliged),
        "on_portal": sum(1 for r in rows if r["organization"]),
        "obliged_publishing": sum(1 for r in obliged if r["covered"]),
        "by_schema": {
            name: {
                "published": sum(1 for r in rows if r["datasets"][name]),
                "obliged_published": sum(1 for r in obliged if r["datasets"][name]),
                "valid": sum(
                    1 for r in rows if any(d["valid"] for d in r["datasets"][name])
                ),
            }
            for name in sorted(wanted)
        },
    }
