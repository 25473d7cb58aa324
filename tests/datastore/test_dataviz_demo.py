"""The demo's own datasets, loaded as ``make demo`` loads them (uploaded
files, DataStore worker): the équipements of Saint-Malo on a map (their CSV
and their GeoJSON), the prénoms of Rennes as a chart, in Chromium."""

from __future__ import annotations

import csv
import pathlib

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.opendata_collectivites.demo.loader import DemoContext
from ckanext.opendata_collectivites.demo.steps import datasets, organizations
from tests.browser.conftest import ARTIFACTS, screenshot
from tests.validation.test_report_browser import _violations

from .conftest import run_jobs
from .test_dataviz import EQUIPEMENTS
from .test_preview_browser import wait_rows

DEMO_FILES = pathlib.Path(datasets.__file__).resolve().parents[1] / "data" / "files"

pytestmark = pytest.mark.browser


def views(pkg_name: str) -> dict[str, list[dict]]:
    pkg = call_action("package_show", {"ignore_auth": True}, id=pkg_name)
    return {
        res["name"]: call_action(
            "resource_view_list", {"ignore_auth": True}, id=res["id"]
        )
        for res in pkg["resources"]
    }


def test_demo_map_and_chart(queue, live_server, page, ckan_config, monkeypatch):
    # The table view's iframe and its data requests use the site URL.
    monkeypatch.setitem(ckan_config, "ckan.site_url", live_server)
    demo = DemoContext(admin=factories.Sysadmin()["name"])
    organizations.load(demo)
    datasets.load(demo)
    assert set(run_jobs(queue)) == {"complete"}

    equipements = views("equipements-sportifs-saint-malo")
    csv_views = equipements["Équipements sportifs (CSV)"]
    geo_views = equipements["Équipements sportifs (GeoJSON)"]
    assert [v["view_type"] for v in csv_views] == [
        "datatables_view",
        "collectivites_map",
    ]
    assert [v["view_type"] for v in geo_views] == ["collectivites_map"]
    prenoms = views("prenoms-nouveaux-nes-rennes")["Prénoms 2010-2024 (CSV)"]
    assert [v["view_type"] for v in prenoms] == [
        "datatables_view",
        "collectivites_chart",
    ]

    for name, view in (("csv", csv_views[1]), ("geojson", geo_views[0])):
        page.goto(
            f"{live_server}/dataset/equipements-sportifs-saint-malo/resource/"
            f"{view['resource_id']}?view_id={view['id']}"
        )
        markers = page.locator(".collectivites-map .leaflet-marker-icon")
        markers.first.wait_for(timeout=20000)
        assert markers.count() == 5, name
        listed = page.locator("table.collectivites-map__list tbody th")
        assert listed.all_inner_texts() == EQUIPEMENTS
        screenshot(page, f"dataviz-demo-carte-{name}")
        page.locator(".collectivites-dataviz").screenshot(
            path=str(ARTIFACTS / f"dataviz-demo-carte-{name}-vue.png")
        )
        assert _violations(page) == []

    page.goto(
        f"{live_server}/dataset/prenoms-nouveaux-nes-rennes/resource/"
        f"{prenoms[1]['resource_id']}?view_id={prenoms[1]['id']}"
    )
    page.wait_for_selector("canvas[data-drawn=true]", timeout=20000)
    rows = page.locator("table.collectivites-chart__values tbody tr")
    assert [r.split("\t") for r in rows.all_inner_texts()] == [
        ["2022", "328"],
        ["2023", "219"],
        ["2024", "210"],
    ]
    screenshot(page, "dataviz-demo-graphique")
    page.locator(".collectivites-dataviz").screenshot(
        path=str(ARTIFACTS / "dataviz-demo-graphique-vue.png")
    )
    assert _violations(page) == []

    # The délibérations table: first rows, a filter and a sort, on the demo's file.
    with (DEMO_FILES / "deliberations-2020-2025.csv").open(encoding="utf-8") as f:
        deliberations = list(csv.DictReader(f))
    pkg = call_action(
        "package_show", {"ignore_auth": True}, id="deliberations-conseil-departemental"
    )
    res = next(r for r in pkg["resources"] if r["format"] == "CSV")
    page.goto(f"{live_server}/dataset/{pkg['name']}/resource/{res['id']}")
    frame = page.frame_locator("iframe").first
    frame.locator("table tbody tr").first.wait_for(timeout=20000)
    assert (
        deliberations[0]["DELIB_ID"]
        in frame.locator("table tbody tr").first.inner_text()
    )
    wanted = deliberations[1]["DELIB_ID"]
    search = frame.locator("#dtprv_filter input")
    search.fill(wanted)
    search.press("Enter")
    rows = wait_rows(page, frame, lambda rows: all(wanted in r for r in rows))
    assert len(rows) == sum(1 for d in deliberations if wanted in " ".join(d.values()))
    search.fill("")
    search.press("Enter")
    wait_rows(page, frame, lambda rows: len(rows) > 1)
    header = frame.locator("thead th", has_text="DELIB_ID").first
    header.click()
    header.click()
    last = max(d["DELIB_ID"] for d in deliberations)
    rows = wait_rows(page, frame, lambda rows: last in rows[0])
    screenshot(page, "datastore-demo-deliberations")
    assert _violations(page) == []
