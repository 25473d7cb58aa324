"""Validation throughput (rows/s) of a large SCDL délibérations file.

Builds a délibérations 2.1.5 file (``;`` separator, UTF-8 BOM, as French
portals publish them) whose rows vary the real values of the schema's
examples, with about 1 % of rows broken (bad SIRET, bad date, votes that do
not add up), then validates it as the background job does (decoding,
separator sniffing, header tolerance, frictionless, SCDL custom checks).
No CKAN needed::

    .venv-2.12/bin/python benchmarks/validation.py [--rows 50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import time

from ckanext.opendata_collectivites.validation import schemas, validator

URL = "https://schema.data.gouv.fr/schemas/scdl/deliberations/2.1.5/schema.json"
SIRETS = ["21350238800019", "21860194600013", "24350013900189", "22350001800013"]
SUBJECTS = [
    ("1.1", "Commande publique/Marchés publics"),
    ("2.1", "Urbanisme/Documents d'urbanisme"),
    ("3.1", "Domaine et patrimoine/Acquisitions"),
    ("7.1", "Finances locales/Décisions budgétaires"),
    ("8.4", "Domaines de compétences par thèmes/Aménagement du territoire"),
]


def build(rows: int, seed: int = 2026) -> bytes:
    rnd = random.Random(seed)
    schema = schemas.load(schemas.resolve(URL))
    header = [f["name"] for f in schema["fields"]]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for i in range(rows):
        code, subject = rnd.choice(SUBJECTS)
        month, day = rnd.randint(1, 12), rnd.randint(1, 28)
        pour = rnd.randint(10, 30)
        contre, abst = rnd.randint(0, 10), rnd.randint(0, 5)
        row = {
            "COLL_NOM": "Ville de Rennes",
            "COLL_SIRET": rnd.choice(SIRETS),
            "DELIB_ID": f"DEL{2024}-{i:06d}",
            "DELIB_DATE": f"2024-{month:02d}-{day:02d}",
            "DELIB_MATIERE_CODE": code,
            "DELIB_MATIERE_NOM": subject,
            "DELIB_OBJET": f"Délibération n°{i} : approbation de la convention",
            "BUDGET_ANNEE": "2024",
            "BUDGET_NOM": "Budget principal",
            "PREF_ID": "PREF035",
            "PREF_DATE": f"2024-{month:02d}-{min(day + 2, 28):02d}",
            "VOTE_EFFECTIF": str(pour + contre + abst + 3),
            "VOTE_REEL": str(pour + contre + abst),
            "VOTE_POUR": str(pour),
            "VOTE_CONTRE": str(contre),
            "VOTE_ABSTENTION": str(abst),
            "DELIB_URL": f"https://rennes.fr/deliberations/{i}.pdf",
        }
        if i % 100 == 7:
            row[rnd.choice(["COLL_SIRET", "DELIB_DATE", "VOTE_REEL"])] = "12/13/2024"
        writer.writerow([row[h] for h in header])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    body = build(args.rows)
    schema = schemas.load(schemas.resolve(URL))
    timings = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        report = validator.validate_bytes(body, schema)
        timings.append(time.perf_counter() - start)
    best, median = min(timings), statistics.median(timings)
    print(f"délibérations 2.1.5, {args.rows} lignes, {len(body) / 1e6:.1f} Mo")
    errors, cut = report["error_count"], report["truncated"]
    print(f"  verdict : {errors} erreurs (tronqué : {cut})")
    print(f"  médiane {median:.2f} s, meilleur {best:.2f} s sur {args.repeat} essais")
    print(f"  débit : {args.rows / median:,.0f} lignes/s (médiane)".replace(",", " "))


if __name__ == "__main__":
    main()
