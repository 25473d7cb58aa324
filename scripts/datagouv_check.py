"""What data.gouv.fr keeps of the portal's DCAT feed (run by ``datagouv_check.sh``).

Runs with the project's virtualenv: creates a collectivité with a dataset with
every field filled (plus a second one, and one catalogue row per page so that
paging is exercised) through CKAN actions in a dedicated database, serves the
portal on a local port, writes the collectivité's ``catalog.ttl`` and the
dataset's ``.ttl`` into ``var/datagouv/``, then has udata (its own virtualenv,
``scripts/datagouv_udata.py``) harvest the catalogue with its ``DcatBackend``
as data.gouv.fr does, and compares, field by field, what the feed says with
what udata kept. ``--demo-data`` also loads the demo content (``make demo``'s)
and harvests every collectivité's catalogue; ``--format rdf|jsonld`` has udata
harvest ``catalog.rdf`` or ``catalog.jsonld`` instead of ``catalog.ttl``.

Exit status: 0 when udata keeps every field it can read and logs no warning,
1 otherwise, 2 when the check itself cannot run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.request
from typing import Any

from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
OUT = os.path.join(REPO, "var", "datagouv")
FIXTURES = os.path.join(REPO, "tests", "fixtures")
LICENCES = os.path.join(FIXTURES, "datagouv", "licenses.json")
SCHEMAS = os.path.join(FIXTURES, "reference", "schema.data.gouv.fr", "schemas.json")
SCDL = "https://schema.data.gouv.fr/schemas/scdl"
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SHA256 = SPDX.checksumAlgorithm_sha256
CSV_BODY = b"COLL_NOM;DELIB_ID\nVille de Rennes;2024-001\n"
DCT = DCTERMS

# What the feed says that udata 17.18.0 does not read at all (shown, not counted):
# no reader in udata/core/dataset/rdf.py (dataset_from_rdf, lines 970-1107).
NOT_READ = [
    ("dct:language", "langue"),
    ("geodcat:spatialResolutionAsText", "granularité (udata lit mètres et échelles)"),
    ("dct:creator/dct:identifier", "SIREN du producteur"),
    ("dct:publisher/dct:identifier", "SIREN de la collectivité"),
    ("dct:subject", "thèmes du portail en concepts (gardés par dcat:keyword)"),
    ("dcatap:applicableLegislation", "législation HVD (gardée : mot clé « hvd »)"),
]


# --------------------------------------------------------------------------
# The portal
# --------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _make_app(ini: str, site_url: str):
    os.environ["CKAN_SITE_URL"] = site_url
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    conf = load_config(ini)
    conf["ckan.site_url"] = site_url
    # One dataset per catalogue page: udata must follow the paging links.
    conf["ckanext.dcat.datasets_per_page"] = "1"
    app = make_app(conf)
    for name in ("ckan", "ckanext", "werkzeug"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return app


def _action(action: str, user: str, **data: Any) -> Any:
    import ckan.plugins.toolkit as tk

    return tk.get_action(action)({"user": user, "ignore_auth": True}, data)


def _organization(user: str, **data: Any) -> dict[str, Any]:
    import ckan.plugins.toolkit as tk

    try:
        return _action("organization_show", user, id=data["name"])
    except tk.ObjectNotFound:
        return _action("organization_create", user, **data)


def build_portal() -> dict[str, Any]:
    """A collectivité with a fully filled dataset and a smaller one."""
    from ckan import model

    user = model.User(name="datagouv-check", email="check@example.org", sysadmin=True)
    user.state = "active"
    model.Session.add(user)
    model.Session.commit()
    u = user.name
    rennes = _organization(
        u,
        name="ville-de-rennes",
        title="Ville de Rennes",
        collectivite_type="commune",
        siren="213502388",
        territory="commune:35238",
        website="https://metropole.rennes.fr",
        email="opendata@rennes.fr",
    )
    full = _action(
        "package_create",
        u,
        name="deliberations-rennes",
        title="Délibérations du conseil municipal",
        notes="Liste des délibérations adoptées par le conseil municipal.",
        url="https://metropole.rennes.fr/deliberations",
        owner_org=rennes["id"],
        license_id="lov2",
        tag_string="délibérations,conseil municipal",
        themes=["administration", "environnement"],
        frequency="MONTHLY",
        temporal_start="2024-01-01",
        temporal_end="2024-12-31",
        territories=["commune:35238"],
        spatial_granularity="communale",
        contact_name="Service open data",
        contact_email="opendata@rennes.fr",
        producer_name="Ville de Rennes",
        producer_siren="213502388",
        conforms_to=f"{SCDL}/deliberations/2.1.5/schema.json",
        issued="2024-02-01",
        modified="2025-03-01",
        language=["FRA", "ENG"],
        access_rights="PUBLIC",
        hvd_category=["c_ac64a52d"],
        resources=[
            {
                "name": "Délibérations 2024",
                "description": "Fichier CSV conforme au SCDL",
                "url": "https://metropole.rennes.fr/files/deliberations-2024.csv",
                "format": "CSV",
                "mimetype": "text/csv",
                "size": len(CSV_BODY),
                "hash": hashlib.sha256(CSV_BODY).hexdigest(),
                "hash_algorithm": str(SHA256),
                "conforms_to": f"{SCDL}/deliberations/2.1.5/schema.json",
            },
            {
                "name": "Délibérations (JSON)",
                "description": "Export JSON",
                "url": "https://metropole.rennes.fr/files/deliberations.json",
                "format": "JSON",
                "mimetype": "application/json",
                "size": 2048,
            },
        ],
    )
    _action(
        "package_create",
        u,
        name="budget-primitif-rennes",
        title="Budget primitif",
        notes="Budget primitif de la commune.",
        owner_org=rennes["id"],
        license_id="odc-odbl",
        frequency="ANNUAL",
        territories=["commune:35238"],
        resources=[
            {
                "name": "Budget primitif 2025",
                "url": "https://metropole.rennes.fr/files/budget-2025.csv",
                "format": "CSV",
            }
        ],
    )
    return {"rennes": rennes, "full": full}


def _serve(app, port: int):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=120) as r:  # noqa: S310 (local)
        return r.read().decode("utf-8")


# --------------------------------------------------------------------------
# What the feed says, in udata's terms
# --------------------------------------------------------------------------
def _datagouv_licence_ids() -> dict[str, str]:
    with open(LICENCES, encoding="utf-8") as f:
        licences = json.load(f)
    return {
        url: lic["id"]
        for lic in licences
        for url in [lic["url"], *lic.get("alternate_urls", [])]
        if url
    }


def _schema_names() -> dict[str, str]:
    with open(SCHEMAS, encoding="utf-8") as f:
        schemas = json.load(f)["schemas"]
    names = {}
    for s in schemas:
        names[s["schema_url"]] = s["name"]
        for v in s.get("versions", []):
            names[v["schema_url"]] = f"{s['name']} {v['version_name']}"
    return names


def _tag(text: str) -> str:
    """udata's tag normalisation (slugified, lower case), enough to compare."""
    t = unicodedata.normalize("NFKD", str(text).lower())
    t = "".join(c for c in t if not unicodedata.combining(c))
    return "-".join("".join(c if c.isalnum() else " " for c in t).split())


