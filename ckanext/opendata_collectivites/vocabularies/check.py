"""Report datasets and collectivités whose stored values left the vocabularies.

Used by ``ckan collectivites vocabularies check`` after a vocabulary changed (a theme
removed from ``config/themes.yaml``, a commune merged in the new official geography…).
Values are read through ``package_show``/``organization_show`` (never SQL).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ckanext.opendata_collectivites import vocabularies as voc


@dataclass(frozen=True)
class Problem:
    kind: str  # "dataset" or "organization"
    name: str
    field: str
    value: str


def _list(value: Any) -> list[str]:
    from ckanext.opendata_collectivites.schemas.validators import _as_list

    return _as_list(value)


def dataset_problems(pkg: dict[str, Any]) -> Iterator[Problem]:
    name = pkg.get("name", "?")
    checks = {
        "themes": lambda v: voc.portal_theme(v) is not None,
        "territories": lambda v: voc.territory(v) is not None,
        "language": lambda v: voc.concept("languages", v) is not None,
        "hvd_category": lambda v: voc.concept("hvd_categories", v) is not None,
    }
    for field, ok in checks.items():
        for value in _list(pkg.get(field)):
            if not ok(value):
                yield Problem("dataset", name, field, value)
    single = {
        "frequency": lambda v: voc.concept("frequencies", v) is not None,
        "access_rights": lambda v: voc.concept("access_rights", v) is not None,
        "spatial_granularity": lambda v: voc.concept("granularities", v) is not None,
        "license_id": lambda v: voc.licence(v) is not None,
        "conforms_to": lambda v: (
            voc.schema_by_url(v) is not None or "schema.data.gouv.fr" not in v
        ),
    }
    for field, ok in single.items():
        value = pkg.get(field)
        if value and not ok(str(value)):
            yield Problem("dataset", name, field, str(value))
    for res in pkg.get("resources") or []:
        url = res.get("conforms_to")
        if url and not single["conforms_to"](url):
            yield Problem("dataset", name, "resources.conforms_to", url)
        lic = res.get("license_id")
        if lic and voc.licence(lic) is None:
            yield Problem("dataset", name, "resources.license_id", lic)


def organization_problems(org: dict[str, Any]) -> Iterator[Problem]:
    name = org.get("name", "?")
    tid = org.get("territory")
    territory = voc.territory(tid) if tid else None
    if tid and territory is None:
        yield Problem("organization", name, "territory", tid)
    siren = org.get("siren")
    if territory and territory.siren and siren and siren != territory.siren:
        yield Problem("organization", name, "siren", siren)
    if (
        territory
        and territory.population
        and org.get("population")
        not in (
            None,
            territory.population,
        )
    ):
        yield Problem("organization", name, "population", str(org.get("population")))


def run(page_size: int = 100) -> list[Problem]:
    """Every problem of every dataset (public and private) and organisation."""
    import ckan.plugins.toolkit as tk

    context = {"ignore_auth": True}
    problems: list[Problem] = []
    for name in tk.get_action("organization_list")(dict(context), {}):
        org = tk.get_action("organization_show")(
            dict(context), {"id": name, "include_datasets": False}
        )
        problems.extend(organization_problems(org))
    names = tk.get_action("package_list")(dict(context), {})
    # package_list lists public datasets only: add private ones via the model
    from ckan import model

    private = model.Session.execute(
        select(model.Package.name).where(
            model.Package.state == "active", model.Package.private.is_(True)
        )
    ).scalars()
    for name in sorted(set(names) | set(private)):
        pkg = tk.get_action("package_show")(dict(context), {"id": name})
        problems.extend(dataset_problems(pkg))
    return problems
