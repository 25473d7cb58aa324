"""Benchmark of ``ckan search-index rebuild`` on the PostgreSQL engine (prints numbers).

Creates N (default 1,000) realistic scheming datasets with the project's plugins
(``demo.synthetic``: every schema field, themes, territories, keywords, 0-5
resources, private/draft/deleted ones, groups, harvest objects), then times a
full rebuild (``ckan.lib.search.rebuild(defer_commit=True)`` + ``commit()``,
what the CLI runs) with CKAN's per-dataset path (with CKAN's own navl
functions) and with the engine's batched path, in the same run, and checks
that both leave identical index rows.

Usage: .venv/bin/python benchmarks/rebuild.py [--datasets 1000] [--repeat 3]
       [--db ckan_bench_rebuild] [--reuse] [--profile old|new]
Database: ``--db`` (created by this script; emptied unless ``--reuse``).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
import _ckan  # noqa: E402


def _ini() -> str:
    return _ckan.write_ini(
        "bench-rebuild", {"ckan.auth.create_unowned_dataset": "true"}
    )


def _rows() -> dict[str, tuple]:
    """Index rows without the indexing time (the only field that may differ)."""
    from ckan import model
    from sqlalchemy import text

    out = {}
    for r in model.Session.execute(
        text(
            "SELECT index_id, site_id, stored - 'indexed_ts', strings - 'indexed_ts', "
            "tsv::text, hot - 'indexed_ts' FROM collectivites_search_doc"
        )
    ):
        out[r[0]] = tuple(r[1:])
    return out


def _timed_rebuild(rebuild: Any, profile: bool) -> tuple[float, dict[str, tuple]]:
    import ckan.lib.search as search
    from ckan import model

    search.clear_all()
    model.Session.commit()
    profiler = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    if profiler:
        profiler.enable()
    rebuild(defer_commit=True, quiet=True)
    search.commit()
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - t0
    if profiler:
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
    return elapsed, _rows()


def _stock(rebuild: Any) -> Any:
    """CKAN's rebuild with CKAN's own navl functions (the extension's faster
    ones are process-wide once it is loaded)."""
    from ckanext.opendata_collectivites.compat import navl_speed

    def stock(**kwargs: Any) -> None:
        applied = navl_speed.is_applied()
        navl_speed.revert()
        try:
            rebuild(**kwargs)
        finally:
            if applied:
                navl_speed.apply()

    return stock


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--db", default="ckan_bench_rebuild")
    ap.add_argument(
        "--reuse", action="store_true", help="keep the datasets of a previous run"
    )
    ap.add_argument("--profile", choices=("old", "new"), help="cProfile one rebuild")
    ap.add_argument(
        "--workers", type=int, help="ckanext.collectivites.search.rebuild_workers"
    )
    args = ap.parse_args()

    ini = _ini()
    _ckan.init_db(ini, args.db)
    app = _ckan.boot(ini)

    import ckan.lib.search as search
    from ckan import model

    from ckanext.opendata_collectivites.demo import synthetic
    from ckanext.opendata_collectivites.search import rebuild as batched

    if args.workers is not None:
        from ckan.common import config

        config[batched.WORKERS_OPTION] = args.workers
    with app.test_request_context():
        existing = (
            model.Session.query(model.Package)
            .filter(model.Package.type == "dataset")
            .count()
        )
        if not (args.reuse and existing >= args.datasets):
            model.repo.delete_all()
            search.clear_all()
            model.Session.commit()
            t0 = time.perf_counter()
            for _ in synthetic.build(args.datasets):
                pass
            print(
                f"created {args.datasets} datasets in {time.perf_counter() - t0:.0f} s"
            )
        total = model.Session.query(model.Package).count()
        paths = {
            "old (CKAN per dataset)": _stock(batched.STOCK_REBUILD),
            "new (batched)": search.rebuild,
        }
        times: dict[str, list[float]] = {k: [] for k in paths}
        rows: dict[str, dict] = {}
        for k in range(args.repeat):
            for label, fn in paths.items():
                profile = (
                    args.profile is not None
                    and k == 0
                    and label.startswith(args.profile)
                )
                elapsed, rows[label] = _timed_rebuild(fn, profile)
                times[label].append(elapsed)
        old, new = rows.values()
        differ = sorted(i for i in old.keys() | new.keys() if old.get(i) != new.get(i))
        load1, load5, _ = os.getloadavg()
        print(f"search-index rebuild of {total} packages ({len(old)} index rows):")
        for label, samples in times.items():
            med = statistics.median(samples)
            print(
                f"  {label:<24} median {med:6.2f} s = {total / med:6.0f} datasets/s"
                f"   (runs: {', '.join(f'{s:.2f}' for s in samples)})"
            )
        print(f"  rows differing between the two paths: {len(differ)}")
        print(f"({os.cpu_count()} CPUs, load average {load1:.1f} / {load5:.1f})")
        if differ:
            sys.exit(1)


if __name__ == "__main__":
    main()
