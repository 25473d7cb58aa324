"""SCDL ``scdl/catalogue`` CSV catalogues (one line per dataset).

Schema: https://schema.data.gouv.fr/scdl/catalogue/ (columns ID, TITRE,
DESCRIPTION, THEME, MOTS_CLES ``;``-separated, LICENCE, FREQ_MAJ, ...).
A line that cannot be read becomes an error on that line only.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date

from ckanext.opendata_collectivites.harvest.adapters.base import Detected, Item
from ckanext.opendata_collectivites.harvest.config import SourceConfig
from ckanext.opendata_collectivites.harvest.errors import HarvestError, TransportError
from ckanext.opendata_collectivites.harvest.http import HttpClient, Response
from ckanext.opendata_collectivites.harvest.record import Record, RecordError, Resource

SCHEMA_URL = "https://schema.data.gouv.fr/schemas/scdl/catalogue/0.1.3/schema.json"
REQUIRED = ("ID", "TITRE")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def decode(body: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    return body.decode("latin-1")


def read_rows(response: Response) -> list[dict[str, str]]:
    content = decode(response.body)
    if "\x00" in content:
        raise HarvestError("%(url)s is not a CSV file.", url=response.url)
    first = content.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    try:
        reader = csv.DictReader(
            io.StringIO(content, newline=""), delimiter=delimiter, strict=True
        )
        header = [h.strip().upper() for h in (reader.fieldnames or [])]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise HarvestError(
                "%(url)s is not an SCDL catalogue: missing columns %(columns)s.",
                url=response.url,
                columns=", ".join(missing),
            )
        reader.fieldnames = header
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    except csv.Error as exc:
        raise HarvestError(
            "The CSV of %(url)s is malformed: %(error)s",
            url=response.url,
            error=str(exc),
        ) from exc


def detect(
    client: HttpClient, url: str, response: Response | None = None
) -> Detected | None:
    try:
        response = response or client.get(url, accept="text/csv")
        rows = read_rows(response)
    except TransportError:
        raise
    except HarvestError:
        return None
    return Detected("scdl", url, "scdl/catalogue", len(rows))


class ScdlAdapter:
    platform = "scdl"

    def records(
        self, client: HttpClient, detected: Detected, config: SourceConfig
    ) -> Iterator[Item]:
        rows = read_rows(client.get(detected.api_url, accept="text/csv"))
        seen: set[str] = set()
        for line, row in enumerate(rows, start=2):
            try:
                record = to_record(row)
            except ValueError as exc:
                yield RecordError(
                    row.get("ID") or f"line-{line}",
                    "Line %(line)s of the SCDL catalogue is invalid: %(error)s",
                    {"line": line, "error": str(exc)},
                )
                continue
            if record.guid in seen:
                yield RecordError(
                    record.guid,
                    "Line %(line)s repeats the identifier %(id)s.",
                    {"line": line, "id": record.guid},
                )
                continue
            seen.add(record.guid)
            yield record


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(";") if v.strip()]


def _date(row: dict[str, str], column: str) -> str:
    value = row.get(column, "")
    if not value:
        return ""
    if not _DATE.match(value):
        raise ValueError(f"{column} « {value} » n'est pas une date AAAA-MM-JJ")
    date.fromisoformat(value)
    return value


def tk_formats(title: str, formats: list[str]) -> str:
    return f"{title} ({', '.join(formats)})" if formats else title


def to_record(row: dict[str, str]) -> Record:
    guid, title = row.get("ID", ""), row.get("TITRE", "")
    if not guid:
        raise ValueError("ID vide")
    if not title:
        raise ValueError("TITRE vide")
    url = row.get("URL", "")
    formats = [f.upper() for f in _split(row.get("FORMAT_RESSOURCES", ""))]
    # The catalogue gives one address (the dataset's page) and the formats
    # published there: one resource, that page, with the formats in words.
    # One resource per format at the same address would claim files that
    # are not there (and aggregators, data.gouv.fr first, keep one resource
    # per address).
    resources = (
        [
            Resource(
                url=url,
                name=tk_formats(title, formats),
                description=(
                    "Formats : " + ", ".join(formats) + "." if formats else ""
                ),
                format=formats[0] if len(formats) == 1 else "",
                access_url=url,
                key="page",
            )
        ]
        if url
        else []
    )
    siret = re.sub(r"\D", "", row.get("PRODUCTEUR_SIRET", ""))
    return Record(
        guid=guid,
        title=title,
        platform="scdl",
        description=row.get("DESCRIPTION", ""),
        themes=_split(row.get("THEME", "")),
        keywords=_split(row.get("MOTS_CLES", "")),
        licence=row.get("LICENCE", ""),
        frequency=row.get("FREQ_MAJ", ""),
        temporal_start=_date(row, "COUV_TEMP_DEBUT"),
        temporal_end=_date(row, "COUV_TEMP_FIN"),
        spatial=[row["COUV_SPAT_NOM"]] if row.get("COUV_SPAT_NOM") else [],
        spatial_granularity=row.get("COUV_SPAT_MAILLE", ""),
        producer_name=row.get("PRODUCTEUR_NOM", ""),
        producer_siren=siret[:9] if len(siret) >= 9 else "",
        landing_page=url,
        identifier=url,
        issued=_date(row, "DATE_PUBL"),
        modified=_date(row, "DATE_MAJ"),
        resources=resources,
    )
