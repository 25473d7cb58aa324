"""Latency of /themes, /themes/<slug>, /mots-cles and / with many datasets.

Loads N public datasets (default 50,000) straight into the search index through
the engine's pysolr-compatible connection (``add(docs=…)``, as CKAN's indexer
does; the datasets exist only in the index, which is all these pages read),
then requests each page through the CKAN app (Flask test client) and prints
p50/p95 cold (the page aggregates and the search engine's result cache both
invalidated before every request, as a dataset change does) and warm.
``--profile URL [--cold]`` instead prints SQL statements per request and a
cProfile of warm (or cold) requests of URL.

    bash scripts/initdb.sh test.ini ckan_bench_views   # with CKAN_DB_* set, once
    CKAN_SQLALCHEMY_URL=postgresql://ckan:ckan@127.0.0.1:5432/ckan_bench_views \\
        .venv/bin/python benchmarks/pages.py [--datasets 50000] [--repeat 20] \\
        [--cpu] [--profile /themes/environnement [--cold]]

Never point it at a database you care about: it replaces the site's index.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault(
    "CKAN_SQLALCHEMY_URL", "postgresql://ckan:ckan@127.0.0.1:5432/ckan_bench_views"
)
os.environ.setdefault("CKAN_REDIS_URL", "redis://127.0.0.1:6379/7")

import _ckan  # noqa: E402

WORDS = (
    "eau air budget déchets vélo bus tramway école collège lycée crèche sport piscine "
    "stade bibliothèque musée patrimoine culture urbanisme plu cadastre adresse voirie "
    "stationnement parking éclairage énergie électricité gaz solaire éolien climat "
    "biodiversité arbre parc jardin forêt agriculture marché commerce entreprise "
    "emploi "
    "tourisme hôtel camping restaurant santé hôpital pharmacie défibrillateur social "
    "logement habitat population recensement naissance prénoms élections délibérations "
    "subventions associations marchés-publics finances dette fiscalité police sécurité "
    "accident bruit pollution qualité inondation risque transport mobilité covoiturage "
    "borne-recharge wifi numérique open-data géographie limites commune epci "
    "canton iris"
).split()
FORMATS = ["CSV", "JSON", "GeoJSON", "XLSX", "PDF", "SHP", "XML"]
LICENCES = ["lov2", "odc-odbl", "cc-by", "fr-lo"]


def make_docs(count: int, themes: list[str], site_id: str, seed: int = 7) -> list[dict]:
    """Index documents shaped like CKAN's (``index_package``) for public datasets."""
    rng = random.Random(seed)
    orgs = [
        (f"collectivite-{i:02d}", f"Collectivité {i:02d}", str(uuid.UUID(int=i + 1)))
        for i in range(20)
    ]
    tag_weights = [1 / (rank + 1) for rank in range(len(WORDS))]
    theme_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(themes))]
    start = dt.datetime(2020, 1, 1)
    docs = []
    for n in range(count):
        org_name, org_title, org_id = orgs[rng.randrange(len(orgs))]
        dataset_id = str(uuid.UUID(int=10**6 + n))
        tags = sorted(set(rng.choices(WORDS, tag_weights, k=rng.randint(1, 5))))
        ds_themes = sorted(set(rng.choices(themes, theme_weights, k=rng.randint(1, 2))))
        fmt = sorted(set(rng.choices(FORMATS, k=rng.randint(1, 3))))
        licence = rng.choice(LICENCES)
        modified = (start + dt.timedelta(minutes=n * 7)).isoformat()
        title = f"Jeu de données {n} : {' '.join(tags)}"
        notes = f"Données {', '.join(tags)} publiées par {org_title}."
        data = {
            "id": dataset_id,
            "name": f"jeu-{n}",
            "title": title,
            "notes": notes,
            "type": "dataset",
            "state": "active",
            "private": False,
            "owner_org": org_id,
            "license_id": licence,
            "organization": {"id": org_id, "name": org_name, "title": org_title},
            "tags": [{"name": t, "display_name": t} for t in tags],
            "themes": ds_themes,
            "metadata_created": modified,
            "metadata_modified": modified,
            "num_tags": len(tags),
            "resources": [
                {
                    "id": str(uuid.uuid4()),
                    "format": f,
                    "url": "https://example.org/x",
                    "name": f"Fichier {f}",
                }
                for f in fmt
            ],
            "num_resources": len(fmt),
        }
        blob = json.dumps(data)
        docs.append(
            {
                "id": dataset_id,
                "index_id": f"{site_id}-{dataset_id}",
                "site_id": site_id,
                "entity_type": "package",
                "dataset_type": "dataset",
                "state": "active",
                "capacity": "public",
                "permission_labels": ["public"],
                "name": data["name"],
                "title": title,
                "notes": notes,
                "owner_org": org_id,
                "organization": org_name,
                "license_id": licence,
                "tags": tags,
                "res_format": fmt,
                "vocab_themes": ds_themes,
                "num_tags": len(tags),
                "num_resources": len(fmt),
                "metadata_created": modified + "Z",
                "metadata_modified": modified + "Z",
                "data_dict": blob,
                "validated_data_dict": blob,
            }
        )
    return docs


