"""Harvest throughput: 2,000 datasets from a local Opendatasoft-shaped and a
CKAN-shaped server, and the same CKAN source through ckanext-harvest's stock
CKAN harvester in the same run.

    make bench-db        # once: creates ckan_bench_212 (CKAN 2.12)
    CKAN_SQLALCHEMY_URL=postgresql://ckan:ckan@127.0.0.1:5432/ckan_bench_212 \
    CKAN_REDIS_URL=redis://127.0.0.1:6379/12 \
        .venv-2.12/bin/python benchmarks/harvest.py [--n 2000] [--workers 2]
        [--sources ods,ckan,stock] [--set KEY=VALUE]

Prints, per source: datasets/s of the first run end to end (gather, fetch,
import, indexing), the time of a second run with no remote change and its
share of the first run (target: at most 2 %), and the CPU time per dataset of
the benchmark and its import processes (CKAN, the harvester, the index writer;
not the database server's); then the ratio of our CKAN harvest to the stock
harvester's. Every run uses the same in-process driver (ckanext-harvest's
gather_stage + fetch_and_import_stages, no queues); ours imports in
``--workers`` processes (:mod:`ckanext.opendata_collectivites.harvest.parallel`),
the stock harvester in one.

Planner statistics: without autovacuum (this machine's and CI's PostgreSQL),
tables are never analysed and ckanext-harvest's per-object status queries
(count of the source's datasets, on every ``package_show`` of the source by the
stock harvester) fall back to scans that grow with the portal. Production
keeps statistics current with autovacuum; when it is off the benchmark runs
``ANALYZE`` every ``--analyze-every`` seconds (default 15, 0 = never, to
measure the unanalysed case) in a separate process, for every source alike.
The database is wiped of datasets and harvest sources first: never point it
at a database you care about.
"""

from __future__ import annotations

import argparse
import copy
import os
import pathlib
import resource
import subprocess
import sys
import time
import uuid
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

THEMES = [
    "Environnement",
    "Transports, Déplacements",
    "Sports, Loisirs",
    "Culture, Patrimoine",
    "Administration, Gouvernement, Finances publiques, Citoyenneté",
    "Services, Social",
]


