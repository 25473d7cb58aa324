"""DCAT-AP catalogue serialisation: stock ``euro_dcat_ap_3`` vs this project's feed.

Same synthetic datasets (package_show-shaped, every field of the contract,
three resources each, 20 collectivités in the database), three contenders:

- stock as shipped: ckanext-dcat's ``RDFSerializer.serialize_catalog`` with
  ``euro_dcat_ap_3`` (what its ``/catalog.ttl`` runs), in a subprocess where
  this extension's process-wide work-arounds (``compat/plugin_scan.py``,
  ``compat/dcat_quote.py``) are reverted: the defect the issue describes;
- stock with fixes: the same in this process, work-arounds applied;
- ours: ``FeedSerializer.serialize_page`` with
  ``euro_dcat_ap_3 collectivites_dcat_ap`` (what ``/catalog.ttl`` runs here);
- for the single page also ``euro_dcat_ap_3`` alone through
  ``FeedSerializer``: the stock profile's own work, which runs first in our
  chain, bounds what the chain can reach.

1. one catalogue page of N datasets (default 1,000) to Turtle, ``--repeat``
   runs, median datasets/s;
2. the full catalogue of M datasets (default 10,000) page by page (100 a page);
3. peak Python memory (tracemalloc, separate untimed pass) of the page-by-page
   runs for several catalogue sizes: it must not grow with the catalogue.

Usage::

    make bench-db   # or scripts/initdb.sh test.ini <database>
    CKAN_SQLALCHEMY_URL=postgresql://ckan:ckan@127.0.0.1:5432/ckan_bench \\
        .venv/bin/python benchmarks/dcat.py [--page 1000] [--full 10000] \\
        [--repeat 3] [--profile]

The stock full-catalogue runs are long: ``--stock-full-pages K`` times only
their first K pages and reports the measured rate (default: all pages).

The issue measured stock on CKAN 2.11.5, whose plugin iteration re-scans
every distribution's entry points; 2.11.6 (pinned) only re-loads them. To
measure stock as shipped on 2.11.5, give the worker its own venv::

    python3 -m venv /tmp/ckan2115
    sed 's/==2.11.6/==2.11.5/' requirements.txt > /tmp/req-2115.txt
    /tmp/ckan2115/bin/pip install -r /tmp/req-2115.txt wheel
    /tmp/ckan2115/bin/pip install --no-deps --no-build-isolation .
    .venv/bin/python benchmarks/dcat.py --shipped-python /tmp/ckan2115/bin/python \\
        --stock-full-pages 20

``--profile`` prints the cProfile top (by own time) of this project's page.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from typing import Any

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import _ckan  # noqa: E402

STOCK = ["euro_dcat_ap_3"]
OURS = ["euro_dcat_ap_3", "collectivites_dcat_ap"]
PER_PAGE = 100
THEMES = [
    "administration",
    "environnement",
    "transports-deplacements",
    "culture-patrimoine",
]
COMMUNES = ["commune:35238", "commune:35288", "commune:35115", "departement:35"]

Serialise = Callable[[list[dict[str, Any]]], str]


def ensure_orgs(n: int = 20) -> list[dict[str, Any]]:
    from ckan import model

    from ckanext.opendata_collectivites.compat.extras import set_group_extras

    orgs = []
    for i in range(n):
        name = f"bench-collectivite-{i}"
        group = model.Group.by_name(name)
        if group is None:
            group = model.Group(
                name=name,
                title=f"Collectivité {i}",
                type="organization",
                is_organization=True,
            )
            group.state = "active"
            model.Session.add(group)
            model.Session.flush()
            set_group_extras(group, dict((
                ("collectivite_type", "commune"),
                ("siren", "213502388"),
                ("territory", "commune:35238"),
                ("email", f"c{i}@example.org"),
                ("website", f"https://c{i}.example.org"),
            )))
        orgs.append({"id": group.id, "name": group.name, "title": group.title})
    model.Session.commit()
    return orgs


def dataset(i: int, orgs: list[dict[str, Any]]) -> dict[str, Any]:
    did = str(uuid.UUID(int=i + 1))
    org = orgs[i % len(orgs)]
    return {
        "id": did,
        "name": f"jeu-{i}",
        "type": "dataset",
        "title": f"Jeu de données {i}",
        "notes": "Description " * 20,
        "url": f"https://example.org/jeu/{i}",
        "owner_org": org["id"],
        "organization": org,
        "private": False,
        "state": "active",
        "metadata_created": "2025-01-02T10:00:00",
        "metadata_modified": "2025-03-04T10:00:00",
        "tags": [{"name": f"mot-{i % 50}"}, {"name": "budget"}],
        "license_id": "lov2" if i % 3 else "odc-odbl",
        "themes": [THEMES[i % 4]],
        "frequency": "MONTHLY",
        "temporal_start": "2024-01-01",
        "temporal_end": "2024-12-31",
        "territories": [COMMUNES[i % 4]],
        "spatial_granularity": "communale",
        "contact_name": "Service open data",
        "contact_email": "opendata@example.org",
        "producer_name": "Ville",
        "producer_siren": "213502388",
        "conforms_to": "https://schema.data.gouv.fr/schemas/scdl/deliberations/2.1.5/schema.json",
        "issued": "2024-02-01",
        "modified": "2025-03-01",
        "language": ["FRA"],
        "access_rights": "PUBLIC",
        "hvd_category": ["c_ac64a52d"] if i % 10 == 0 else [],
        "resources": [
            {
                "id": str(uuid.UUID(int=10**9 + i * 3 + j)),
                "package_id": did,
                "name": f"Ressource {j}",
                "format": ("CSV", "JSON", "PDF")[j],
                "size": 1000 + j,
                "url": f"https://example.org/jeu/{i}/{j}",
                "url_type": "upload" if j == 0 else "",
            }
            for j in range(3)
        ],
    }


def pages(total: int, orgs: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, total, PER_PAGE):
        yield [dataset(i, orgs) for i in range(start, min(total, start + PER_PAGE))]


def stock_page(dicts: list[dict[str, Any]]) -> str:
    from ckanext.dcat.processors import RDFSerializer

    return RDFSerializer(profiles=STOCK).serialize_catalog({}, dicts, _format="ttl")


def our_page(dicts: list[dict[str, Any]]) -> str:
    from ckanext.opendata_collectivites.dcat.serializer import FeedSerializer

    return FeedSerializer(profiles=OURS).serialize_page({}, dicts, "ttl")


def stock_profile_in_our_feed(dicts: list[dict[str, Any]]) -> str:
    """``euro_dcat_ap_3`` alone through our serializer: the chain's ceiling."""
    from ckanext.opendata_collectivites.dcat.serializer import FeedSerializer

    return FeedSerializer(profiles=STOCK).serialize_page({}, dicts, "ttl")