def load(count: int) -> None:
    from ckan import model
    from ckan.lib import search
    from ckan.lib.search.common import make_connection
    from ckan.plugins import toolkit as tk

    from ckanext.opendata_collectivites import vocabularies as voc

    indexed = tk.get_action("package_search")(
        {"ignore_auth": True}, {"q": "*:*", "rows": 0}
    )["count"]
    if indexed == count:
        print(f"index already holds {count} datasets")
        return
    started = time.perf_counter()
    search.clear_all()
    conn = make_connection()
    docs = make_docs(
        count, [t.slug for t in voc.portal_themes()], tk.config["ckan.site_id"]
    )
    for i in range(0, len(docs), 1000):
        conn.add(docs=docs[i : i + 1000], commit=False)
    model.Session.commit()
    print(
        f"loaded {count} datasets into the index"
        f" in {time.perf_counter() - started:.1f} s"
    )


def profile(
    get: Callable[[str], None], url: str, repeat: int, setup: Callable[[], None]
) -> None:
    """cProfile ``repeat`` requests of ``url`` (each after ``setup``); print
    SQL statements per request and the top functions by cumulative time."""
    import cProfile
    import pstats

    from ckan.model import meta
    from sqlalchemy import event

    statements: list[str] = []
    profiler = cProfile.Profile()
    profiler_on = False

    def count(conn: Any, cursor: Any, sql: str, *_: Any) -> None:
        if profiler_on:
            statements.append(" ".join(sql.split())[:110])

    event.listen(meta.engine, "before_cursor_execute", count)
    for _ in range(repeat):
        setup()
        profiler_on = True
        profiler.enable()
        get(url)
        profiler.disable()
        profiler_on = False
    event.remove(meta.engine, "before_cursor_execute", count)
    print(f"{url}: {len(statements) / repeat:.1f} SQL statements per request")
    for sql in sorted(set(statements), key=statements.count, reverse=True)[:10]:
        print(f"  {statements.count(sql) / repeat:5.1f} x {sql}")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time this process's CPU (not wall time: SQL time is then left out)",
    )
    parser.add_argument("--profile", metavar="URL", help="profile requests of URL")
    parser.add_argument(
        "--cold", action="store_true", help="with --profile: cold requests"
    )
    args = parser.parse_args()

    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    from werkzeug.test import Client

    from ckanext.opendata_collectivites.logic import cache
    from ckanext.opendata_collectivites.search import cache as search_cache

    storage = _ckan.ROOT / "var" / "storage-bench"
    os.environ.setdefault("CKAN_STORAGE_PATH", str(storage))
    outer = make_app(load_config(str(_ckan.ROOT / "test.ini")))
    app = outer._wsgi_app  # the Flask app; ``outer`` adds CKAN's i18n middleware
    with app.test_request_context():
        load(args.datasets)
    client = Client(outer)
    urls = [
        "/themes",
        "/themes/environnement",
        "/themes/environnement?page=2",
        "/mots-cles",
        "/",
    ]

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    def stale() -> None:
        """What a dataset change does: both caches start empty."""
        with app.app_context():
            cache.invalidate()
            search_cache.bump()

    for url in urls:  # compile templates, warm connections
        get(url)
    if args.profile:
        profile(get, args.profile, args.repeat, stale if args.cold else lambda: None)
        return 0
    clock = time.process_time if args.cpu else time.perf_counter
    print(
        f"{args.datasets} public datasets, {args.repeat} requests per line,"
        f" {'CPU time of this process' if args.cpu else 'wall time'}"
    )
    print("cold: page aggregates and search results invalidated before each request")
    for url in urls:
        cold = _ckan.timed(lambda u=url: get(u), args.repeat, stale, clock)
        print(f"{url:30s} cold  {_ckan.summary(cold)}")
        get(url)
        warm = _ckan.timed(lambda u=url: get(u), args.repeat, clock=clock)
        print(f"{url:30s} warm  {_ckan.summary(warm)}")
    load1, load5, _ = os.getloadavg()
    print(f"({os.cpu_count()} CPUs, load average {load1:.1f} / {load5:.1f} at the end)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
