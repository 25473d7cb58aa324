"""Headless Chromium (Debian's ``chromium``) against the app served over HTTP.

The CKAN app built by the test fixtures is served by a werkzeug server thread
on 127.0.0.1 (free port); Playwright drives the system Chromium. Screenshots go
to ``tests/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import pathlib
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from tests.views.conftest import portal  # noqa: F401  (shared fixture)

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = pathlib.Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """Base URL of the CKAN app (the ``app`` fixture's WSGI app) over real HTTP."""
    server = make_server("127.0.0.1", 0, app.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM, args=ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="fr-FR"
    )
    tab = context.new_page()
    yield tab
    context.close()


def screenshot(page, name: str, full_page: bool = True) -> pathlib.Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
