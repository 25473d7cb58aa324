#!/usr/bin/env python3
"""Load time and memory of the territory file (and of the other vocabularies).

Run: ``.venv/bin/python benchmarks/vocabularies_load.py``. Each measurement runs in a
fresh interpreter so that the numbers include parsing from disk; memory is the growth of
the resident set size (RSS) caused by loading (CKAN itself is imported first).
"""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = r"""
import json, time, gc
import ckan.plugins.toolkit  # import cost is not the vocabularies' own
def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
from ckanext.opendata_collectivites import vocabularies as voc
from ckanext.opendata_collectivites.vocabularies import territories
gc.collect()
rss0 = rss_mb()
t0 = time.perf_counter()
n = len(territories.store().items)
t1 = time.perf_counter()
rss1 = rss_mb()
t2 = time.perf_counter()
territories.store().folded()
t3 = time.perf_counter()
rss2 = rss_mb()
t4 = time.perf_counter()
QUERIES = ("ren", "saint", "35238", "paris", "ajaccio", "saint-denis", "97411",
           "243500139")
for q in QUERIES:
    voc.search_territories(q)
t5 = time.perf_counter()
t6 = time.perf_counter()
voc.portal_themes(); voc.frequencies(); voc.eu_themes(); voc.licences(); voc.schemas()
voc.languages(); voc.access_rights(); voc.hvd_categories()
t7 = time.perf_counter()
print(json.dumps({
    "territories": n,
    "territory_load_s": round(t1 - t0, 3),
    "territory_rss_mb": round(rss1 - rss0, 1),
    "search_index_build_s": round(t3 - t2, 3),
    "search_index_rss_mb": round(rss2 - rss1, 1),
    "search_8_queries_ms": round((t5 - t4) * 1000, 1),
    "other_vocabularies_load_s": round(t7 - t6, 3),
}))
"""


def main() -> int:
    runs = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", CHILD], check=True, capture_output=True, text=True
        ).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    keys = runs[0].keys()
    print(f"{'measure':28} {'min':>8} {'max':>8}")
    for k in keys:
        vals = [r[k] for r in runs]
        print(f"{k:28} {min(vals):>8} {max(vals):>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
