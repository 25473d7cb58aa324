"""A local HTTP server that answers like the platforms the harvester reads.

Catalogues hold dataset records in each platform's exact record shape; the
server wraps them in the platform's envelopes and paging (CKAN Action API,
Opendatasoft Explore v2.1/v2.0/v1, udata API v1) or serves files as they are
(DCAT documents, SCDL CSV). Used by the demo, the tests and the benchmark;
binds 127.0.0.1 only. Catalogues can be changed while the server runs.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class CkanCatalogue:
    datasets: list[dict[str, Any]]
    version: str = "2.11.0"


@dataclass
class OdsCatalogue:
    datasets: list[dict[str, Any]]  # Explore v2.1 dataset objects
    versions: tuple[str, ...] = ("v2.1", "v2.0", "v1")
    broken_offsets: set[int] = field(default_factory=set)  # answer 500 there
    # Recorded Explore v1 objects served as they are (``datasets`` is then
    # empty and ``versions`` is ``("v1",)``).
    v1_datasets: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class UdataCatalogue:
    organizations: list[dict[str, Any]]
    datasets: list[dict[str, Any]]  # API v1 dataset objects
    versions: tuple[str, ...] = ("1", "2")


@dataclass
class FileCatalogue:
    files: dict[str, tuple[str, bytes]] = field(
        default_factory=dict
    )  # path → (type, body)


Catalogue = CkanCatalogue | OdsCatalogue | UdataCatalogue | FileCatalogue


class PayloadServer:
    """``server.mount("rennes", OdsCatalogue([...]))`` then read
    ``server.url("rennes")``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.mounts: dict[str, Catalogue] = {}
        self.requests: list[str] = []
        handler = type("Handler", (_Handler,), {"owner": self})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    def url(self, prefix: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{prefix}".rstrip("/")

    def mount(self, prefix: str, catalogue: Catalogue) -> str:
        self.mounts[prefix.strip("/")] = catalogue
        return self.url(prefix.strip("/"))

    def start(self) -> PayloadServer:
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> PayloadServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    owner: PayloadServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        self.owner.requests.append(self.path)
        parts = urlsplit(self.path)
        prefix, _, rest = parts.path.lstrip("/").partition("/")
        catalogue = self.owner.mounts.get(prefix)
        query = {k: v for k, v in parse_qs(parts.query).items()}
        answer = None
        if catalogue is not None:
            answer = route(catalogue, "/" + rest, query, self.owner.url(prefix))
        if answer == "error":
            self._send(500, "application/json", b'{"error": "internal"}')
        elif answer is None:
            self._send(404, "application/json", b'{"error": "not found"}')
        else:
            self._send(200, *answer)

    def _send(self, status: int, ctype: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _json(data: Any) -> tuple[str, bytes]:
    return "application/json; charset=utf-8", json.dumps(
        data, ensure_ascii=False
    ).encode()


def _int(query: dict[str, list[str]], key: str, default: int) -> int:
    try:
        return int(query.get(key, [default])[0])
    except ValueError:
        return default


def route(
    catalogue: Catalogue, path: str, query: dict[str, list[str]], base: str
) -> tuple[str, bytes] | None:
    if isinstance(catalogue, CkanCatalogue):
        return _ckan(catalogue, path, query)
    if isinstance(catalogue, OdsCatalogue):
        return _ods(catalogue, path, query)
    if isinstance(catalogue, UdataCatalogue):
        return _udata(catalogue, path, query, base)
    file = catalogue.files.get(
        path.lstrip("/")
        + (
            "?" + "&".join(f"{k}={v[0]}" for k, v in sorted(query.items()))
            if query
            else ""
        )
    )
    return file


def _ckan(cat: CkanCatalogue, path: str, query: dict[str, list[str]]) -> Any:
    action = path.rsplit("/", 1)[-1]
    if not path.startswith(("/api/3/action/", "/api/action/")):
        return None
    if action == "status_show":
        return _json(
            {
                "success": True,
                "result": {"ckan_version": cat.version, "site_title": "CKAN"},
            }
        )
    if action == "package_search":
        items = cat.datasets
        for fq in query.get("fq", []):
            since = re.search(r"metadata_modified:\[(\S+?)Z? TO \*\]", fq)
            if since:
                items = [
                    d
                    for d in items
                    if str(d.get("metadata_modified", "")) >= since.group(1)
                ]
            if fq.startswith("organization:"):
                org = fq.split(":", 1)[1].strip('"')
                items = [
                    d for d in items if (d.get("organization") or {}).get("name") == org
                ]
        start, rows = _int(query, "start", 0), _int(query, "rows", 10)
        return _json(
            {
                "success": True,
                "result": {"count": len(items), "results": items[start : start + rows]},
            }
        )
    if action == "package_show":
        wanted = query.get("id", [""])[0]
        for d in cat.datasets:
            if wanted in (d.get("id"), d.get("name")):
                return _json({"success": True, "result": d})
    return None


def _ods_filter(cat: OdsCatalogue, query: dict[str, list[str]]) -> list[dict[str, Any]]:
    items = cat.datasets
    refines = list(query.get("refine", []))
    refines += [f"{k[7:]}:{v[0]}" for k, v in query.items() if k.startswith("refine.")]
    for refine in refines:
        facet, _, value = refine.partition(":")
        items = [
            d
            for d in items
            if value in _as_list((d.get("metas") or {}).get("default", {}).get(facet))
        ]
    return items


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _ods(cat: OdsCatalogue, path: str, query: dict[str, list[str]]) -> Any:
    items = _ods_filter(cat, query)
    if path == "/api/explore/v2.1/catalog/datasets" and "v2.1" in cat.versions:
        offset, limit = _int(query, "offset", 0), min(_int(query, "limit", 10), 100)
        if offset in cat.broken_offsets:
            return "error"
        return _json(
            {"total_count": len(items), "results": items[offset : offset + limit]}
        )
    if path == "/api/explore/v2.1/catalog/exports/json" and "v2.1" in cat.versions:
        return _json(items[_int(query, "offset", 0) :])
    if path == "/api/v2/catalog/datasets" and "v2.0" in cat.versions:
        offset, limit = _int(query, "offset", 0), min(_int(query, "limit", 10), 100)
        return _json(
            {
                "total_count": len(items),
                "links": [],
                "datasets": [
                    {"links": [], "dataset": d} for d in items[offset : offset + limit]
                ],
            }
        )
    if path.rstrip("/") == "/api/datasets/1.0/search" and "v1" in cat.versions:
        start, rows = _int(query, "start", 0), _int(query, "rows", 10)
        v1 = cat.v1_datasets or [_ods_v1(d) for d in items]
        return _json(
            {"nhits": len(v1), "parameters": {}, "datasets": v1[start : start + rows]}
        )
    return None


def _ods_v1(d: dict[str, Any]) -> dict[str, Any]:
    metas = d.get("metas") or {}
    out = {
        "datasetid": d["dataset_id"],
        "metas": dict(metas.get("default") or {}),
        "has_records": d.get("has_records", True),
        "features": d.get("features", []),
        "fields": d.get("fields", []),
        "attachments": d.get("attachments", []),
        "alternative_exports": [],
    }
    if metas.get("dcat"):
        out["interop_metas"] = {"dcat": metas["dcat"]}
    return out


def _udata(
    cat: UdataCatalogue, path: str, query: dict[str, list[str]], base: str
) -> Any:
    if path.startswith("/api/1/organizations/"):
        slug = path[len("/api/1/organizations/") :].strip("/")
        for org in cat.organizations:
            if slug in (org.get("slug"), org.get("id")):
                return _json(org)
        return None
    clean = path.rstrip("/")
    if clean == "/api/1/datasets" and "1" in cat.versions:
        return _json(_udata_page(cat, query, base, "/api/1/datasets/", lambda d: d))
    if clean == "/api/2/datasets/search" and "2" in cat.versions:
        return _json(
            _udata_page(
                cat,
                query,
                base,
                "/api/2/datasets/search/",
                lambda d: _udata_v2(d, base),
            )
        )
    match = re.fullmatch(r"/api/2/datasets/([^/]+)/resources", clean)
    if match and "2" in cat.versions:
        found = [d for d in cat.datasets if d.get("id") == match.group(1)]
        if not found:
            return None
        resources = found[0].get("resources") or []
        page, size = max(_int(query, "page", 1), 1), _int(query, "page_size", 50)
        more = page * size < len(resources)
        href = f"{base}/api/2/datasets/{match.group(1)}/resources/"
        return _json(
            {
                "data": resources[(page - 1) * size : page * size],
                "page": page,
                "page_size": size,
                "total": len(resources),
                "next_page": f"{href}?page={page + 1}&page_size={size}"
                if more
                else None,
                "previous_page": None,
            }
        )
    return None


def _udata_page(
    cat: UdataCatalogue,
    query: dict[str, list[str]],
    base: str,
    endpoint: str,
    shape: Any,
) -> dict[str, Any]:
    org = query.get("organization", [""])[0]
    items = [d for d in cat.datasets if (d.get("organization") or {}).get("id") == org]
    page, size = max(_int(query, "page", 1), 1), _int(query, "page_size", 20)
    chunk = items[(page - 1) * size : page * size]
    more = page * size < len(items)
    nxt = (
        f"{base}{endpoint}?organization={org}&page={page + 1}&page_size={size}"
        if more
        else None
    )
    return {
        "data": [shape(d) for d in chunk],
        "page": page,
        "page_size": size,
        "total": len(items),
        "next_page": nxt,
        "previous_page": None,
    }


def _udata_v2(dataset: dict[str, Any], base: str) -> dict[str, Any]:
    """The API v2 shape of a v1 dataset: ``resources`` and
    ``community_resources`` become link objects (udata
    ``core/dataset/apiv2.py``, ``dataset_fields``)."""
    out = dict(dataset)
    href = f"{base}/api/2/datasets/{dataset['id']}/resources/?page=1&page_size=50"
    out["resources"] = {
        "rel": "subsection",
        "href": href,
        "type": "GET",
        "total": len(dataset.get("resources") or []),
    }
    out["community_resources"] = {
        "rel": "subsection",
        "href": f"{base}/api/1/datasets/community_resources/?dataset={dataset['id']}",
        "type": "GET",
        "total": 0,
    }
    return out


# --- demo: the bundled payloads of demo/data/harvest -------------------------

DEMO_PORT = 5081
DEMO_SOURCES = (
    # (mount, organisation, catalogue file, path appended to the mount URL)
    ("rennes-ods", "ville-de-rennes", "ods-ville-de-rennes.json", "/explore/"),
    ("rennes-metropole-ckan", "rennes-metropole", "ckan-rennes-metropole.json", ""),
    (
        "datagouv",
        "ville-de-saint-malo",
        "udata-ville-de-saint-malo.json",
        "/fr/organizations/ville-de-saint-malo/",
    ),
    (
        "fougeres-dcat",
        "ville-de-fougeres",
        "dcat-ville-de-fougeres.ttl",
        "/catalogue.ttl",
    ),
    (
        "saint-sulpice-scdl",
        "saint-sulpice-la-foret",
        "scdl-saint-sulpice-la-foret.csv",
        "/catalogue.csv",
    ),
)


def demo_catalogues() -> dict[str, Catalogue]:
    """The demo's member-commune catalogues, one per platform."""
    import pathlib

    here = pathlib.Path(__file__).resolve().parents[1] / "demo" / "data" / "harvest"
    out: dict[str, Catalogue] = {}
    for mount, _org, filename, _path in DEMO_SOURCES:
        body = (here / filename).read_bytes()
        if filename.startswith("ods-"):
            out[mount] = OdsCatalogue(json.loads(body)["datasets"])
        elif filename.startswith("ckan-"):
            out[mount] = CkanCatalogue(json.loads(body)["datasets"])
        elif filename.startswith("udata-"):
            data = json.loads(body)
            out[mount] = UdataCatalogue(data["organizations"], data["datasets"])
        elif filename.endswith(".ttl"):
            out[mount] = FileCatalogue({"catalogue.ttl": ("text/turtle", body)})
        else:
            out[mount] = FileCatalogue(
                {"catalogue.csv": ("text/csv; charset=utf-8", body)}
            )
    return out


def demo_server(port: int = DEMO_PORT) -> PayloadServer:
    server = PayloadServer(port=port)
    for mount, catalogue in demo_catalogues().items():
        server.mount(mount, catalogue)
    return server


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Serve the demo's harvest payloads.")
    parser.add_argument("--port", type=int, default=DEMO_PORT)
    args = parser.parse_args()
    server = demo_server(args.port)
    print(f"Catalogues de démonstration sur {server.url()}", flush=True)
    server.httpd.serve_forever()


if __name__ == "__main__":
    main()