def _one(g: Graph, s, p) -> Any:
    return g.value(s, p)


def _day(value: Any) -> str | None:
    """A date or date-time to the second (MongoDB keeps milliseconds)."""
    return str(value).replace(" ", "T")[:19] if value is not None else None


def emitted(g: Graph, ds: URIRef) -> dict[str, Any]:
    """The fields of a ``dcat:Dataset`` that udata can read, as the feed says them."""
    licences = _datagouv_licence_ids()
    schemas = _schema_names()

    def schema(node) -> str | None:
        std = _one(g, node, DCT.conformsTo)
        return schemas.get(str(std), str(std)) if std is not None else None

    e: dict[str, Any] = {
        "title": _one(g, ds, DCT.title),
        "description": _one(g, ds, DCT.description),
        "issued": _day(_one(g, ds, DCT.issued)),
        "modified": _day(_one(g, ds, DCT.modified)),
        "identifier": _one(g, ds, DCT.identifier),
        "remote_url": _one(g, ds, DCAT.landingPage) or ds,
        "schema": schema(ds),
    }
    lic = _one(g, ds, DCT.license)
    if lic is not None:
        e["license"] = licences.get(str(lic), f"? {lic}")
    freq = _one(g, ds, DCT.accrualPeriodicity)
    if freq is not None:
        e["frequency"] = str(freq).rsplit("/", 1)[-1]
    period = _one(g, ds, DCT.temporal)
    if period is not None:
        start, end = (_one(g, period, p) for p in (DCAT.startDate, DCAT.endDate))
        e["temporal"] = f"{_day(start)}/{_day(end)}"
    keywords = {_tag(k) for k in g.objects(ds, DCAT.keyword)}
    if keywords:
        e["tags"] = sorted(keywords)
    for contact in g.objects(ds, DCAT.contactPoint):
        mail = str(_one(g, contact, VCARD.hasEmail) or "").removeprefix("mailto:")
        e["contact"] = f"contact: {_one(g, contact, VCARD.fn)} <{mail}>"
    if any(
        (place, DCAT.bbox, None) in g or (place, DCAT.centroid, None) in g
        for place in g.objects(ds, DCT.spatial)
    ):
        e["spatial"] = "MultiPolygon"
    resources = []
    for dist in g.objects(ds, DCAT.distribution):
        r: dict[str, Any] = {
            "url": _one(g, dist, DCAT.downloadURL) or _one(g, dist, DCAT.accessURL),
            "title": _one(g, dist, DCT.title),
            "schema": schema(dist),
        }
        fmt = _one(g, dist, DCT["format"])
        if fmt is not None:
            r["format"] = str(fmt).rsplit("/", 1)[-1].lower()
        size = _one(g, dist, DCAT.byteSize)
        if size is not None:
            r["filesize"] = int(size)
        mime = _one(g, dist, DCAT.mediaType)
        if mime is not None:
            r["mime"] = str(mime).split("/media-types/", 1)[-1]
        checksum = _one(g, dist, SPDX.checksum)
        if checksum is not None:
            algo = str(_one(g, checksum, SPDX.algorithm) or "")
            value = _one(g, checksum, SPDX.checksumValue)
            r["checksum"] = f"{algo.rsplit('_', 1)[-1]}:{value}"
        resources.append(r)
    e["resources"] = sorted(resources, key=lambda r: str(r["url"]))
    return {k: v for k, v in e.items() if v is not None}