def rate(
    fn: Serialise,
    batches: Iterator[list[dict[str, Any]]],
    limit_pages: int | None = None,
) -> dict[str, float]:
    """Datasets, wall and CPU seconds over the batches (page by page)."""
    n, wall, cpu = 0, 0.0, 0.0
    for k, batch in enumerate(batches):
        if limit_pages is not None and k >= limit_pages:
            break
        start, start_cpu = time.perf_counter(), time.process_time()
        out = fn(batch)
        wall += time.perf_counter() - start
        cpu += time.process_time() - start_cpu
        assert "dcat:Dataset" in out or "ns/dcat#Dataset" in out
        n += len(batch)
    return {"n": n, "wall": wall, "cpu": cpu, "rate": n / wall, "cpu_rate": n / cpu}


def measure(
    fn: Serialise,
    orgs: list[dict[str, Any]],
    args: argparse.Namespace,
    limit_pages: int | None = None,
    full: bool = True,
) -> dict[str, Any]:
    """One page ``--repeat`` times (median), then the full catalogue."""
    fn([dataset(0, orgs)])  # warm caches (vocabularies, entry points)
    single = [dataset(i, orgs) for i in range(args.page)]
    runs = [rate(fn, iter([single])) for _ in range(args.repeat)]
    return {
        "page": {
            "rate": statistics.median(r["rate"] for r in runs),
            "cpu_rate": statistics.median(r["cpu_rate"] for r in runs),
            "runs": [r["rate"] for r in runs],
        },
        "full": rate(fn, pages(args.full, orgs), limit_pages) if full else None,
    }