def ods_datasets(n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        out.append(
            {
                "dataset_id": f"jeu-{i}",
                "dataset_uid": f"da_{i:06d}",
                "has_records": True,
                "features": ["analyze", "geo"] if i % 3 == 0 else [],
                "attachments": [
                    {
                        "id": f"notice{i}",
                        "title": "Notice",
                        "mimetype": "application/pdf",
                    }
                ]
                if i % 5 == 0
                else [],
                "metas": {
                    "default": {
                        "title": f"Jeu de données communal n° {i}",
                        "description": f"<p>Description du jeu {i} : équipements, "
                        "services et données de la commune.</p>",
                        "theme": [THEMES[i % len(THEMES)]],
                        "keyword": ["commune", f"mot-clé {i % 50}", "données ouvertes"],
                        "license": "Licence Ouverte v2.0 (Etalab)",
                        "publisher": "Ville de Rennes",
                        "territory": ["Rennes"],
                        "records_count": 100 + i,
                        "modified": "2024-05-06T15:15:18+00:00",
                    },
                    "dcat": {"accrualperiodicity": "Annuelle"},
                },
            }
        )
    return out


def ckan_datasets(n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        pid = str(uuid.UUID(int=i + 1))
        out.append(
            {
                "id": pid,
                "name": f"jeu-ckan-{i}",
                "title": f"Jeu CKAN n° {i}",
                "type": "dataset",
                "state": "active",
                "private": False,
                "notes": f"Description du jeu CKAN {i}.",
                "license_id": "lov2",
                "metadata_created": "2024-01-01T00:00:00.000000",
                "metadata_modified": "2024-06-01T00:00:00.000000",
                "organization": {"id": "o", "name": "ville", "title": "Ville"},
                "groups": [],
                "extras": [],
                "tags": [{"name": "commune"}, {"name": f"mot-clé {i % 50}"}],
                "resources": [
                    {
                        "id": str(uuid.UUID(int=10**6 + 2 * i)),
                        "name": "Données (CSV)",
                        "url": f"https://data.example.fr/{i}.csv",
                        "format": "CSV",
                    },
                    {
                        "id": str(uuid.UUID(int=10**6 + 2 * i + 1)),
                        "name": "Données (JSON)",
                        "url": f"https://data.example.fr/{i}.json",
                        "format": "JSON",
                    },
                ],
            }
        )
    return out


def boot(settings: list[str] | None = None) -> Any:
    os.environ.setdefault(
        "CKAN_SQLALCHEMY_URL",
        "postgresql://ckan:ckan@127.0.0.1:5432/ckan_bench_harvest",
    )
    os.environ.setdefault("CKAN_REDIS_URL", "redis://127.0.0.1:6379/6")
    os.environ.setdefault(
        "CKAN_STORAGE_PATH", str(ROOT / "var" / "storage-bench-harvest")
    )
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    conf = load_config(str(ROOT / "test.ini"))
    conf["ckan.plugins"] = conf["ckan.plugins"] + " ckan_harvester"
    for setting in settings or []:
        key, _, value = setting.partition("=")
        conf[key.strip()] = value.strip()
    app = make_app(conf)
    return getattr(app, "_wsgi_app", app)


def wipe() -> None:
    """Purge datasets and harvest bookkeeping of the benchmark database."""
    import sqlalchemy as sa
    from ckan import model
    from ckanext.harvest import model as hm

    for table in (
        hm.HarvestObjectError,
        hm.HarvestObjectExtra,
        hm.HarvestObject,
        hm.HarvestGatherError,
        hm.HarvestJob,
        hm.HarvestSource,
    ):
        model.Session.execute(sa.delete(table.__table__))
    model.Session.commit()
    import ckan.plugins.toolkit as tk

    ctx = {
        "ignore_auth": True,
        "user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"],
    }
    ids = [i for (i,) in model.Session.query(model.Package.id)]
    for pid in ids:
        tk.get_action("dataset_purge")(dict(ctx), {"id": pid})
    model.Session.commit()


def owner() -> dict[str, Any]:
    import ckan.plugins.toolkit as tk
    from ckan import model

    from ckanext.opendata_collectivites.compat.extras import set_group_extras

    name = "bench-harvest-rennes"
    group = model.Group.get(name)
    if group:
        return {"id": group.id, "name": name}
    ctx = {
        "ignore_auth": True,
        "user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"],
    }
    fields = {
        "collectivite_type": "commune",
        "territory": "commune:35238",
        "siren": "213502388",
    }
    try:
        return tk.get_action("organization_create")(
            ctx, {"name": name, "title": "Ville de Rennes", **fields}
        )
    except Exception:  # noqa: BLE001 - collectivité schema in flux: plain group
        model.Session.rollback()
        group = model.Group(
            name=name,
            title="Ville de Rennes",
            type="organization",
            is_organization=True,
        )
        model.Session.add(group)
        model.Session.flush()
        set_group_extras(group, fields)
        model.Session.commit()
        return {"id": group.id, "name": name}


def source(url: str, org: dict[str, Any], kind: str, name: str) -> dict[str, Any]:
    import ckan.plugins.toolkit as tk

    ctx = {
        "ignore_auth": True,
        "user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"],
    }
    return tk.get_action("harvest_source_create")(
        ctx,
        {
            "url": url,
            "name": name,
            "title": name,
            "source_type": kind,
            "owner_org": org["id"],
            "frequency": "MANUAL",
        },
    )


def autovacuum_is_on() -> bool:
    from ckan import model

    return model.Session.execute(sa_text("SHOW autovacuum")).scalar() == "on"


def sa_text(sql: str) -> Any:
    import sqlalchemy as sa

    return sa.text(sql)


