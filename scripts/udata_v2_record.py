"""Record udata's API v2 answers for the real-world harvest corpus (issue #12).

No recorded data.gouv.fr API v2 answer with its resource pages exists in
public material; this script records what udata's own API v2 code answers.
It runs in udata's virtualenv (``var/udata-venv``, made by
``scripts/udata_v2_record.sh``), never in the project's: udata's Flask
application over mongomock, the organisation and datasets described in
``tests/fixtures/harvest/real/udata-v2-local-catalogue.json`` made with
udata's test factories (French values, several resources, licences from
data.gouv.fr's recorded list, spatial zones, tags), then udata's test client
asks:

- ``GET /api/1/organizations/<id>/`` (what the harvester's detection reads);
- ``GET /api/2/datasets/?organization=<id>&page=1&page_size=100`` (the v2
  listing; ``/api/2/datasets/search/`` needs udata's search service);
- ``GET /api/2/datasets/<id>/`` for each dataset;
- every page of ``GET /api/2/datasets/<id>/resources/`` that the datasets'
  ``resources`` link objects lead to (``page_size=50``, so the 52 resources
  of the délibérations dataset take two pages).

Answers are written as they were received (status 200 checked) into
``tests/fixtures/harvest/real/udata-v2-local.json``: ``{"udata": version,
"server": SERVER_NAME, "answers": {request path: JSON body}}``.

Usage: scripts/udata_v2_record.sh [--out FILE] (builds the virtualenv, then runs
this script in it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import pathlib
import sys
import uuid
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "fixtures" / "harvest" / "real" / "udata-v2-local.json"
CATALOGUE = (
    ROOT / "tests" / "fixtures" / "harvest" / "real" / "udata-v2-local-catalogue.json"
)
LICENCES = ROOT / "tests" / "fixtures" / "datagouv" / "licenses.json"
SERVER_NAME = "udata.test"
PAGE_SIZE = 100


def make_app() -> Any:
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
        SERVER_NAME = SERVER_NAME
        PREFERRED_URL_SCHEME = "https"
        URLS_ALLOW_LOCAL = True
        URLS_ALLOW_PRIVATE = True
        SEARCH_SERVICE_API_URL = None
        ELASTICSEARCH_URL = None
        SEND_MAIL = False
        AUTO_INDEX = False
        SENTRY_DSN = None
        LOGGER_HANDLER_POLICY = "never"
        TESTING = True

    app = create_app(override=Settings, init_logging=lambda app: app)
    return standalone(app)


def load_licences() -> None:
    from udata.models import License

    for lic in json.loads(LICENCES.read_text(encoding="utf-8")):
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


def _date(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def _rid(n: int) -> uuid.UUID:
    return uuid.UUID(f"5c0ffee0-0000-4000-8000-{n:012x}")


def _sessions(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The délibérations series: one CSV per council session."""
    out = []
    for n in range(spec["count"]):
        day = dt.datetime(
            spec["first_year"] + n // spec["months"],
            n % spec["months"] + 1,
            spec["day"],
            9,
            30,
        )
        out.append(
            {
                "n": n,
                "title": spec["title"].format(date=f"{day:%d/%m/%Y}"),
                "description": spec["description"].format(date=f"{day:%d/%m/%Y}"),
                "url": spec["url"].format(month=f"{day:%Y-%m}"),
                "type": spec["type"],
                "format": spec["format"],
                "mime": spec["mime"],
                "filesize": 4096 + 97 * n,
                "created_at": day.isoformat(),
                "last_modified": day.isoformat(),
            }
        )
    return out


def make_catalogue(spec: dict[str, Any]) -> None:
    """The organisation, zones and datasets of ``spec``, built with udata's
    factories (and models for the zones and the contact point)."""
    import factory.random
    from udata.core.contact_point.models import ContactPoint
    from udata.core.dataset.constants import UpdateFrequency
    from udata.core.dataset.factories import DatasetFactory, ResourceFactory
    from udata.core.organization.factories import OrganizationFactory
    from udata.core.spatial.factories import SpatialCoverageFactory
    from udata.core.spatial.models import GeoLevel, GeoZone
    from udata.models import License

    factory.random.reseed_random("udata-v2-local")
    for level in spec["levels"]:
        GeoLevel.objects.create(**level)
    zones = {z["id"]: GeoZone.objects.create(**z) for z in spec["zones"]}
    org = OrganizationFactory(acronym=None, **spec["organization"])
    contact = ContactPoint.objects.create(organization=org, **spec["contact_point"])
    for d in spec["datasets"]:
        rows = _sessions(d["sessions"]) if "sessions" in d else []
        rows += d["resources"]
        resources = [
            ResourceFactory(
                id=_rid(r["n"]),
                created_at_internal=_date(r["created_at"]),
                last_modified_internal=_date(r["last_modified"]),
                **{
                    k: v
                    for k, v in r.items()
                    if k not in ("n", "created_at", "last_modified")
                },
            )
            for r in rows
        ]
        extra: dict[str, Any] = {}
        if d.get("temporal_coverage"):
            start, end = d["temporal_coverage"]
            extra["temporal_coverage"] = {"start": _date(start), "end": _date(end)}
        if d.get("contact_point"):
            extra["contact_points"] = [contact]
        DatasetFactory(
            id=d["id"],
            title=d["title"],
            description=d["description"],
            organization=org,
            license=License.objects.get(id=d["license"]),
            tags=d["tags"],
            frequency=UpdateFrequency(d["frequency"]),
            spatial=SpatialCoverageFactory(
                zones=[zones[z] for z in d["zones"]], granularity=d["granularity"]
            ),
            resources=resources,
            created_at_internal=_date(d["created_at"]),
            **extra,
        )


def record(client: Any, spec: dict[str, Any]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    org_id = spec["organization"]["id"]

    def get(path: str) -> Any:
        response = client.get(path, base_url=f"https://{SERVER_NAME}")
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
        answers[path] = response.get_json()
        return answers[path]

    get(f"/api/1/organizations/{org_id}/")
    get(f"/api/2/datasets/?organization={org_id}&page=1&page_size={PAGE_SIZE}")
    for d in spec["datasets"]:
        dataset = get(f"/api/2/datasets/{d['id']}/")
        href = dataset["resources"]["href"]
        while href:
            page = get(href.split(SERVER_NAME, 1)[1])
            href = page.get("next_page")
    return answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=OUT)
    args = parser.parse_args()
    spec = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    app = make_app()
    with app.app_context():
        load_licences()
        make_catalogue(spec)
        with app.test_client() as client:
            answers = record(client, spec)
    body = {
        "udata": importlib.metadata.version("udata"),
        "server": SERVER_NAME,
        "answers": answers,
    }
    args.out.write_text(
        json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{len(answers)} answers -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
