"""The demo's collectivités and datasets pass the schemas with real codes."""

from __future__ import annotations

import pytest
from ckan.tests.helpers import call_action

from ckanext.opendata_collectivites import vocabularies as voc
from ckanext.opendata_collectivites.demo import data
from ckanext.opendata_collectivites.demo.loader import DemoContext
from ckanext.opendata_collectivites.demo.steps import datasets, organizations


def test_demo_files_use_real_codes_and_scdl_schemas():
    for org in data.read("organizations.yaml"):
        territory = voc.territory(org["territory"])
        assert territory is not None, org["name"]
        if territory.siren:
            assert territory.siren == org["siren"], org["name"]
    scdl = set()
    for pkg in data.read("datasets.yaml"):
        for field in (
            "themes",
            "territories",
            "frequency",
            "conforms_to",
            "spatial_granularity",
            "contact_email",
            "issued",
            "modified",
            "language",
            "access_rights",
            "identifier",
            "url",
        ):
            assert pkg.get(field) or field == "conforms_to", (pkg["name"], field)
        if pkg.get("conforms_to"):
            scdl.add(voc.schema_by_url(pkg["conforms_to"]).name)
    assert {
        "scdl/deliberations",
        "scdl/subventions",
        "scdl/prenoms",
        "scdl/equipements",
        "scdl/budget",
        "etalab/schema-bal",
    } <= scdl


@pytest.mark.usefixtures("sysadmin")
def test_demo_steps_load_through_the_schemas(ctx):
    demo = DemoContext(admin=ctx["user"])
    organizations.load(demo)
    datasets.load(demo)
    names = {o["name"] for o in data.read("organizations.yaml")}
    assert set(call_action("organization_list", dict(ctx))) == names
    ssf = call_action("organization_show", dict(ctx), id="saint-sulpice-la-foret")
    assert ssf["opendata_obligation"] is False and ssf["parent"] == "rennes-metropole"
    for pkg in data.read("datasets.yaml"):
        shown = call_action("package_show", dict(ctx), id=pkg["name"])
        assert shown["territories"] == pkg["territories"]
        assert shown["themes"] == pkg["themes"]
    # loading twice updates in place
    organizations.load(demo)
    datasets.load(demo)
    assert len(call_action("package_list", dict(ctx))) == len(
        data.read("datasets.yaml")
    )
