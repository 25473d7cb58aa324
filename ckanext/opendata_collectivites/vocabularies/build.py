"""Generate the territory data file from ``@etalab/decoupage-administratif``.

The npm package ships JSON files (``data/communes.json``, ``epci.json``, ``ept.json``,
``departements.json``, ``regions.json``); this module folds them into one compact,
deterministic ``territories.tsv.gz`` read by :mod:`.territories`.
"""

from __future__ import annotations

import csv
import gzip
import importlib
import io
import json
import os
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ckanext.opendata_collectivites.vocabularies import territories

COLUMNS = territories.COLUMNS
_EPCI_KINDS = {
    "CC": "CC",
    "CA": "CA",
    "CU": "CU",
    "METRO": "METRO",
    "MET69": "METRO",
    "EPT": "EPT",
}


def _read(data_dir: str, name: str) -> list[dict[str, Any]]:
    with open(os.path.join(data_dir, f"{name}.json"), encoding="utf-8") as f:
        return json.load(f)


def _package_version(package_dir: str) -> str:
    try:
        with open(os.path.join(package_dir, "package.json"), encoding="utf-8") as f:
            return str(json.load(f).get("version", "?"))
    except OSError:
        return "?"


def rows_from_package(package_dir: str) -> Iterable[tuple[str, ...]]:
    """Yield one TSV row per territory (pays, régions, dép., EPCI, communes)."""
    data_dir = os.path.join(package_dir, "data")
    if not os.path.isdir(data_dir):
        data_dir = package_dir
    regions = _read(data_dir, "regions")
    departements = _read(data_dir, "departements")
    communes = [
        c for c in _read(data_dir, "communes") if c.get("type") == "commune-actuelle"
    ]
    epcis = _read(data_dir, "epci")
    try:
        epcis += _read(data_dir, "ept")
    except OSError:
        pass

    commune_epcis: dict[str, list[str]] = defaultdict(list)
    epci_deps: dict[str, set[str]] = defaultdict(set)
    epci_regs: dict[str, set[str]] = defaultdict(set)
    by_code = {c["code"]: c for c in communes}
    for e in epcis:
        for m in e.get("membres", []):
            commune_epcis[m["code"]].append(f"epci:{e['code']}")
            c = by_code.get(m["code"])
            if c:
                epci_deps[e["code"]].add(c["departement"])
                epci_regs[e["code"]].add(c["region"])
    dep_pop: dict[str, int] = defaultdict(int)
    reg_pop: dict[str, int] = defaultdict(int)
    for c in communes:
        dep_pop[c["departement"]] += int(c.get("population") or 0)
        reg_pop[c["region"]] += int(c.get("population") or 0)

    yield ("pays:FR", "France", "", str(sum(reg_pop.values())), "", "", "")
    for r in sorted(regions, key=lambda r: r["code"]):
        yield (
            f"region:{r['code']}",
            r["nom"],
            "",
            str(reg_pop.get(r["code"], "")),
            "pays:FR",
            "",
            "",
        )
    for d in sorted(departements, key=lambda d: d["code"]):
        yield (
            f"departement:{d['code']}",
            d["nom"],
            "",
            str(dep_pop.get(d["code"], "")),
            f"region:{d['region']}",
            "",
            "",
        )
    for e in sorted(epcis, key=lambda e: e["code"]):
        parents = [f"departement:{x}" for x in sorted(epci_deps[e["code"]])]
        parents += [f"region:{x}" for x in sorted(epci_regs[e["code"]])]
        pop = e.get("populationMunicipale") or sum(
            int(m.get("populationMunicipale") or 0) for m in e.get("membres", [])
        )
        yield (
            f"epci:{e['code']}",
            e["nom"],
            e["code"],
            str(pop or ""),
            ",".join(parents),
            _EPCI_KINDS.get(e.get("type", ""), ""),
            "",
        )
    for c in sorted(communes, key=lambda c: c["code"]):
        parents = sorted(commune_epcis.get(c["code"], []))
        parents += [f"departement:{c['departement']}", f"region:{c['region']}"]
        yield (
            f"commune:{c['code']}",
            c["nom"],
            c.get("siren", ""),
            str(c.get("population") or ""),
            ",".join(parents),
            "",
            " ".join(c.get("codesPostaux", [])),
        )


def write(
    rows: Iterable[tuple[str, ...]], source: str, path: str | None = None
) -> tuple[str, int]:
    """Write ``rows`` as a deterministic gzip TSV (first line: provenance comment)."""
    path = path or territories.DATA_FILE
    buf = io.StringIO()
    buf.write(f"# source: {source}\n")
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    n = 0
    for row in rows:
        writer.writerow(row)
        n += 1
    tmp = path + ".tmp"
    with (
        open(tmp, "wb") as raw,
        gzip.GzipFile(
            fileobj=raw, mode="wb", mtime=0, filename="", compresslevel=9
        ) as gz,
    ):
        gz.write(buf.getvalue().encode("utf-8"))
    os.replace(tmp, path)
    territories.clear_cache()
    return path, n


def build_territories(package_dir: str, path: str | None = None) -> tuple[str, int]:
    """Regenerate the territory file from an unpacked npm package directory."""
    source = f"@etalab/decoupage-administratif {_package_version(package_dir)}"
    return write(rows_from_package(package_dir), source, path)


def update_schemas(source: str, path: str | None = None) -> tuple[str, int]:
    """Replace the shipped ``schemas.json`` by a downloaded copy of
    https://schema.data.gouv.fr/schemas/schemas.json (checked before writing)."""
    # the package exports a function named ``concepts``: fetch the module itself
    concepts = importlib.import_module(f"{__package__}.concepts")

    with open(source, encoding="utf-8") as f:
        raw = json.load(f)
    schemas = raw.get("schemas") if isinstance(raw, dict) else None
    if not schemas or not all(
        isinstance(s, dict) and s.get("name") and isinstance(s.get("versions"), list)
        for s in schemas
    ):
        raise ValueError(
            f"{source} : pas un catalogue schema.data.gouv.fr (schemas.json)"
        )
    path = path or concepts.SCHEMAS_FILE
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(raw, f, ensure_ascii=False, indent=2)
        f.write("\n")
    os.replace(tmp, path)
    concepts.clear_cache()
    return path, sum(len(s["versions"]) for s in schemas)
