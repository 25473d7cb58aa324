"""#16: "Reharvest" from a harvest source page of the demo, in a real browser,
ends in a finished job whose report is shown, within a minute.

The portal runs what ``scripts/demo.sh`` runs beside the web server:
ckanext-harvest's gather and fetch consumers as separate ``ckan harvester …``
processes on the test's database and Redis, and the periodic ``harvester run``
(here ``harvest_jobs_run`` every two seconds, what cron does) that closes
finished jobs.
"""

from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from ckan import model
from ckan.tests import factories

from ckanext.opendata_collectivites.demo.loader import DemoContext
from ckanext.opendata_collectivites.demo.steps import organizations
from ckanext.opendata_collectivites.harvest import payload_server as ps
from ckanext.opendata_collectivites.harvest.run import run_source
from tests.browser.conftest import ARTIFACTS, screenshot
from tests.browser.test_site_browser import RULES
from tests.views.language import UserContent, other_language

MOUNT = "saint-sulpice-scdl"
DEADLINE = 60  # seconds from the click to the report


@pytest.fixture
def consumers(request) -> Iterator[list[pathlib.Path]]:
    """``ckan harvester gather-consumer`` and ``fetch-consumer`` processes."""
    from ckanext.harvest import queue

    for consumer in (queue.get_gather_consumer(), queue.get_fetch_consumer()):
        consumer.queue_purge()
    ckan = pathlib.Path(sys.executable).parent / "ckan"
    ini = request.config.getoption("ckan_ini")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    logs, procs = [], []
    for kind in ("gather-consumer", "fetch-consumer"):
        log = ARTIFACTS / f"reharvest-{kind}.log"
        logs.append(log)
        procs.append(
            subprocess.Popen(
                [str(ckan), "-c", ini, "harvester", kind],
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, stopped below
            )
        )
    try:
        yield logs
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)


@pytest.fixture
def demo_source(portal) -> Iterator[dict[str, Any]]:
    """A member commune's catalogue of the demo, harvested once, as after
    ``make demo``; its payload server stays up for the reharvest."""
    admin = factories.SysadminWithToken()
    demo = DemoContext(admin=admin["name"])
    organizations.load(demo)
    server = ps.PayloadServer().start()
    mount, org, _file, path = next(s for s in ps.DEMO_SOURCES if s[0] == MOUNT)
    server.mount(mount, ps.demo_catalogues()[mount])
    owner = demo.action("organization_show", id=org)
    source = demo.action(
        "harvest_source_create",
        name=f"moissonnage-{mount}",
        url=server.url(mount) + path,
        title=f"Catalogue de {owner['title']}",
        source_type="collectivites",
        owner_org=owner["id"],
        frequency="MANUAL",
        config='{"grace_days": 7}',
    )
    assert run_source(source["id"]).ok
    model.Session.remove()
    try:
        yield {"source": source, "admin": admin, "demo": demo}
    finally:
        server.stop()


def _jobs(source_id: str) -> list[Any]:
    from ckanext.harvest.model import HarvestJob

    model.Session.remove()
    return (
        model.Session.query(HarvestJob)
        .filter(HarvestJob.source_id == source_id)
        .order_by(HarvestJob.created)
        .all()
    )


def test_reharvest_from_the_source_page_finishes_with_its_report(
    demo_source, consumers, live_server, page, ckan_config, monkeypatch
):
    source, admin, demo = (demo_source[k] for k in ("source", "admin", "demo"))
    # CKAN's JavaScript (the confirmation dialog) loads from the site URL
    monkeypatch.setitem(ckan_config, "ckan.site_url", live_server)
    # the sysadmin's session: its API token on every request of the browser
    page.context.set_extra_http_headers({"Authorization": admin["token"]})
    page.goto(f"{live_server}/harvest/admin/{source['name']}")
    assert len(_jobs(source["id"])) == 1
    page.get_by_role("link", name="Moissonner de nouveau").click()
    page.locator("#ckan-confirm-yes").click()  # the confirmation dialog
    page.wait_for_load_state()
    clicked = time.monotonic()
    assert "Le moissonnage va commencer" in page.content()
    waiting = page.locator("a.disabled", has_text="Moissonner de nouveau")
    assert (
        waiting.get_attribute("title") == "Un moissonnage de cette source attend déjà"
    )
    (_first, job) = _jobs(source["id"])

    while job.status != "Finished" and time.monotonic() - clicked < DEADLINE:
        time.sleep(2)
        demo.action("harvest_jobs_run", source_id=source["id"])  # cron's part
        job = _jobs(source["id"])[-1]
    elapsed = time.monotonic() - clicked
    logs = "\n".join(log.read_text() for log in consumers)
    assert job.status == "Finished", f"{job.status} after {elapsed:.0f} s\n{logs}"
    assert job.gather_started and job.gather_finished and job.finished

    page.goto(f"{live_server}/harvest/{source['name']}/job/last")
    report = page.locator("#content").inner_text()
    assert "inchangés" in report and "Terminé" in report, report
    assert other_language(page.content(), UserContent([source["title"]])) == []
    screenshot(page, "site-moissonnage-rapport")
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page, options=RULES).response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == []
    print(f"reharvest: job finished and report shown {elapsed:.1f} s after the click")
