"""The table preview in Chromium: the first rows, sorting, filtering, and a
screenshot (tests/artifacts/datastore-apercu*.png)."""

from __future__ import annotations

import pathlib

import pytest

from tests.validation.test_report_browser import _violations

from . import french_csv
from .conftest import run_jobs

pytestmark = pytest.mark.browser

ARTIFACTS = pathlib.Path(__file__).resolve().parents[1] / "artifacts"


def wait_rows(page, frame, ok, timeout: float = 15.0) -> list[str]:
    """The table's rows once ``ok(rows)`` holds (the table reloads by Ajax)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        rows = frame.locator("table tbody tr").all_inner_texts()
        if rows and ok(rows):
            return rows
        assert time.monotonic() < deadline, rows[:3]
        page.wait_for_timeout(200)


def test_table_preview_sorts_and_filters(
    dataset, serve, queue, live_server, page, ckan_config, monkeypatch
):
    # The view's iframe and its data requests use the site URL: serve it.
    monkeypatch.setitem(ckan_config, "ckan.site_url", live_server)
    table = french_csv.rows(120)
    url = serve("subventions.csv", french_csv.render(table))
    pkg = dataset("subventions-apercu", [{"name": "Subventions 2024", "url": url,
                                          "format": "CSV"}])  # fmt: skip
    assert run_jobs(queue) == ["complete"]
    res_id = pkg["resources"][0]["id"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server}/dataset/{pkg['name']}/resource/{res_id}")
    frame = page.frame_locator("iframe").first
    body = frame.locator("table tbody tr")
    body.first.wait_for(timeout=20000)
    assert body.count() >= 10
    first = body.first.inner_text()
    assert "01004" in first and "Ambérieu-en-Bugey" in first
    page.screenshot(path=str(ARTIFACTS / "datastore-apercu.png"), full_page=True)

    # Filter: the table's search box (searches on Enter).
    search = frame.locator("#dtprv_filter input")
    search.fill("2A004")
    search.press("Enter")
    cells = wait_rows(page, frame, lambda rows: all("2A004" in r for r in rows))
    assert len(cells) == sum(1 for row in table if row[0] == "2A004")

    # Sort: click the "Commune" header twice (descending).
    search.fill("")
    search.press("Enter")
    wait_rows(page, frame, lambda rows: len({r.split("\t")[1] for r in rows}) > 1)
    header = frame.locator("thead th", has_text="Commune").first
    header.click()
    header.click()
    last = sorted({c[2] for c in french_csv.COMMUNES})[-1]
    rows = wait_rows(page, frame, lambda rows: last in rows[0] and last in rows[-1])
    assert len(rows) >= 10
    page.screenshot(path=str(ARTIFACTS / "datastore-apercu-tri.png"), full_page=True)
    assert _violations(page) == []  # WCAG 2.1 AA (axe-core), the frame included