def analyze_loop(url: str, every: float) -> None:
    """Stand-in for autovacuum's analyses: ``ANALYZE`` every ``every`` s."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    while True:
        time.sleep(every)
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                sa.text("ANALYZE")
            )


def start_analyzer(every: float) -> tuple[subprocess.Popen[bytes] | None, str]:
    """The :func:`analyze_loop` process (None when not needed) and a note
    saying how the planner statistics were kept."""
    if autovacuum_is_on():
        return None, "autovacuum"
    if every <= 0:
        return None, "none (autovacuum off, never analysed)"
    url = os.environ["CKAN_SQLALCHEMY_URL"]
    analyzer = subprocess.Popen(
        [sys.executable, __file__, "--analyze-loop", url, "--analyze-every", str(every)]
    )
    return analyzer, f"ANALYZE every {every:g} s, autovacuum being off"


def _cpu() -> float:
    """CPU seconds of this process and of its finished import processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_run(src: dict[str, Any], workers: int) -> tuple[float, Any]:
    from ckan import model

    from ckanext.opendata_collectivites.harvest.run import run_source

    started = time.perf_counter()
    cpu = _cpu()
    summary = run_source(src["id"], workers=workers)
    elapsed = time.perf_counter() - started
    summary.cpu_seconds = _cpu() - cpu  # not the database server's
    model.Session.remove()
    return elapsed, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument(
        "--sources",
        default="ods,ckan,stock",
        help="comma-separated subset of ods, ckan, stock (default: all three)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="import processes for our sources (default 2, the machine's cores); "
        "the stock harvester always runs in one (it does not retry the keyword "
        "collisions of concurrent imports)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="configuration option for this run, e.g. "
        "ckanext.collectivites.harvest.asynchronous_commit=false",
    )
    parser.add_argument(
        "--analyze-every",
        type=float,
        default=15.0,
        metavar="SECONDS",
        help="when autovacuum is off, ANALYZE the database this often "
        "(default 15; 0: never, planner without statistics)",
    )
    parser.add_argument("--analyze-loop", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.analyze_loop:
        analyze_loop(args.analyze_loop, args.analyze_every)
        return
    wanted = set(args.sources.split(","))
    app = boot(args.set)
    import logging

    # Purging the previous run's datasets makes CKAN's indexer log noise.
    logging.getLogger("ckan.model.modification").setLevel(logging.CRITICAL)
    from ckanext.opendata_collectivites.harvest.payload_server import (
        CkanCatalogue,
        OdsCatalogue,
        PayloadServer,
    )

    server = PayloadServer().start()
    ods_url = server.mount("ods", OdsCatalogue(ods_datasets(args.n)))
    ckan_url = server.mount("ckan", CkanCatalogue(ckan_datasets(args.n)))
    ckan_copy = server.mount(
        "ckan-stock", CkanCatalogue(copy.deepcopy(ckan_datasets(args.n)))
    )
    results = {}
    with app.test_request_context():
        wipe()
        org = owner()
        analyzer, stats = start_analyzer(args.analyze_every)
        runs = []
        if "ods" in wanted:
            runs.append(
                (
                    "ODS (collectivites)",
                    source(ods_url, org, "collectivites", "bench-ods"),
                )
            )
        if "ckan" in wanted:
            runs.append(
                (
                    "CKAN (collectivites)",
                    source(ckan_url, org, "collectivites", "bench-ckan"),
                )
            )
        if "stock" in wanted:
            runs.append(
                (
                    "CKAN (stock ckan)",
                    source(ckan_copy, org, "ckan", "bench-ckan-stock"),
                )
            )
        for label, src in runs:
            workers = 1 if "stock" in label else args.workers
            first, s1 = timed_run(src, workers)
            second, s2 = timed_run(src, workers)
            results[label] = (first, second, s1, s2)
        if analyzer:
            analyzer.terminate()
    server.stop()

    print(
        f"\nHarvest benchmark, {args.n} datasets per source "
        f"(first run = empty portal; second run = no remote change; "
        f"{args.workers} import process(es) for ours, 1 for stock; planner "
        f"statistics: {stats})\n"
    )
    print(
        f"{'source':24s} {'added':>6s} {'errors':>6s} {'1st run':>9s} "
        f"{'datasets/s':>10s} {'2nd run':>9s} {'2nd/1st':>8s} {'2nd unchanged':>13s} "
        f"{'CPU ms/ds':>9s}"
    )
    for label, (first, second, s1, s2) in results.items():
        added = s1.counts["added"]
        unchanged = s2.counts["unchanged"] or (
            args.n - s2.counts["updated"] - s2.counts["added"]
        )
        print(
            f"{label:24s} {added:6d} {s1.counts['errors']:6d} {first:8.1f}s "
            f"{added / first:10.1f} {second:8.2f}s {100 * second / first:7.1f}% "
            f"{unchanged:13d} {1000 * s1.cpu_seconds / max(added, 1):9.1f}"
        )
        for message in (s1.gather_errors + s1.object_errors)[:3]:
            print(f"    {message[:160]}")
    if not {"CKAN (collectivites)", "CKAN (stock ckan)"} <= set(results):
        return
    ours = results["CKAN (collectivites)"]
    stock = results["CKAN (stock ckan)"]
    print(
        f"\nCKAN source, first run: collectivites {ours[0]:.1f}s vs stock "
        f"{stock[0]:.1f}s (ratio {stock[0] / ours[0]:.2f}x; >1 means ours is faster)"
    )
    print(
        f"CKAN source, unchanged re-run: collectivites {ours[1]:.2f}s vs stock "
        f"{stock[1]:.2f}s"
    )


if __name__ == "__main__":
    main()
