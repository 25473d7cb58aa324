"""DCAT-AP catalogue serialisation: stock ``euro_dcat_ap_3`` vs this project's feed.

Same run, same synthetic datasets (package_show-shaped, every field of the
contract, three resources each, 20 collectivités in the database):

1. one catalogue page of N datasets (default 1,000) to Turtle:
   - stock: ckanext-dcat's ``RDFSerializer.serialize_catalog`` with
     ``euro_dcat_ap_3`` (what its ``/catalog.ttl`` runs);
   - ours: ``FeedSerializer.serialize_page`` with
     ``euro_dcat_ap_3 collectivites_dcat_ap`` (what ``/catalog.ttl`` runs here);
2. the full catalogue of M datasets (default 10,000) page by page (100 a page);
3. peak Python memory (tracemalloc, separate untimed pass) of the page-by-page
   runs for M/10 and M datasets: it must not grow with the catalogue.

Usage::

    CKAN_SQLALCHEMY_URL=postgresql://ckan:ckan@127.0.0.1:5432/ckan_bench \\
        .venv/bin/python benchmarks/dcat.py [--page 1000] [--full 10000]

The stock full-catalogue run is long; ``--stock-full-pages K`` times only its
first K pages and reports the measured rate (default: all pages).
"""

from __future__ import annotations

import argparse
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


def ensure_orgs(n: int = 20) -> list[dict[str, Any]]:
    from ckan import model

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
            for key, value in (
                ("collectivite_type", "commune"),
                ("siren", "213502388"),
                ("territory", "commune:35238"),
                ("email", f"c{i}@example.org"),
                ("website", f"https://c{i}.example.org"),
            ):
                model.Session.add(
                    model.GroupExtra(group_id=group.id, key=key, value=value)
                )
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


def rate(
    fn: Callable[[list[dict[str, Any]]], str],
    batches: Iterator[list[dict[str, Any]]],
    limit_pages: int | None = None,
) -> tuple[float, int, float]:
    """(datasets/s, datasets, seconds) over the batches (page by page)."""
    n, seconds = 0, 0.0
    for k, batch in enumerate(batches):
        if limit_pages is not None and k >= limit_pages:
            break
        start = time.perf_counter()
        out = fn(batch)
        seconds += time.perf_counter() - start
        assert "dcat:Dataset" in out or "ns/dcat#Dataset" in out
        n += len(batch)
    return n / seconds, n, seconds


def peak_mb(
    fn: Callable[[list[dict[str, Any]]], str],
    total: int,
    orgs: list[dict[str, Any]],
    one_page: bool = False,
) -> float:
    batches = [[dataset(i, orgs) for i in range(total)]] if one_page else None
    tracemalloc.start()
    for batch in batches or pages(total, orgs):
        fn(batch)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--page", type=int, default=1000, help="datasets in the single page"
    )
    ap.add_argument(
        "--full", type=int, default=10000, help="datasets in the full catalogue"
    )
    ap.add_argument(
        "--stock-full-pages",
        type=int,
        default=None,
        help="time only the first K pages of the stock full run",
    )
    ap.add_argument(
        "--memory",
        default="1000,10000",
        help="catalogue sizes of the peak-memory passes (page by page)",
    )
    args = ap.parse_args()

    app = _ckan.boot()
    import ckan

    from ckanext.opendata_collectivites.compat import plugin_scan

    with app.test_request_context():
        orgs = ensure_orgs()
        print(
            f"CKAN {ckan.__version__}, plugin-scan work-around applied: "
            f"{plugin_scan.is_applied()}"
        )
        our_page([dataset(0, orgs)])  # warm caches (vocabularies, entry points)
        stock_page([dataset(0, orgs)])

        single = [dataset(i, orgs) for i in range(args.page)]
        s_rate, _, s_sec = rate(stock_page, iter([single]))
        o_rate, _, o_sec = rate(our_page, iter([single]))
        print(f"\n1) one page of {args.page} datasets -> Turtle")
        print(
            f"   stock euro_dcat_ap_3       {s_rate:8.1f} datasets/s  ({s_sec:6.1f} s)"
        )
        print(
            f"   collectivites (+profile)   {o_rate:8.1f} datasets/s  ({o_sec:6.1f} s)"
        )
        print(f"   ratio ours/stock             {o_rate / s_rate:8.1f} x")

        print(
            f"\n2) full catalogue of {args.full} datasets, {PER_PAGE} a page -> Turtle"
        )
        s_rate2, s_n, s_sec2 = rate(
            stock_page, pages(args.full, orgs), args.stock_full_pages
        )
        o_rate2, o_n, o_sec2 = rate(our_page, pages(args.full, orgs))
        print(
            f"   stock euro_dcat_ap_3         {s_rate2:8.1f} datasets/s  "
            f"({s_n} datasets in {s_sec2:6.1f} s)"
        )
        print(
            f"   collectivites (+profile)     {o_rate2:8.1f} datasets/s  "
            f"({o_n} datasets in {o_sec2:6.1f} s)"
        )
        print(f"   ratio ours/stock             {o_rate2 / s_rate2:8.1f} x")

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


if __name__ == "__main__":
    main()
