"""#16: a link checker over the demo portal. Every internal link a visitor
can follow from the home page (breadth first, 400 pages at most) answers,
and every demo resource downloads."""

from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup
from ckan.tests import factories

from ckanext.opendata_collectivites.demo import data
from ckanext.opendata_collectivites.demo.loader import DemoContext
from ckanext.opendata_collectivites.demo.steps import datasets, organizations

MAX_PAGES = 400
SKIP = ("/user/logout", "/api/", "/uploads/", "/webassets/", "/base/", "/fanstatic/")


def _internal(href: str, base: str) -> str | None:
    url, _ = urldefrag(urljoin(base, href))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "") or parts.netloc not in (
        "",
        "test.ckan.net",
        "localhost",
    ):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if not path.startswith("/") or path.startswith(SKIP):
        return None
    return path


def test_demo_has_no_dead_internal_link(app, portal):
    admin = factories.Sysadmin()
    demo = DemoContext(admin=admin["name"])
    organizations.load(demo)
    datasets.load(demo)
    seen: set[str] = {"/"}
    queue: deque[tuple[str, str]] = deque([("/", "")])
    dead: list[tuple[str, int, str]] = []
    visited = 0
    while queue and visited < MAX_PAGES:
        path, origin = queue.popleft()
        response = app.get(path, status=None, follow_redirects=True)
        visited += 1
        if response.status_code >= 400:
            dead.append((path, response.status_code, origin))
            continue
        if "html" not in (response.headers.get("Content-Type") or ""):
            continue
        page = BeautifulSoup(response.body, "html.parser")
        for a in page.select("a[href]"):
            target = _internal(a["href"], "http://test.ckan.net" + path)
            # facet/sort variants of listings add nothing but pages
            if target and target not in seen and target.count("&") < 2:
                seen.add(target)
                queue.append((target, path))
    assert visited > 50
    assert dead == []
    for spec in data.read("datasets.yaml"):
        pkg = app.get(
            "/api/3/action/package_show", query_string={"id": spec["name"]}
        ).json["result"]
        for res in pkg["resources"]:
            path = _internal(res["url"], "http://test.ckan.net/")
            assert path, res["url"]
            assert app.get(path, status=None).status_code == 200, res["url"]
