"""Varied, realistic datasets derived from the demo data (benchmarks and tests).

``build(n)`` creates the demo collectivités, a few groups and a harvest source,
then ``n`` scheming datasets through ``package_create``: every field of the
schema filled from one of the demo datasets, with varied themes, territories,
keywords and resources; some private, draft, deleted, without publisher, in
groups or linked to a current harvest object.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import random
from collections.abc import Iterator
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.opendata_collectivites import vocabularies as voc
from ckanext.opendata_collectivites.demo import data
from ckanext.opendata_collectivites.logic.context import site_context

GROUPS = ("donnees-essentielles", "budget-participatif", "mobilites-douces")
TERRITORIES = (
    "commune:35238",
    "commune:35288",
    "commune:35115",
    "commune:35360",
    "epci:243500139",
    "epci:243500782",
    "departement:35",
    "region:53",
)
KEYWORDS = (
    "budget",
    "finances",
    "eau",
    "mobilité",
    "école",
    "culture",
    "déchets",
    "énergie",
    "urbanisme",
    "élections",
    "population",
    "patrimoine",
    "vélo",
    "wifi",
    "open data",
)
FORMATS = ("CSV", "JSON", "GeoJSON", "XLSX", "PDF", "SHP")


@functools.cache
def _templates() -> list[dict[str, Any]]:
    return data.read("datasets.yaml")


def _action(action_name: str, /, **values: Any) -> Any:
    return tk.get_action(action_name)(site_context(), values)


def setup() -> dict[str, Any]:
    """Create (or update) the collectivités, groups and harvest source."""

    class _Ctx:
        def action(self, name: str, /, **values: Any) -> Any:
            return _action(name, **values)

    orgs = [
        data.upsert(_Ctx(), "organization", o) for o in data.read("organizations.yaml")
    ]
    groups = []
    for name in GROUPS:
        try:
            groups.append(_action("group_show", id=name))
        except tk.ObjectNotFound:
            groups.append(
                _action("group_create", name=name, title=name.replace("-", " "))
            )
    try:
        source = _action("harvest_source_show", id="catalogue-synthetique")
    except tk.ObjectNotFound:
        source = _action(
            "harvest_source_create",
            name="catalogue-synthetique",
            title="Catalogue synthétique",
            url="http://127.0.0.1:1/catalog.json",
            source_type="collectivites",
            owner_org=orgs[0]["id"],
            frequency="MANUAL",
        )
    return {"orgs": orgs, "groups": groups, "source": source}


def values(i: int, rng: random.Random, env: dict[str, Any]) -> dict[str, Any]:
    """``package_create`` values of synthetic dataset number ``i``."""
    templates = _templates()
    pkg = copy.deepcopy(templates[i % len(templates)])
    year = 2010 + i % 16
    pkg["name"] = f"{pkg['name']}-{i}"
    pkg["title"] = f"{pkg['title']} ({year})"
    pkg["notes"] += f"\n\nÉdition {year}, lot {i}."
    slugs = [t.slug for t in voc.portal_themes()]
    pkg["themes"] = rng.sample(slugs, rng.randint(1, 3))
    pkg["territories"] = rng.sample(TERRITORIES, rng.randint(1, 3))
    pkg["tags"] = [{"name": k} for k in rng.sample(KEYWORDS, rng.randint(0, 6))]
    if i % 4 == 0:
        pkg.pop("identifier", None)
    elif pkg.get("identifier"):  # identifiers are unique on the portal
        pkg["identifier"] = f"{pkg['identifier']}-{i}"
    template_res = pkg.pop("resources", [])
    pkg["resources"] = []
    for k in range(rng.randint(0, 5)):
        res = copy.deepcopy(template_res[k % len(template_res)]) if template_res else {}
        res.pop("file", None)  # the demo's uploaded file: a URL here
        fmt = rng.choice(FORMATS)
        res.update(
            name=f"{res.get('name', 'Fichier')} — partie {k + 1}",
            format=fmt,
            url=f"https://example.org/synthetique/{pkg['name']}-{k}.{fmt.lower()}",
        )
        pkg["resources"].append(res)
    org = env["orgs"][i % len(env["orgs"])]
    pkg["owner_org"] = org["id"]
    if i % 20 == 7:
        pkg.pop("owner_org")
    elif i % 10 == 3:
        pkg["private"] = True
    if i % 5 == 1:
        pkg["groups"] = [{"name": g["name"]} for g in rng.sample(env["groups"], 2)]
    if i % 30 == 11:
        pkg["state"] = "draft"
    return pkg


def build(n: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """Create ``n`` synthetic datasets; yield each as ``package_create`` returned it."""
    env = setup()
    rng = random.Random(seed)
    for i in range(n):
        pkg = _action("package_create", **values(i, rng, env))
        if i % 10 == 5:
            _harvest_object(pkg["id"], env["source"]["id"], i)
        if i % 30 == 17:
            _action("package_delete", id=pkg["id"])
        yield pkg


def _harvest_object(package_id: str, source_id: str, i: int) -> None:
    """A current harvest object for the dataset, as an import would leave it."""
    from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestSource

    job = model.Session.query(HarvestJob).filter_by(source_id=source_id).first()
    if job is None:
        job = HarvestJob(source_id=source_id, status="Finished")
        job.save()
    obj = HarvestObject(
        guid=f"synthetique-{i}",
        job=job,
        source=HarvestSource.get(source_id),
        package_id=package_id,
        current=True,
        state="COMPLETE",
        import_finished=dt.datetime(2025, 1, 1) + dt.timedelta(minutes=i),
    )
    obj.save()
