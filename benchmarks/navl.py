"""Cost of CKAN's navl validation of a dataset dict, with and without
``compat/navl_speed.py`` (prints numbers; not a test).

    .venv/bin/python benchmarks/navl.py          # CKAN 2.11: stock and replaced
    .venv-2.12/bin/python benchmarks/navl.py     # CKAN 2.12: stock only (not applied)

Validates a ``package_show``-shaped dict (N resources, tags and extras) against
CKAN's default show schema, as every index document and ``package_show`` does,
and prints the median time per call.  No database is written.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import _ckan


def dataset(n: int) -> dict[str, Any]:
    """A dataset dict with ``n`` resources, tags and extras."""
    return {
        "id": "0" * 36,
        "name": "jeu",
        "title": "Délibérations du conseil municipal",
        "notes": "Texte " * 50,
        "state": "active",
        "type": "dataset",
        "private": False,
        "license_id": "lov2",
        "resources": [
            {
                "id": f"{i:036d}",
                "url": f"https://example.org/{i}.csv",
                "format": "CSV",
                "name": f"Fichier {i}",
                "description": "Fichier " * 10,
                "position": i,
            }
            for i in range(n)
        ],
        "tags": [{"name": f"mot-{i}", "state": "active"} for i in range(n)],
        "extras": [{"key": f"cle_{i}", "value": str(i)} for i in range(n)],
        "groups": [],
        "organization": None,
        "relationships_as_subject": [],
        "relationships_as_object": [],
    }


def median_ms(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=200)
    args = ap.parse_args()
    app = _ckan.boot()
    import ckan
    import ckan.lib.navl.dictization_functions as df
    from ckan import model
    from ckan.logic.schema import default_show_package_schema

    from ckanext.opendata_collectivites.compat import navl_speed

    with app.test_request_context():
        print(f"CKAN {ckan.__version__}: navl validate, default show schema")
        print("| size (resources, tags, extras) | stock ms | navl_speed ms |")
        print("|---|---|---|")
        for n in (3, 10, 30):
            data = dataset(n)
            context = {"model": model, "session": model.Session}

            def call(data: dict = data, context: dict = context) -> None:
                df.validate(data, default_show_package_schema(), context)

            applied = navl_speed.is_applied()
            navl_speed.revert()
            stock = median_ms(call, args.repeat)
            fast = "not applied (CKAN > 2.11)"
            if navl_speed.apply():
                fast = f"{median_ms(call, args.repeat):.2f}"
            if not applied:
                navl_speed.revert()
            print(f"| {n} | {stock:.2f} | {fast} |")


if __name__ == "__main__":
    main()
