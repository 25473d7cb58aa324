"""#16: every page a citizen or an admin reaches is French under ``/`` and
English under ``/en/``.

The walk loads the demo's collectivités and datasets, harvests one member
commune's catalogue (a real harvest job with its report), then visits, as a
visitor and as the sysadmin, the site map (seeded with the admin pages no link
of the home page leads to) and every internal link found, a few pages of each
kind. Each page is read by ``tests/views/language.py``; strings entered by
users stay in their language and are skipped.
"""

from __future__ import annotations

import csv
import json
import os
import pathlib
import re
from collections import deque
from collections.abc import Iterator
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
import yaml
from ckan import model
from ckan.plugins.toolkit import config
from ckan.tests import factories

from ckanext.opendata_collectivites.demo.loader import DemoContext
from ckanext.opendata_collectivites.demo.steps import datasets, organizations
from ckanext.opendata_collectivites.harvest import payload_server as ps
from ckanext.opendata_collectivites.harvest.run import run_source
from tests.views.language import Finding, UserContent, other_language

MAX_PAGES = 260  # per visitor, French pages (the English ones are the same)
PER_KIND = 3  # pages of the same shape (/dataset/<name>, …)
# actions reachable by GET, binary or machine pages: not pages to read
SKIP = re.compile(
    r"^/(?:api/|uploads/|webassets/|base/|fanstatic/|user/_?logout|"
    r"harvest/(?:delete|refresh|clear|object)/|dataset/harvest_object/)"
    r"|/abort$|/download(?:/|$)|\.(?:ttl|rdf|xml|jsonld|csv|json|geojson|zip)$"
    r"|/(?:follow|unfollow)/"
)
HARVEST_MOUNT = "saint-sulpice-scdl"
DEMO_FILES = pathlib.Path(datasets.__file__).resolve().parents[1] / "data" / "files"
VOCABULARIES = (
    pathlib.Path(__file__).resolve().parents[2]
    / "ckanext/opendata_collectivites/vocabularies/data"
)
OBLIGATIONS = VOCABULARIES.parents[1] / "obligations/data"


def _internal(href: str, base: str) -> str | None:
    url, _ = urldefrag(urljoin(base, href))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "") or parts.netloc not in (
        "",
        "test.ckan.net",
    ):
        return None
    path = parts.path
    if path.startswith("/en/") or path == "/en":
        path = path[3:] or "/"
    if not path.startswith("/") or SKIP.search(path):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _kind(path: str) -> str:
    parts = urlsplit(path)
    segments = [
        s if re.fullmatch(r"[a-z_]{1,15}", s) else "*"
        for s in parts.path.strip("/").split("/")
    ]
    keys = sorted({q.split("=")[0] for q in parts.query.split("&") if q})
    return "/".join(segments) + "?" + "&".join(keys)


def _user_strings() -> Iterator[str]:
    """Everything users typed: it stays in its own language."""
    from ckanext.harvest.model import HarvestObject, HarvestSource

    for pkg in model.Session.query(model.Package):
        yield from (pkg.name, pkg.title or "", pkg.notes or "", pkg.author or "")
        yield from (pkg.maintainer or "", pkg.version or "")
        yield from (str(v) for v in (pkg.extras or {}).values())
        for res in pkg.resources:
            yield from (res.name or "", res.description or "", res.format or "")
            yield from (str(v) for v in (res.extras or {}).values())
    for tag in model.Session.query(model.Tag):
        yield tag.name
    for group in model.Session.query(model.Group):
        yield from (group.name, group.title or "", group.description or "")
        yield from (str(v) for v in (group.extras or {}).values())
    for user in model.Session.query(model.User):
        yield from (user.name, user.fullname or "", user.about or "")
    for src in model.Session.query(HarvestSource):
        yield from (src.title or "", src.description or "", src.url or "")
    for (guid,) in model.Session.query(HarvestObject.guid):
        yield guid or ""
    # titles of the data schemas of schema.data.gouv.fr (published in French)
    schemas = json.loads((VOCABULARIES / "schemas.json").read_text("utf-8"))
    yield from (s["title"] for s in schemas["schemas"])
    # the SCDL socle's dataset names (a French standard, no English names)
    socle = yaml.safe_load((OBLIGATIONS / "socle.yaml").read_text("utf-8"))
    yield from (row["label"] for row in _rows(socle))
    # the published files' contents (the map and chart views show their rows)
    yield from _file_strings()
    # the deployer's settings: the portal's name and description
    yield from (config.get("ckan.site_title"), config.get("ckan.site_description"))


