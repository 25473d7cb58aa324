"""Headless Chromium (Debian's ``chromium``) against the app served over HTTP.

The CKAN app built by the test fixtures is served by a werkzeug server thread
on 127.0.0.1 (free port); Playwright drives the system Chromium. Screenshots go
to ``tests/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import pathlib

from tests.views.conftest import portal  # noqa: F401  (shared fixture)

ARTIFACTS = pathlib.Path(__file__).resolve().parents[1] / "artifacts"

# live_server, browser and page are session-wide fixtures of tests/conftest.py
# (one Playwright instance per session: a second one would fail).


def screenshot(page, name: str, full_page: bool = True) -> pathlib.Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