def as_shipped(args: argparse.Namespace) -> dict[str, Any]:
    """:func:`measure` stock in a new process, the work-arounds reverted."""
    cmd = [
        args.shipped_python or sys.executable,
        os.path.abspath(__file__),
        "--as-shipped-worker",
        f"--page={args.page}",
        f"--full={args.full}",
        f"--repeat={args.repeat}",
    ]
    if args.stock_full_pages is not None:
        cmd.append(f"--stock-full-pages={args.stock_full_pages}")
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def peak_mb(
    fn: Serialise, total: int, orgs: list[dict[str, Any]], one_page: bool = False
) -> float:
    batches = [[dataset(i, orgs) for i in range(total)]] if one_page else None
    tracemalloc.start()
    for batch in batches or pages(total, orgs):
        fn(batch)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def profile_top(fn: Serialise, page: list[dict[str, Any]], n: int = 25) -> str:
    prof = cProfile.Profile()
    prof.runcall(fn, page)
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(n)
    return out.getvalue()


LIVE_PREFIX = "live-jeu-"


def ensure_live_datasets(n: int, orgs: list[dict[str, Any]]) -> int:
    """Create public datasets ``live-jeu-<i>`` through ``package_create`` up
    to ``n`` (kept between runs); return how many were created now."""
    from ckan import model
    from ckan.plugins import toolkit as tk

    have = (
        model.Session.query(model.Package.name)
        .filter(model.Package.name.like(f"{LIVE_PREFIX}%"))
        .count()
    )
    admin = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    for i in range(have, n):
        d = dataset(i, orgs)
        for key in ("id", "organization", "hvd_category", "metadata_created"):
            d.pop(key)
        d["name"] = f"{LIVE_PREFIX}{i}"
        d["tag_string"] = ",".join(t["name"] for t in d.pop("tags"))
        for r in d["resources"]:
            for key in ("id", "package_id", "url_type"):
                r.pop(key)
        tk.get_action("package_create")({"user": admin, "ignore_auth": True}, d)
    return max(0, n - have)


