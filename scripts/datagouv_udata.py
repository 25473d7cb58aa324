"""Harvest DCAT catalogues with udata's own DcatBackend, as data.gouv.fr does.

Runs in udata's virtualenv (``var/udata-venv``, made by ``datagouv_check.sh``),
never in the project's. MongoDB is mongomock (no server here); the licence list
is data.gouv.fr's (recorded in ``tests/fixtures/datagouv/``), the schema
catalogue is schema.data.gouv.fr's (recorded, served on a local port).
Prints, as JSON on stdout, for each catalogue URL: what udata kept of each
dataset, the warnings its loggers emitted and the harvest errors.

Usage: python datagouv_udata.py --licenses FILE --schemas FILE URL [URL ...]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import importlib.metadata
import json
import logging
import os
import sys
import threading
from typing import Any


class Collect(logging.Handler):
    """Every record of level WARNING or more from udata's loggers."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("udata"):
            self.records.append(
                f"{record.levelname} {record.name}: {record.getMessage()}"
            )


def _serve_file(path: str) -> tuple[http.server.HTTPServer, str]:
    directory, name = os.path.split(os.path.abspath(path))
    handler = functools.partial(QuietHandler, directory=directory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/{name}"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def make_app(schemas_url: str):
    import mongomock
    from udata.app import create_app, standalone

    class Settings:
        MONGODB_HOST = "mongodb://localhost:27017/udata"
        MONGODB_SETTINGS = {
            "host": "mongodb://localhost:27017/udata",
            "mongo_client_class": mongomock.MongoClient,
        }
        # Throw-away secrets: nothing is served, no user data.
        SECRET_KEY = os.urandom(16).hex()
        API_TOKEN_SECRET = os.urandom(16).hex()
        CACHE_TYPE = "flask_caching.backends.NullCache"
        CACHE_NO_NULL_WARNING = True
        CELERY_TASK_ALWAYS_EAGER = True
        CELERY_BROKER_URL = "memory://"
        CELERY_RESULT_BACKEND = "cache+memory://"
        DEFAULT_LANGUAGE = "fr"
        SERVER_NAME = "www.data.gouv.fr"
        URLS_ALLOW_LOCAL = True
        URLS_ALLOW_PRIVATE = True
        SCHEMA_CATALOG_URL = schemas_url
        ELASTICSEARCH_URL = None
        SEND_MAIL = False
        AUTO_INDEX = False
        SENTRY_DSN = None
        LOGGER_HANDLER_POLICY = "never"

    app = create_app(override=Settings, init_logging=lambda app: app)
    return standalone(app)


def load_licences(path: str) -> int:
    from udata.models import License

    with open(path, encoding="utf-8") as f:
        licences = json.load(f)
    for lic in licences:
        License.objects.create(
            id=lic["id"],
            title=lic["title"],
            url=lic["url"] or None,
            maintainer=lic.get("maintainer"),
            flags=lic.get("flags", []),
            alternate_urls=lic.get("alternate_urls", []),
            alternate_titles=lic.get("alternate_titles", []),
            active=True,
        )
    return len(licences)


def _day(value: Any) -> str | None:
    if value is None:
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text[:10] if text[10:].strip("T0:+Z") == "" else text


def _schema(schema: Any) -> str | None:
    if not schema:
        return None
    if schema.name:
        return f"{schema.name} {schema.version}" if schema.version else schema.name
    return schema.url


def kept(dataset: Any) -> dict[str, Any]:
    """The fields of a harvested udata dataset that a DCAT feed can fill."""
    h = dataset.harvest
    t = dataset.temporal_coverage
    contacts = [
        f"{c.role}: {c.name} <{c.email}>" if c.email else f"{c.role}: {c.name}"
        for c in dataset.contact_points
    ]
    return {
        "title": dataset.title,
        "description": dataset.description,
        "license": dataset.license.id if dataset.license else None,
        "frequency": str(dataset.frequency) if dataset.frequency else None,
        "temporal": f"{_day(t.start)}/{_day(t.end)}" if t else None,
        "tags": sorted(dataset.tags),
        "contacts": contacts,
        "issued": _day(h.issued_at),
        "modified": _day(h.modified_at),
        "created": _day(h.created_at),
        "schema": _schema(dataset.schema),
        "spatial": dataset.spatial.geom["type"]
        if dataset.spatial and dataset.spatial.geom
        else None,
        "identifier": h.dct_identifier,
        "uri": h.uri,
        "remote_url": h.remote_url,
        "extras_dcat": dict(dataset.extras.get("dcat", {})),
        "resources": [
            {
                "title": r.title,
                "url": r.url,
                "format": r.format,
                "filesize": r.filesize,
                "mime": r.mime,
                "checksum": f"{r.checksum.type}:{r.checksum.value}"
                if r.checksum
                else None,
                "schema": _schema(r.schema),
                "type": r.type,
            }
            for r in dataset.resources
        ],
    }


def harvest(url: str, index: int, collect: Collect) -> dict[str, Any]:
    from udata.harvest.backends.dcat import DcatBackend
    from udata.harvest.models import HarvestSource
    from udata.models import Organization

    collect.records.clear()
    org = Organization.objects.create(name=f"Collectivité {index}", description="check")
    source = HarvestSource.objects.create(
        name=f"source {index}", url=url, backend="dcat", organization=org
    )
    backend = DcatBackend(source)
    job = backend.harvest()
    errors = [e.message for e in job.errors]
    datasets = []
    for item in job.items:
        errors += [f"{item.remote_id}: {e.message}" for e in item.errors]
        if item.dataset is not None:
            datasets.append(kept(item.dataset))
    return {
        "url": url,
        "status": job.status,
        "items": len(job.items),
        "pages": len(backend.graphs),
        "datasets": datasets,
        "warnings": list(collect.records),
        "errors": errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--licenses", required=True)
    parser.add_argument("--schemas", required=True)
    parser.add_argument("urls", nargs="+")
    args = parser.parse_args()

    server, schemas_url = _serve_file(args.schemas)
    collect = Collect()
    logging.getLogger().addHandler(collect)
    try:
        app = make_app(schemas_url)
        with app.app_context(), app.test_request_context():
            licences = load_licences(args.licenses)
            sources = [harvest(url, i, collect) for i, url in enumerate(args.urls, 1)]
    finally:
        server.shutdown()
    json.dump(
        {
            "udata_version": importlib.metadata.version("udata"),
            "licences": licences,
            "sources": sources,
        },
        sys.stdout,
        ensure_ascii=False,
        default=str,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
