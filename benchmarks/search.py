"""Benchmark of the PostgreSQL search engine (prints numbers; not a test).

1. Query latency: bulk-loads N (default 50,000) realistic French index
   documents (20 organisations, 13 themes as groups, tags, formats, licences)
   through the engine's ``add`` (the documents CKAN's indexer would build),
   then measures p50/p95 of ``package_search`` through the action API
   (``GET /api/3/action/package_search``, anonymous) for:
   (a) the /dataset page default (no q, 5 facets, default sort),
   (b) a two-word French text query with facets,
   (c) three ``fq`` filters with facets,
   (d) ``start=10000``,
   and, as a known weak spot, (e) a word found in most descriptions.
2. Rebuild throughput: creates M (default 1,000) real datasets with
   ``package_create`` and times ``ckan search-index rebuild`` (in process:
   ``ckan.lib.search.rebuild(defer_commit=True)``, what the CLI runs).

Queries are measured twice: with the per-process result cache
(``--cache-size``) and without it (``cache_size = 0``: every query runs in
SQL, as the first query after any write does).

Usage: .venv/bin/python benchmarks/search.py [--docs 50000] [--datasets 1000]
       [--db ckan_bench_search]
Database: ``--db`` (default ``ckan_bench_search``; created and emptied by this
script).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
import _ckan  # noqa: E402

DB = "ckan_bench_search"
SITE_ID = "bench.search"
THEMES = [
    "economie",
    "environnement",
    "transports",
    "education",
    "sante",
    "culture",
    "sport",
    "urbanisme",
    "social",
    "citoyennete",
    "energie",
    "agriculture",
    "tourisme",
]
COMMUNES = [
    "Rennes",
    "Saint-Malo",
    "Fougères",
    "Vitré",
    "Redon",
    "Bruz",
    "Cesson-Sévigné",
    "Dinard",
    "Combourg",
    "Montfort-sur-Meu",
    "Janzé",
    "Liffré",
    "Betton",
    "Chartres-de-Bretagne",
    "Pacé",
    "Guichen",
    "Bain-de-Bretagne",
    "Châteaugiron",
    "Saint-Aubin-du-Cormier",
    "Melesse",
]
SUBJECTS = [
    "Budget primitif",
    "Compte administratif",
    "Délibérations du conseil municipal",
    "Qualité de l'eau potable",
    "Équipements sportifs",
    "Transports scolaires",
    "Collecte des déchets ménagers",
    "Arrêtés municipaux",
    "Marchés publics",
    "Subventions aux associations",
    "Population légale",
    "Bornes de recharge électrique",
    "Pistes cyclables",
    "Stationnement et parkings",
    "Écoles et effectifs scolaires",
    "Menus de la restauration scolaire",
    "Naissances et décès",
    "Résultats des élections",
    "Plan local d'urbanisme",
    "Espaces verts et jardins",
    "Arbres remarquables",
    "Éclairage public",
    "Consommation énergétique des bâtiments",
    "Défibrillateurs",
    "Toilettes publiques",
    "Points d'accès wifi public",
    "Aires de jeux",
    "Bibliothèques et médiathèques",
    "Musées et patrimoine",
    "Fréquentation touristique",
]
WORDS = (
    "données annuelles commune intercommunalité service public usagers territoire "
    "inventaire localisation adresse horaires tarifs évolution indicateurs "
    "recensement statistiques délibération budget dépenses recettes investissement "
    "fonctionnement équipements réseau circulation stationnement énergie eau déchets "
    "propreté environnement biodiversité école culture sport santé social habitat "
    "logement urbanisme permis travaux voirie mobilité vélo transport bus"
).split()
TAGS = [
    "budget",
    "finances",
    "eau",
    "environnement",
    "transport",
    "mobilité",
    "école",
    "culture",
    "sport",
    "santé",
    "déchets",
    "énergie",
    "urbanisme",
    "élections",
    "population",
    "patrimoine",
    "tourisme",
    "vélo",
    "wifi",
    "open data",
    "SCDL",
    "délibérations",
    "marchés publics",
    "subventions",
    "voirie",
]
FORMATS = ["CSV", "JSON", "GeoJSON", "XLSX", "PDF", "SHP", "ODS", "XML"]
LICENSES = ["etalab-2.0", "odc-odbl", "cc-by", "cc-zero"]


def _ini(cache_size: int, db: str) -> str:
    return _ckan.write_ini(
        f"bench-search-{db}",
        {
            "ckan.plugins": "collectivites_search",
            "ckan.site_id": SITE_ID,
            "ckanext.collectivites.search.engine": "postgresql",
            "ckanext.collectivites.search.cache_size": cache_size,
        },
    )


def _doc(i: int, rng: random.Random, orgs: list[dict], now: datetime) -> dict[str, Any]:
    org = orgs[i % len(orgs)]
    subject = rng.choice(SUBJECTS)
    year = rng.randint(2012, 2025)
    title = f"{subject} {org['title'].replace('Commune de ', '')} {year}"
    notes = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 80)))
    tags = rng.sample(TAGS, rng.randint(2, 6))
    themes = rng.sample(THEMES, rng.randint(1, 2))
    n_res = rng.randint(1, 4)
    formats = [rng.choice(FORMATS) for _ in range(n_res)]
    pid = str(uuid.UUID(int=rng.getrandbits(128)))
    modified = now - timedelta(minutes=i * 7 + rng.randint(0, 6))
    created = modified - timedelta(days=rng.randint(0, 900))
    slug = subject.lower().replace(" ", "-").replace("'", "-")[:40]
    name = f"{slug}-{i}"
    resources = [
        {
            "id": str(uuid.UUID(int=rng.getrandbits(128))),
            "name": f"{subject} ({fmt})",
            "format": fmt,
            "url": f"https://data.example.fr/{name}.{fmt.lower()}",
            "description": f"Fichier {fmt}",
        }
        for fmt in formats
    ]
    pkg = {
        "id": pid,
        "name": name,
        "title": title,
        "notes": notes,
        "type": "dataset",
        "state": "active",
        "private": False,
        "owner_org": org["id"],
        "license_id": rng.choice(LICENSES),
        "metadata_created": created.isoformat(),
        "metadata_modified": modified.isoformat(),
        "num_resources": n_res,
        "num_tags": len(tags),
        "tags": [{"name": t} for t in tags],
        "groups": [{"name": t} for t in themes],
        "organization": {"name": org["name"], "title": org["title"]},
        "resources": resources,
        "extras": [],
    }
    blob = json.dumps(pkg)
    return {
        "id": pid,
        "name": name,
        "title": title,
        "title_string": title,
        "notes": notes,
        "state": "active",
        "type": "dataset",
        "dataset_type": "dataset",
        "entity_type": "package",
        "private": False,
        "capacity": "public",
        "owner_org": org["id"],
        "organization": org["name"],
        "groups": themes,
        "tags": tags,
        "license_id": pkg["license_id"],
        "num_resources": n_res,
        "num_tags": len(tags),
        "res_name": [r["name"] for r in resources],
        "res_description": [r["description"] for r in resources],
        "res_format": formats,
        "res_url": [r["url"] for r in resources],
        "res_type": [None] * n_res,
        "metadata_created": created.isoformat() + "Z",
        "metadata_modified": modified.isoformat() + "Z",
        "site_id": SITE_ID,
        "index_id": hashlib.md5((pid + SITE_ID).encode()).hexdigest(),
        "permission_labels": ["public"],
        "data_dict": blob,
        "validated_data_dict": blob,
    }


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = ordered[len(ordered) // 2]
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return p50, p95


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=50000)
    ap.add_argument("--datasets", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=40)
    ap.add_argument(
        "--unique",
        type=int,
        default=5000,
        help="distinct documents indexed through the engine; the rest "
        "are SQL copies with new ids, names and dates",
    )
    ap.add_argument(
        "--skip-load",
        action="store_true",
        help="reuse the documents indexed by a previous run",
    )
    ap.add_argument("--skip-rebuild", action="store_true")
    ap.add_argument(
        "--cache-size",
        type=int,
        default=256,
        help="ckanext.collectivites.search.cache_size of the cached run "
        "(the second run has none: every query runs in SQL)",
    )
    ap.add_argument("--db", default=DB, help="benchmark database (emptied)")
    args = ap.parse_args()

    ini = _ini(args.cache_size, args.db)
    _ckan.init_db(ini, args.db)
    app = _ckan.boot(ini)

    import ckan.lib.search as search
    import ckan.model as model
    from ckan.tests import factories, helpers

    with app.test_request_context():
        if not args.skip_load:
            model.repo.delete_all()
            search.clear_all()
            model.Session.commit()
        sysadmin = factories.Sysadmin()
        if not args.skip_rebuild:
            _bench_rebuild(args.datasets, sysadmin, search, model, factories, helpers)
        if not args.skip_load:
            orgs = [
                factories.Organization(name=f"commune-{k:02d}", title=f"Commune de {c}")
                for k, c in enumerate(COMMUNES)
            ]
            for theme in THEMES:
                factories.Group(name=theme, title=theme.capitalize())
            _load(args.docs, args.unique, orgs, search, model)
    from ckan.common import config

    from ckanext.opendata_collectivites.search import cache

    for size in (args.cache_size, 0):
        config[cache.CACHE_OPTION] = size
        _bench_queries(app, args.docs, args.repeat)
        load1, load5, _ = os.getloadavg()
        print(
            f"(cache_size={size}; {os.cpu_count()} CPUs, "
            f"load average {load1:.1f} / {load5:.1f} during the run)"
        )


def _load(total: int, unique: int, orgs: list[dict], search: Any, model: Any) -> None:
    rng = random.Random(42)
    now = datetime(2025, 6, 1, 12, 0, 0)
    conn = search.make_connection()
    unique = min(total, unique)
    start = time.perf_counter()
    for first in range(0, unique, 500):
        batch = [
            _doc(i, rng, orgs, now) for i in range(first, min(unique, first + 500))
        ]
        conn.add(docs=batch, commit=False)
    conn.commit()
    load = time.perf_counter() - start
    print(
        f"Engine add(): {unique} distinct documents in {load:.1f} s "
        f"({unique / load:.0f} docs/s)"
    )
    _replicate(model.Session, unique, total)
    # as autovacuum would on a live portal (visibility map: index-only scans)
    autocommit = model.meta.engine.connect().execution_options(
        isolation_level="AUTOCOMMIT"
    )
    with autocommit as connection:
        connection.execute(_text("VACUUM ANALYZE"))


def _bench_queries(app: Any, total: int, repeat: int) -> None:
    client = app.test_client()
    facets = json.dumps(["organization", "groups", "tags", "res_format", "license_id"])
    words = [
        "budget communal",
        "qualité eau",
        "équipements sportifs",
        "transports scolaires",
        "délibérations conseil",
        "collecte déchets",
        "pistes cyclables",
        "espaces verts",
        "éclairage public",
        "population légale",
    ]
    cases = {
        "(a) /dataset default": lambda k: {
            "facet.field": facets,
            "rows": 20,
            "include_private": "true",
        },
        "(b) 2-word French q": lambda k: {
            "q": words[k % len(words)],
            "facet.field": facets,
            "rows": 20,
            "include_private": "true",
        },
        "(c) 3 fq + facets": lambda k: {
            "fq": f'organization:"commune-{k % 20:02d}" groups:"{THEMES[k % 13]}" '
            f'res_format:"{FORMATS[k % 3]}"',
            "facet.field": facets,
            "rows": 20,
            "include_private": "true",
        },
        "(d) start=10000": lambda k: {"start": 10000 + k, "rows": 20},
        # not a target: a word in most descriptions (every hit is scored)
        "(e) frequent word": lambda k: {
            "q": ["données", "commune", "service public"][k % 3],
            "facet.field": facets,
            "rows": 20,
        },
    }
    print(f"package_search via GET /api/3/action/package_search ({total} documents):")
    for label, params in cases.items():
        for k in range(5):  # warm-up
            client.get("/api/3/action/package_search", query_string=params(k))
        samples = []
        for k in range(repeat):
            t0 = time.perf_counter()
            resp = client.get("/api/3/action/package_search", query_string=params(k))
            samples.append((time.perf_counter() - t0) * 1000)
            assert resp.status_code == 200, resp.data[:300]
        count = resp.json["result"]["count"]
        p50, p95 = _percentiles(samples)
        print(
            f"  {label:<22} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   "
            f"(n={len(samples)}, last count={count})"
        )


def _bench_rebuild(
    n: int, sysadmin: dict, search: Any, model: Any, factories: Any, helpers: Any
) -> None:
    """Create ``n`` real datasets, then time a full ``search-index rebuild``."""
    user = factories.User()
    org = factories.Organization(user=user)
    rng = random.Random(7)
    for i in range(n):
        doc = _doc(i, rng, [org], datetime(2025, 6, 1))
        helpers.call_action(
            "package_create",
            context={"user": sysadmin["name"], "ignore_auth": True},
            name=f"bench-{i}",
            title=doc["title"],
            notes=doc["notes"],
            owner_org=org["id"],
            license_id=doc["license_id"],
            tags=[{"name": t} for t in doc["tags"]],
            resources=[
                {"url": u, "format": f, "name": nm}
                for u, f, nm in zip(
                    doc["res_url"], doc["res_format"], doc["res_name"], strict=True
                )
            ],
        )
    search.clear_all()
    model.Session.commit()
    t0 = time.perf_counter()
    search.rebuild(defer_commit=True, quiet=True)
    search.commit()
    elapsed = time.perf_counter() - t0
    total = search.make_connection().search(q="*:*", rows=0).hits
    print(
        f"search-index rebuild: {n} datasets in {elapsed:.1f} s "
        f"= {n / elapsed:.0f} datasets/s (indexed: {total})"
    )


def _replicate(session: Any, unique: int, total: int) -> None:
    """Grow the index to ``total`` documents by copying the distinct ones in SQL
    (new id, name, index_id and modification date; same text and facets)."""
    from ckanext.opendata_collectivites.search import terms

    copy = 1
    while (
        session.execute(_text("SELECT count(*) FROM collectivites_search_doc")).scalar()
        < total
    ):
        session.execute(
            _text(
                """
            INSERT INTO collectivites_search_doc
                (index_id, site_id, stored, strings, tsv, hot, terms, part, modified)
            SELECT md5(index_id || :copy), site_id,
                   stored || jsonb_build_object(
                       'id', stored->>'id' || '-' || :copy,
                       'name', stored->>'name' || '-' || :copy),
                   strings, tsv, hot || jsonb_build_object('metadata_modified',
                       jsonb_build_array(m.modified)), terms, part, m.modified
            FROM collectivites_search_doc, LATERAL (SELECT to_char(
                ((hot->'metadata_modified'->>0)::timestamptz
                 - make_interval(days => :days)) AT TIME ZONE 'UTC',
                'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS modified) m
            WHERE seq IN (
                SELECT seq FROM collectivites_search_doc ORDER BY seq LIMIT :n)
            """
            ),
            {"copy": str(copy), "days": copy, "n": min(unique, total - unique * copy)},
        )
        copy += 1
    terms.recount(session)  # the copies bypassed the engine's counts
    session.commit()


def _text(sql: str) -> Any:
    from sqlalchemy import text

    return text(sql)


if __name__ == "__main__":
    main()