def live(app: Any, n: int, orgs: list[dict[str, Any]], repeat: int) -> None:
    """Time ``/catalog.ttl`` pages over HTTP (Flask test client, real search)."""
    created = ensure_live_datasets(n, orgs)
    client = app.test_client()
    pages_n = -(-n // PER_PAGE)
    for label, url in (
        ("portal /catalog.ttl", "/catalog.ttl"),
        (
            "collectivité /organization/<name>/catalog.ttl",
            f"/organization/{orgs[0]['name']}/catalog.ttl",
        ),
    ):
        client.get(url)  # warm
        samples, served = [], 0
        for _ in range(repeat):
            for page in range(1, pages_n + 1):
                start = time.perf_counter()
                response = client.get(url, query_string={"page": page})
                elapsed = time.perf_counter() - start
                if response.status_code == 404:
                    break  # past the collectivité's last page
                assert response.status_code == 200, (url, page)
                samples.append(elapsed * 1000)
                served += response.get_data(as_text=True).count(" a dcat:Dataset")
        print(
            f"   {label:<46} p50 {statistics.median(samples):6.0f} ms a page "
            f"({served / sum(samples) * 1000:.0f} datasets/s over {len(samples)} "
            "pages)"
        )
    print(f"   ({n} datasets in the database, {created} created by this run)")


def load() -> str:
    return "load average " + " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _line(label: str, r: dict[str, Any]) -> str:
    line = f"   {label:<30} {r['rate']:7.1f} datasets/s  (CPU {r['cpu_rate']:7.1f}"
    if "runs" in r:
        return line + "; runs " + ", ".join(f"{x:.0f}" for x in r["runs"]) + ")"
    return line + f"; {r['n']} datasets in {r['wall']:6.1f} s)"


def report(
    args: argparse.Namespace,
    shipped: dict[str, Any],
    fixed: dict[str, Any],
    ours: dict[str, Any],
    ceiling: dict[str, Any],
) -> None:
    titles = {
        "page": f"1) one page of {args.page} datasets -> Turtle, "
        f"median of {args.repeat} runs",
        "full": f"2) full catalogue of {args.full} datasets, {PER_PAGE} a page "
        "-> Turtle",
    }
    for key, title in titles.items():
        print(f"\n{title}")
        print(_line("stock euro_dcat_ap_3, shipped", shipped[key]))
        print(_line("stock, with the work-arounds", fixed[key]))
        print(_line("collectivites (+profile)", ours[key]))
        if ceiling[key]:
            print(_line("stock profile alone, our feed", ceiling[key]))
        for label, other in (("shipped", shipped), ("with work-arounds", fixed)):
            wall = ours[key]["rate"] / other[key]["rate"]
            cpu = ours[key]["cpu_rate"] / other[key]["cpu_rate"]
            print(f"   ratio ours / stock {label:<17} {wall:5.1f} x  (CPU {cpu:.1f} x)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--page", type=int, default=1000, help="datasets in one page")
    ap.add_argument(
        "--full", type=int, default=10000, help="datasets in the full catalogue"
    )
    ap.add_argument("--repeat", type=int, default=3, help="runs of the single page")
    ap.add_argument(
        "--stock-full-pages",
        type=int,
        default=None,
        help="time only the first K pages of the stock full runs",
    )
    ap.add_argument(
        "--memory",
        default="1000,10000",
        help="catalogue sizes of the peak-memory passes (page by page)",
    )
    ap.add_argument("--profile", action="store_true", help="cProfile our page")
    ap.add_argument(
        "--live",
        type=int,
        default=0,
        help="also time /catalog.ttl over HTTP on N real datasets (created once)",
    )
    ap.add_argument(
        "--shipped-python",
        help="interpreter of the 'stock as shipped' run, e.g. a venv with the "
        "CKAN version the issue measured (2.11.5) and this package installed",
    )
    ap.add_argument("--as-shipped-worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()

    app = _ckan.boot()
    import ckan

    from ckanext.opendata_collectivites.compat import dcat_quote, plugin_scan

    with app.test_request_context():
        orgs = ensure_orgs()
        if args.as_shipped_worker:
            plugin_scan.revert()
            dcat_quote.revert()
            result = measure(stock_page, orgs, args, args.stock_full_pages)
            print(json.dumps({**result, "ckan": ckan.__version__}))
            return
        print(
            f"CKAN {ckan.__version__}; work-arounds in this process: plugin scan "
            f"{plugin_scan.is_applied()}, URI quoting {dcat_quote.is_applied()}"
        )
        print(f"before: {load()}")
        shipped = as_shipped(args)
        print(f"stock as shipped measured on CKAN {shipped['ckan']}")
        fixed = measure(stock_page, orgs, args, args.stock_full_pages)
        ours = measure(our_page, orgs, args)
        ceiling = measure(stock_profile_in_our_feed, orgs, args, full=False)
        report(args, shipped, fixed, ours, ceiling)
        print(f"after the timed runs: {load()}")

        print("\n3) peak traced Python memory (tracemalloc, untimed pass)")
        for size in (int(x) for x in args.memory.split(",")):
            print(
                f"   collectivites, {size:6d} datasets page by page  "
                f"{peak_mb(our_page, size, orgs):7.1f} MB"
            )
        print(
            f"   stock, one page of {args.page} datasets            "
            f"{peak_mb(stock_page, args.page, orgs, one_page=True):7.1f} MB"
        )
        if args.live:
            print(f"\n4) live feed pages over HTTP, {args.live} datasets")
            live(app, args.live, orgs, args.repeat)
        if args.profile:
            page = [dataset(i, orgs) for i in range(args.page)]
            print(f"\n5) cProfile, collectivites, one page of {args.page}")
            print(profile_top(our_page, page))


if __name__ == "__main__":
    main()