def _file_strings() -> Iterator[str]:
    """The text cells of the demo's files (CSV columns, GeoJSON properties)."""
    for path in sorted(DEMO_FILES.iterdir()):
        if path.suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as f:
                for row in csv.reader(f, delimiter=";" if ";" in f.readline() else ","):
                    yield from row
        elif path.suffix == ".geojson":
            for feature in json.loads(path.read_text("utf-8"))["features"]:
                yield from (str(v) for v in (feature.get("properties") or {}).values())


def _rows(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "label" in node and isinstance(node["label"], str):
            yield node
        for value in node.values():
            yield from _rows(value)
    elif isinstance(node, list):
        for item in node:
            yield from _rows(item)


def _territory_names(strings: list[str]) -> Iterator[str]:
    """Names of the places the content covers (proper nouns)."""
    from ckanext.opendata_collectivites import vocabularies as voc

    codes = {c for s in strings for c in re.findall(r"\b[a-z]+:[0-9AB]+\b", s)}
    places = [voc.territory(code) for code in codes]
    places += [voc.territory(p) for t in places if t for p in t.parents]
    yield from (t.name for t in places if t)


@pytest.fixture
def demo_site(app, portal) -> dict[str, Any]:
    """The demo's content and one harvested member commune, and the sysadmin."""
    admin = factories.SysadminWithToken()
    demo = DemoContext(admin=admin["name"])
    organizations.load(demo)
    datasets.load(demo)
    server = ps.PayloadServer().start()
    try:
        mount, org, _file, path = next(
            s for s in ps.DEMO_SOURCES if s[0] == HARVEST_MOUNT
        )
        server.mount(mount, ps.demo_catalogues()[mount])
        source = demo.action(
            "harvest_source_create",
            name="moissonnage-demo",
            url=server.url(mount) + path,
            title="Catalogue de la commune",
            source_type="collectivites",
            owner_org=demo.action("organization_show", id=org)["id"],
            frequency="MANUAL",
        )
        summary = run_source(source["id"])
        assert summary.ok, summary
    finally:
        server.stop()
    model.Session.remove()
    pkg = demo.action("package_search", q="*:*", rows=1)["results"][0]
    job = demo.action("harvest_job_list", source_id=source["id"])[0]
    return {"admin": admin, "source": source, "dataset": pkg, "job": job}


def _seeds(site: dict[str, Any]) -> list[str]:
    admin = site["admin"]["name"]
    ds = site["dataset"]
    res = ds["resources"][0]["id"]
    org = ds["organization"]["name"]
    src = site["source"]["name"]
    job = site["job"]["id"]
    return [
        "/",
        "/dataset/",
        "/organization/",
        "/themes",
        "/mots-cles",
        "/about",
        "/collectivites/obligations",
        "/dataset/?q=budget&sort=score+desc",
        "/user/login",
        "/user/register",
        "/user/reset",
        "/page-inexistante",
        f"/dataset/{ds['name']}",
        f"/dataset/{ds['name']}/resource/{res}",
        f"/dataset/activity/{ds['name']}",
        f"/organization/activity/{org}",
        f"/dataset/edit/{ds['name']}",
        f"/dataset/{ds['name']}/resource/{res}/edit",
        f"/dataset/resources/{ds['name']}",
        f"/dataset/{ds['name']}/resource/new",
        f"/dataset/delete/{ds['name']}",
        f"/dataset/followers/{ds['name']}",
        f"/dataset/{ds['name']}/resource/{res}/views",
        "/dataset/new",
        "/organization/new",
        f"/organization/edit/{org}",
        f"/organization/members/{org}",
        f"/organization/member_new/{org}",
        f"/organization/bulk_process/{org}",
        f"/organization/about/{org}",
        "/harvest",
        "/harvest/new",
        f"/harvest/{src}",
        f"/harvest/about/{src}",
        f"/harvest/admin/{src}",
        f"/harvest/edit/{src}",
        f"/harvest/{src}/job",
        f"/harvest/{src}/job/last",
        f"/harvest/{src}/job/{job}",
        "/dashboard/datasets",
        "/dashboard/organizations",
        "/dashboard/",
        f"/user/{admin}",
        f"/user/activity/{admin}",
        f"/user/edit/{admin}",
        f"/user/{admin}/api-tokens",
        "/user/",
        "/ckan-admin",
        "/ckan-admin/config",
        "/ckan-admin/trash",
    ]


def _walk(app, seeds: list[str], headers: dict[str, str]) -> list[str]:
    """French pages (HTML, any status) reached from the seeds, a few per kind."""
    queue: deque[str] = deque(seeds)
    seen = set(seeds)
    kinds: dict[str, int] = {}
    pages: list[str] = []
    while queue and len(pages) < MAX_PAGES:
        path = queue.popleft()
        kind = _kind(path)
        if path not in seeds and kinds.get(kind, 0) >= PER_KIND:
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
        response = app.get(path, headers=headers, status=None)
        if "html" not in (response.headers.get("Content-Type") or ""):
            continue
        pages.append(path)
        for href in re.findall(r'href="([^"]+)"', response.body):
            href = href.replace("&amp;", "&")
            target = _internal(href, "http://test.ckan.net" + path)
            if target and target not in seen and target.count("&") < 2:
                seen.add(target)
                queue.append(target)
    return pages


def _read(app, pages: list[str], headers, user: UserContent, lang: str):
    prefix = "" if lang == "fr" else "/en"
    problems: dict[str, list[Finding]] = {}
    for path in pages:
        response = app.get(prefix + path, headers=headers, status=None)
        if "html" not in (response.headers.get("Content-Type") or ""):
            continue
        assert f'lang="{lang}"' in response.body[:2000], path
        found = other_language(response.body, user, expect=lang)
        if found and os.environ.get("LANGUAGE_WALK_REPORT"):
            dump = pathlib.Path(os.environ["LANGUAGE_WALK_REPORT"] + "-pages")
            dump.mkdir(exist_ok=True)
            (dump / re.sub(r"\W+", "_", prefix + path)).write_text(response.body)
        if found:
            problems[f"[{lang}] {prefix}{path} ({response.status_code})"] = found
    return problems


def _format(problems: dict[str, list[Finding]]) -> str:
    """One line per string found, with the first pages where it is."""
    where: dict[str, list[str]] = {}
    for page, found in problems.items():
        for f in found:
            where.setdefault(f"{page[:4]} {f}", []).append(page[5:])
    return "\n".join(
        f"{text}\n    {len(pages)} page(s): {', '.join(pages[:3])}"
        for text, pages in sorted(where.items())
    )


@pytest.mark.parametrize("visitor", ["citoyen", "administrateur"])
def test_every_page_is_in_one_language(app, demo_site, visitor):
    headers = (
        {"Authorization": demo_site["admin"]["token"]}
        if visitor == "administrateur"
        else {}
    )
    seeds = _seeds(demo_site)
    pages = _walk(app, seeds, headers)
    assert len(pages) > 40
    strings = list(_user_strings())
    user = UserContent(strings + list(_territory_names(strings)))
    problems = {
        **_read(app, pages, headers, user, "fr"),
        **_read(app, pages, headers, user, "en"),
    }
    report = _format(problems)
    if os.environ.get("LANGUAGE_WALK_REPORT"):
        pathlib.Path(os.environ["LANGUAGE_WALK_REPORT"] + f"-{visitor}.txt").write_text(
            f"{len(pages)} pages\n{chr(10).join(pages)}\n\n{report}\n"
        )
    assert problems == {}, f"{len(pages)} pages\n" + report
