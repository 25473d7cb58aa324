"""p50 of the obligations dashboard (action ``collectivites_obligations``).

Ille-et-Vilaine (350 communes and EPCI in the territory data), 300 commune
organisations, N public datasets (default 5,000) loaded straight into the
search index (the dashboard reads ``package_search`` only), 30 % of them
declaring an SCDL socle schema, with verdicts in the validation table.
Prints p50/p95 cold (Redis cache dropped before every call, as a dataset
change or a verdict does) and warm::

    VENV_BIN=.venv-2.12/bin bash scripts/initdb.sh test.ini ckan_bench_validation
    CKAN_SQLALCHEMY_URL=postgresql://ckan:ckan@127.0.0.1:5432/ckan_bench_validation \\
    CKAN_REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv-2.12/bin/python benchmarks/obligations.py [--datasets 5000] [--repeat 10]

Never point it at a database you care about: it replaces the site's index.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault(
    "CKAN_SQLALCHEMY_URL", "postgresql://ckan:ckan@127.0.0.1:5432/ckan_bench_validation"
)
os.environ.setdefault("CKAN_REDIS_URL", "redis://127.0.0.1:6379/8")

import _ckan  # noqa: E402

DEPARTEMENT = "departement-ille-et-vilaine"
SCHEMA_BASE = "https://schema.data.gouv.fr/schemas/"


def organisations(count: int) -> list[dict]:
    from ckan.plugins import toolkit as tk

    from ckanext.opendata_collectivites.vocabularies import territories

    ctx = {
        "ignore_auth": True,
        "user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"],
    }
    existing = tk.get_action("organization_list")(dict(ctx), {"limit": 1000})
    if DEPARTEMENT not in existing:
        tk.get_action("organization_create")(
            dict(ctx),
            {
                "name": DEPARTEMENT,
                "title": "Département d'Ille-et-Vilaine",
                "collectivite_type": "departement",
                "siren": "223500018",
                "territory": "departement:35",
            },
        )
    communes = sorted(
        (
            t
            for t in territories.all_territories(["commune"])
            if "departement:35" in t.parents and t.siren
        ),
        key=lambda t: -(t.population or 0),
    )[:count]
    out = []
    for t in communes:
        name = f"commune-{t.code}"
        if name not in existing:
            tk.get_action("organization_create")(
                dict(ctx),
                {
                    "name": name,
                    "title": t.name,
                    "collectivite_type": "commune",
                    "siren": t.siren,
                    "territory": t.id,
                },
            )
        out.append(tk.get_action("organization_show")(dict(ctx), {"id": name}))
    return out


def load(count: int, orgs: list[dict]) -> None:
    from ckan import model
    from ckan.lib import search
    from ckan.lib.search.common import make_connection
    from ckan.plugins import toolkit as tk
    from sqlalchemy import text

    from ckanext.opendata_collectivites.obligations import coverage
    from ckanext.opendata_collectivites.validation import model as results
    from ckanext.opendata_collectivites.validation import schemas

    rng = random.Random(15)
    socle = [schemas.resolve(s["schema"]) for s in coverage.socle()]
    socle = [r for r in socle if r is not None]
    site_id = tk.config["ckan.site_id"]
    search.clear_all()
    model.Session.execute(text("DELETE FROM collectivites_validation"))
    docs, verdicts = [], []
    for n in range(count):
        org = orgs[rng.randrange(len(orgs))]
        dataset_id = str(uuid.UUID(int=10**7 + n))
        ref = rng.choice(socle) if rng.random() < 0.3 else None
        resources = [
            {
                "id": str(uuid.UUID(int=10**8 + 2 * n + k)),
                "format": "CSV",
                "url": f"https://example.org/{n}-{k}.csv",
                "name": f"Fichier {k}",
            }
            for k in range(rng.randint(1, 2))
        ]
        data = {
            "id": dataset_id,
            "name": f"jeu-{n}",
            "title": f"Jeu {n}",
            "type": "dataset",
            "state": "active",
            "private": False,
            "owner_org": org["id"],
            "conforms_to": ref.url if ref else "",
            "frequency": rng.choice(["ANNUAL", "MONTHLY", "IRREG"]),
            "metadata_modified": "2026-11-01T00:00:00",
            "resources": resources,
        }
        if ref:
            verdicts += [
                (r["id"], dataset_id, rng.choice(["valid", "invalid"]))
                for r in resources
            ]
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
                "title": data["title"],
                "owner_org": org["id"],
                "organization": org["name"],
                "metadata_modified": "2026-11-01T00:00:00Z",
                "metadata_created": "2026-11-01T00:00:00Z",
                "data_dict": blob,
                "validated_data_dict": blob,
            }
        )
    conn = make_connection()
    for i in range(0, len(docs), 1000):
        conn.add(docs=docs[i : i + 1000], commit=False)
    for rid, pid, status in verdicts:
        results.save(results.Result(resource_id=rid, package_id=pid, status=status))
    model.Session.commit()
    print(f"{count} jeux indexés, {len(verdicts)} verdicts, {len(orgs)} collectivités")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=int, default=5000)
    parser.add_argument("--organisations", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    ini = _ckan.write_ini(
        "bench-obligations",
        {
            "ckanext.collectivites.departement": DEPARTEMENT,
            "ckanext.collectivites.pages.cache_ttl": 3600,
        },
    )
    app = _ckan.boot(ini)
    from ckan.plugins import toolkit as tk

    from ckanext.opendata_collectivites.logic import cache

    with app.test_request_context():
        started = time.perf_counter()
        orgs = organisations(args.organisations)
        print(f"collectivités prêtes en {time.perf_counter() - started:.1f} s")
        load(args.datasets, orgs)

        def call() -> dict:
            return tk.get_action("collectivites_obligations")(
                {"user": "", "ignore_auth": False}, {}
            )

        cache.invalidate()  # the tests share the site id: never reuse their counts
        result = call()
        totals = result["totals"]
        print(
            f"{totals['collectivites']} collectivités, {totals['obliged']} obligées, "
            f"{totals['obliged_publishing']} publient au moins un jeu SCDL"
        )
        print(
            "à froid :", _ckan.summary(_ckan.timed(call, args.repeat, cache.invalidate))
        )
        print("à chaud :", _ckan.summary(_ckan.timed(call, args.repeat * 5)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
