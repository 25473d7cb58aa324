"""Real-world-shaped French CSV files, built in memory (deterministic)."""

from __future__ import annotations

import random

COMMUNES = [
    ("01004", "01500", "Ambérieu-en-Bugey"),
    ("2A004", "20000", "Ajaccio"),
    ("2B033", "20200", "Bastia"),
    ("35238", "35000", "Rennes"),
    ("97411", "97400", "Saint-Denis"),
    ("05061", "05000", "Gap"),
]
HEADER = [
    "Code INSEE",
    "Code postal",
    "Commune",
    "SIRET bénéficiaire",
    "Objet de la subvention",
    "Montant (€)",
    "Date de décision",
    "Taux",
    "Nombre de bénéficiaires",
    "Catégorie",
]


def siret(rng: random.Random) -> str:
    return "0" + "".join(rng.choice("0123456789") for _ in range(13))


def rows(n: int, seed: int = 14) -> list[list[str]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        insee, cp, nom = COMMUNES[i % len(COMMUNES)]
        euros = rng.randint(0, 999_999)
        out.append(
            [
                insee,
                cp,
                nom,
                siret(rng),
                f"Soutien à l'association « Élan {i} » ; fête, été",
                f"{euros // 100},{euros % 100:02d}",
                f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2024",
                f"0,{rng.randint(0, 99):02d}",
                str(rng.randint(1, 5000)),
                rng.choice(["Culture", "Sport", "Solidarité", "Économie"]),
            ]
        )
    return out


def render(
    table: list[list[str]],
    header: list[str] = HEADER,
    sep: str = ";",
    encoding: str = "cp1252",
    bom: bool = False,
    newline: str = "\r\n",
) -> bytes:
    def cell(value: str) -> str:
        if sep in value or '"' in value or "\n" in value:
            return '"' + value.replace('"', '""') + '"'
        return value

    lines = [sep.join(cell(v) for v in row) for row in [header, *table]]
    data = (newline.join(lines) + newline).encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data
