"""SCDL ``scdl/catalogue`` 0.1.3 CSV of one collectivité's public datasets.

Columns and value lists come from the schema (schema.data.gouv.fr); values
from the vocabularies (licence → ``LICENCE``, frequency → ``FREQ_MAJ``,
granularity → ``COUV_SPAT_MAILLE``). The SCDL wants SIRETs; the collectivité's
SIRET is read from its ``siret`` field when it has one (the SIREN alone is not
enough), otherwise the column stays empty. Datasets without any resource are
left out (``NOMBRE_RESSOURCES`` must be at least 1).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opendata_collectivites import vocabularies as voc
from ckanext.opendata_collectivites.dcat.cache import FeedCache

COLUMNS = (
    "COLL_NOM",
    "COLL_SIRET",
    "ID",
    "TITRE",
    "DESCRIPTION",
    "THEME",
    "PRODUCTEUR_NOM",
    "PRODUCTEUR_SIRET",
    "COUV_SPAT_MAILLE",
    "COUV_SPAT_NOM",
    "COUV_TEMP_DEBUT",
    "COUV_TEMP_FIN",
    "DATE_PUBL",
    "FREQ_MAJ",
    "DATE_MAJ",
    "MOTS_CLES",
    "LICENCE",
    "NOMBRE_RESSOURCES",
    "FORMAT_RESSOURCES",
    "URL",
)
BATCH = 500


def _ascii_lower(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower().strip()


def _date(value: Any) -> str:
    return str(value or "")[:10]


def _siret(org: dict[str, Any]) -> str:
    siret = "".join(ch for ch in str(org.get("siret") or "") if ch.isdigit())
    return siret if len(siret) == 14 else ""


def row(dataset: dict[str, Any], org: dict[str, Any], site_url: str) -> dict[str, Any]:
    """One catalogue row for a dataset of ``org`` (org fields as in FeedCache)."""
    themes = [
        t.label for t in (voc.portal_theme(s) for s in dataset.get("themes") or []) if t
    ]
    territories = [
        t.name
        for t in (voc.territory(x) for x in dataset.get("territories") or [])
        if t
    ]
    if not territories and org.get("territory"):
        own = voc.territory(org["territory"])
        territories = [own.name] if own else []
    granularity = voc.concept("granularities", dataset.get("spatial_granularity") or "")
    frequency = voc.concept("frequencies", dataset.get("frequency") or "")
    licence = voc.licence(dataset.get("license_id") or "")
    producer = dataset.get("producer_name") or org["title"]
    same_producer = not dataset.get("producer_siren") or dataset.get(
        "producer_siren"
    ) == org.get("siren")
    formats: list[str] = []
    for resource in dataset.get("resources", []):
        fmt = _ascii_lower(resource.get("format") or "")
        if fmt and fmt not in formats:
            formats.append(fmt)
    keywords = [
        _ascii_lower(t["name"]).replace(" ", "-") for t in dataset.get("tags", [])
    ]
    return {
        "COLL_NOM": org["title"][:140],
        "COLL_SIRET": _siret(org),
        "ID": dataset["name"],
        "TITRE": dataset.get("title") or dataset["name"],
        "DESCRIPTION": dataset.get("notes") or dataset.get("title") or dataset["name"],
        "THEME": (themes[0] if themes else "Autre")[:140],
        "PRODUCTEUR_NOM": producer,
        "PRODUCTEUR_SIRET": _siret(org) if same_producer else "",
        "COUV_SPAT_MAILLE": (
            granularity.scdl if granularity and granularity.scdl else "Autre"
        ),
        "COUV_SPAT_NOM": ", ".join(territories)[:140],
        "COUV_TEMP_DEBUT": _date(dataset.get("temporal_start")),
        "COUV_TEMP_FIN": _date(dataset.get("temporal_end")),
        "DATE_PUBL": _date(dataset.get("issued") or dataset.get("metadata_created")),
        "FREQ_MAJ": (frequency.scdl if frequency and frequency.scdl else "Inconnue"),
        "DATE_MAJ": _date(dataset.get("modified") or dataset.get("metadata_modified")),
        "MOTS_CLES": ";".join(k for k in keywords if k),
        "LICENCE": (
            licence.scdl if licence and licence.scdl else "Spécifique ou autre"
        ),
        "NOMBRE_RESSOURCES": len(dataset.get("resources", [])),
        "FORMAT_RESSOURCES": ";".join(formats),
        "URL": f"{site_url}/dataset/{dataset['name']}",
    }


def _datasets(org_id: str) -> Iterator[dict[str, Any]]:
    start = 0
    while True:
        result = tk.get_action("package_search")(
            {"ignore_auth": True},
            {
                "q": "*:*",
                "fq": f'owner_org:"{org_id}"',
                "rows": BATCH,
                "start": start,
                "sort": "name asc",
                "include_private": False,
                "include_drafts": False,
            },
        )
        yield from result["results"]
        start += BATCH
        if start >= result["count"] or not result["results"]:
            return


def catalogue_csv(org: dict[str, Any]) -> str:
    """The CSV text (UTF-8, comma-separated, header row) for one organisation."""
    cache = FeedCache()
    full = cache.organization(org["id"]) or org
    site_url = (tk.config.get("ckan.site_url") or "").rstrip("/")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for dataset in _datasets(org["id"]):
        if dataset.get("resources"):
            writer.writerow(row(dataset, full, site_url))
    return out.getvalue()