Row = tuple[str, str, str, bool]


def compare(exp: dict[str, Any], got: dict[str, Any] | None) -> list[Row]:
    """(field, emitted, kept by udata, kept?) for each field the feed fills."""
    got = got or {}
    rows: list[Row] = []
    for key, value in exp.items():
        if key in ("resources", "tags", "contact"):
            continue
        kept = got.get(key)
        if key in ("issued", "modified"):
            kept = _day(kept)
        if key == "frequency":  # an EU code against udata's name for it
            ok = kept not in (None, "unknown") or value == "UNKNOWN"
        else:
            ok = str(value) == str(kept)
        rows.append((key, str(value), str(kept), ok))
    if "tags" in exp:
        kept_tags = got.get("tags") or []
        rows.append(
            (
                "tags",
                ", ".join(exp["tags"]),
                ", ".join(kept_tags),
                set(exp["tags"]) <= set(kept_tags),
            )
        )
    if "contact" in exp:
        contacts = got.get("contacts") or []
        rows.append(
            ("contact", exp["contact"], "; ".join(contacts), exp["contact"] in contacts)
        )
    kept_resources = {r["url"]: r for r in got.get("resources") or []}
    urls = [str(r["url"]) for r in exp["resources"]]
    for url in sorted({u for u in urls if urls.count(u) > 1}):
        # udata finds a dataset's resource by its URL (core/dataset/rdf.py:865-878):
        # distributions sharing one become a single resource, the last one read.
        n = sum(1 for r in got.get("resources") or [] if r["url"] == url)
        rows.append(
            (
                "ressources de même URL",
                f"{urls.count(url)} distributions → {url}",
                f"{n} ressource",
                False,
            )
        )
    for i, r in enumerate(exp["resources"], 1):
        if urls.count(str(r["url"])) > 1:
            continue
        k = kept_resources.get(str(r["url"])) or {}
        for key, value in r.items():
            if value is None:
                continue
            rows.append(
                (
                    f"ressource {i} {key}",
                    str(value),
                    str(k.get(key)),
                    str(value) == str(k.get(key)),
                )
            )
    return rows


def print_table(rows: list[Row]) -> int:
    print("| champ | émis par le portail | gardé par udata | |")
    print("|---|---|---|---|")
    for field, emitted_, kept, ok in rows:
        print(f"| {field} | {emitted_} | {kept} | {'ok' if ok else 'PERDU'} |")
    return sum(not ok for *_, ok in rows)


# --------------------------------------------------------------------------
# udata
# --------------------------------------------------------------------------
def run_udata(python: str, urls: list[str]) -> dict[str, Any]:
    script = os.path.join(REPO, "scripts", "datagouv_udata.py")
    cmd = [python, script, "--licenses", LICENCES, "--schemas", SCHEMAS, *urls]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(2)
    return json.loads(proc.stdout)


RDFLIB_FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}


def _catalogue_graph(url: str, fmt: str) -> Graph:
    """Every page of a catalogue, following ``hydra:next`` as udata does."""
    g = Graph()
    hydra_next = URIRef("http://www.w3.org/ns/hydra/core#next")
    while url:
        page = Graph().parse(data=_get(url), format=RDFLIB_FORMATS[fmt])
        g += page
        nxt = next(page.objects(None, hydra_next), None)
        url = str(nxt) if nxt is not None else ""
    return g


