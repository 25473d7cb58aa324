"""Map and chart views in Chromium: the équipements' points as Leaflet
markers (tiles unreachable, as offline), the prénoms chart drawn on its
canvas with its table of values, keyboard access, axe-core WCAG 2.1 AA, and
screenshots (tests/artifacts/dataviz-*.png)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.validation.test_report_browser import _violations

from .test_dataviz import EQUIPEMENTS, prenoms, view_id  # noqa: F401

pytestmark = pytest.mark.browser


def test_map_shows_the_equipements(equipements, live_server, page):  # noqa: F811
    pkg, res_id = equipements()
    vid = view_id(res_id, "collectivites_map")
    page.goto(f"{live_server}/dataset/{pkg['name']}/resource/{res_id}?view_id={vid}")
    markers = page.locator(".collectivites-map .leaflet-marker-icon")
    markers.first.wait_for(timeout=20000)
    assert markers.count() == 5
    titles = sorted(m.get_attribute("title") for m in markers.all())
    assert titles == sorted(EQUIPEMENTS)
    # The list alternative, and the markers reachable with the keyboard.
    rows = page.locator("table.collectivites-map__list tbody th").all_inner_texts()
    assert rows == EQUIPEMENTS
    markers.first.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5000)
    assert popup.inner_text().split("\n")[0] in EQUIPEMENTS
    screenshot(page, "dataviz-carte")
    assert _violations(page) == []
    # The view alone ("Plein écran" / embedding) draws the same markers.
    page.goto(f"{live_server}/dataset/{pkg['name']}/resource/{res_id}/view/{vid}")
    page.locator(".leaflet-marker-icon").first.wait_for(timeout=20000)
    assert page.locator(".leaflet-marker-icon").count() == 5


def test_chart_of_the_prenoms(prenoms, live_server, page):  # noqa: F811
    pkg, res_id = prenoms()
    vid = view_id(res_id, "collectivites_chart")
    page.goto(f"{live_server}/dataset/{pkg['name']}/resource/{res_id}?view_id={vid}")
    canvas = page.locator("canvas[data-collectivites-chart]")
    page.wait_for_selector("canvas[data-drawn=true]", timeout=20000)
    # Something was drawn: the canvas has non-transparent pixels.
    painted = canvas.evaluate(
        """c => {
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 3; i < d.length; i += 4) if (d[i]) n++;
            return n;
        }"""
    )
    assert painted > 1000
    rows = page.locator("table.collectivites-chart__values tbody tr")
    values = [r.split("\t") for r in rows.all_inner_texts()]
    assert values == [["2022", "328"], ["2023", "219"], ["2024", "210"]]
    screenshot(page, "dataviz-graphique")
    assert _violations(page) == []
    page.goto(f"{live_server}/dataset/{pkg['name']}/resource/{res_id}/view/{vid}")
    page.wait_for_selector("canvas[data-drawn=true]", timeout=20000)