def report_source(source: dict[str, Any], g: Graph, full: str | None) -> int:
    """Print what udata kept of one catalogue; returns the number of failures."""
    kept = {d["uri"]: d for d in source["datasets"]}
    datasets = sorted(set(g.subjects(RDF.type, DCAT.Dataset)), key=str)
    failures = 0
    print(f"\n## {source['url']}\n")
    print(
        f"{len(datasets)} jeux dans le flux, {source['items']} moissonnés par udata "
        f"({source['pages']} pages), statut du moissonnage : {source['status']}\n"
    )
    failures += len(datasets) != len(source["datasets"])
    for ds in datasets:
        if isinstance(ds, BNode):
            continue
        rows = compare(emitted(g, ds), kept.get(str(ds)))
        lost = [r for r in rows if not r[3]]
        if str(ds) == full:
            print(f"### {g.value(ds, DCT.title)} (tous les champs remplis)\n")
            lost_n = print_table(rows)
            for predicate, what in NOT_READ:
                print(f"| {what} | {predicate} | (non lu par udata) | - |")
            extras = kept.get(str(ds), {}).get("extras_dcat")
            print(f"\nGardé en plus (extras « dcat » de udata) : {extras}")
            print(f"Champs perdus : {lost_n}\n")
        elif lost:
            print(f"### {g.value(ds, DCT.title)}: {len(lost)} champ(s) perdu(s)\n")
            print_table(lost)
            print()
        failures += len(lost)
    print(f"Avertissements de udata : {len(source['warnings'])}")
    for w in source["warnings"]:
        print(f"- {w}")
    print(f"Erreurs de moissonnage : {len(source['errors'])}")
    for err in source["errors"]:
        print(f"- {err}")
    return failures + len(source["warnings"]) + len(source["errors"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ini", default=None)
    parser.add_argument("--udata-python", required=True)
    parser.add_argument(
        "--format",
        choices=sorted(RDFLIB_FORMATS),
        default="ttl",
        help="catalogue format udata harvests (catalog.<format>)",
    )
    parser.add_argument(
        "--demo-data",
        action="store_true",
        help="load the demo content too and harvest every collectivité",
    )
    args = parser.parse_args()
    ini = args.ini or os.path.join(
        REPO, "config/demo.ini" if args.demo_data else "test.ini"
    )

    if not os.environ.get("CKAN_SQLALCHEMY_URL"):
        # The check empties its database: never the one test.ini names.
        print("Lancer scripts/datagouv_check.sh (base dédiée).", file=sys.stderr)
        return 2
    started = time.monotonic()
    port = _free_port()
    site_url = f"http://127.0.0.1:{port}"
    app = _make_app(ini, site_url)
    with app._wsgi_app.test_request_context():
        from ckan.lib import search
        from ckan.plugins import toolkit as tk
        from ckan.tests import helpers

        helpers.reset_db()
        search.clear_all()
        orgs = ["ville-de-rennes"]
        if args.demo_data:
            from ckanext.opendata_collectivites.demo import loader

            loader.load_all(echo=lambda _msg: None)
            orgs = tk.get_action("organization_list")({"ignore_auth": True}, {})
            orgs = ["ville-de-rennes"] + [o for o in orgs if o != "ville-de-rennes"]
        portal = build_portal()
    server = _serve(app, port)
    try:
        os.makedirs(OUT, exist_ok=True)
        full = portal["full"]
        urls = [f"{site_url}/organization/{org}/catalog.{args.format}" for org in orgs]
        with open(os.path.join(OUT, "ville-de-rennes-catalog.ttl"), "w") as f:
            f.write(_get(urls[0].rsplit(".", 1)[0] + ".ttl"))
        with open(os.path.join(OUT, f"{full['name']}.ttl"), "w") as f:
            f.write(_get(f"{site_url}/dataset/{full['name']}.ttl"))
        graphs = [_catalogue_graph(url, args.format) for url in urls]
        built = time.monotonic()
        result = run_udata(args.udata_python, urls)
    finally:
        server.shutdown()
    with open(os.path.join(OUT, "udata-result.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=2)

    print(
        f"udata {result['udata_version']} (DcatBackend), licences de data.gouv.fr : "
        f"{result['licences']}, flux écrits dans var/datagouv/"
    )
    full_uri = f"{site_url}/dataset/{full['id']}"
    failures = sum(
        report_source(source, g, full_uri)
        for source, g in zip(result["sources"], graphs, strict=True)
    )
    print(
        f"\nDurée : {time.monotonic() - started:.1f} s (portail "
        f"{built - started:.1f} s, udata {time.monotonic() - built:.1f} s)"
    )
    print("Résultat :", "aucune perte" if not failures else f"{failures} problème(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
