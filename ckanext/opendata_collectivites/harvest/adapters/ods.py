"""Opendatasoft: Explore API v2.1, with v2.0 and v1 fallbacks.

The stable id is ``dataset_uid`` (read-only); ``dataset_id`` is an editable
slug and only builds URLs. Resources are keyed by format, never by URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from ckanext.opendata_collectivites.harvest.adapters.base import (
    PAGE_SIZE,
    Detected,
    Item,
    PageGuard,
    as_list,
    base_url,
    html_to_text,
    record_or_error,
    text,
)
from ckanext.opendata_collectivites.harvest.config import SourceConfig
from ckanext.opendata_collectivites.harvest.errors import HarvestError, TransportError
from ckanext.opendata_collectivites.harvest.http import HttpClient
from ckanext.opendata_collectivites.harvest.record import Record, Resource

MARKERS = ("/api/", "/explore")
PATHS = {
    "v2.1": "/api/explore/v2.1/catalog/datasets",
    "v2.0": "/api/v2/catalog/datasets",
    "v1": "/api/datasets/1.0/search/",
}
SHAPEFILE_RECORDS_LIMIT = 50000
EXPORT_CAP = 10000  # offset+limit cap of the paged listing
FORMATS = {
    "csv": ("CSV", "text/csv"),
    "json": ("JSON", "application/json"),
    "geojson": ("GeoJSON", "application/geo+json"),
    "shp": ("SHP", "application/zip"),
}


def detect(client: HttpClient, url: str) -> Detected | None:
    """Probe v2.1, then v2.0, then v1; None when no ODS API answers."""
    root = base_url(url, MARKERS)
    for version, path in PATHS.items():
        params = {"limit": 1} if version != "v1" else {"rows": 1}
        try:
            data = client.get(root + path, params=params).json()
        except TransportError:
            raise
        except HarvestError:
            continue
        if not isinstance(data, dict):
            continue
        if version == "v2.1" and "results" in data and "total_count" in data:
            return Detected("ods", root, version, data.get("total_count"))
        if version == "v2.0" and "datasets" in data and "total_count" in data:
            return Detected("ods", root, version, data.get("total_count"))
        if version == "v1" and "nhits" in data and "datasets" in data:
            return Detected("ods", root, version, data.get("nhits"))
    return None


class OdsAdapter:
    platform = "ods"

    def records(
        self, client: HttpClient, detected: Detected, config: SourceConfig
    ) -> Iterator[Item]:
        root = detected.api_url
        version = detected.version or "v2.1"
        for raw in self._listing(client, root, version, config):
            yield record_or_error(
                lambda raw=raw: self.to_record(raw, root, version),
                (_guid(raw) if isinstance(raw, dict) else "") or "?",
                "Malformed Opendatasoft dataset %(id)s: %(error)s",
            )

    def _listing(
        self, client: HttpClient, root: str, version: str, config: SourceConfig
    ) -> Iterator[dict[str, Any]]:
        url = root + PATHS[version]
        guard = PageGuard(url)
        offset = 0
        while True:
            if version == "v1":
                params: dict[str, Any] = {
                    "rows": PAGE_SIZE,
                    "start": offset,
                    "interopmetas": "true",
                }
                for refine in config.refine:
                    facet, _, value = refine.partition(":")
                    params[f"refine.{facet}"] = value
            else:
                params = {"limit": PAGE_SIZE, "offset": offset}
                if config.refine:
                    params["refine"] = config.refine
            data = client.get(url, params=params).json()
            items, total = _page(data, version, url)
            guard.check([_guid(i) for i in items])
            yield from items
            offset += len(items)
            if not items or offset >= total:
                return
            if offset + PAGE_SIZE > EXPORT_CAP and version == "v2.1":
                yield from self._export_rest(client, root, config, offset)
                return

    def _export_rest(
        self, client: HttpClient, root: str, config: SourceConfig, offset: int
    ) -> Iterator[dict[str, Any]]:
        """Beyond 10,000 datasets the listing is capped: read the export."""
        params: dict[str, Any] = {"offset": offset}
        if config.refine:
            params["refine"] = config.refine
        data = client.get(
            root + "/api/explore/v2.1/catalog/exports/json", params=params
        ).json()
        if not isinstance(data, list):
            raise HarvestError("Unexpected Opendatasoft export at %(url)s.", url=root)
        yield from data

    def to_record(self, raw: dict[str, Any], root: str, version: str) -> Record:
        if version == "v1":
            dataset_id = raw["datasetid"]
            default = raw.get("metas") or {}
            dcat = (raw.get("interop_metas") or {}).get("dcat") or {}
            guid = f"{urlsplit(root).netloc}/{dataset_id}"
        else:
            dataset_id = raw["dataset_id"]
            metas = raw.get("metas") or {}
            default = metas.get("default") or {}
            dcat = metas.get("dcat") or {}
            guid = raw.get("dataset_uid") or f"{urlsplit(root).netloc}/{dataset_id}"
        title = text(default.get("title"))
        if not title:
            raise ValueError("no title")
        landing = f"{root}/explore/dataset/{dataset_id}/"
        record = Record(
            guid=guid,
            title=title,
            platform="ods",
            description=html_to_text(default.get("description")),
            themes=as_list(default.get("theme")),
            keywords=as_list(default.get("keyword")),
            licence=text(default.get("license_url") or default.get("license")),
            frequency=text(dcat.get("accrualperiodicity")),
            temporal_start=text(dcat.get("temporal_coverage_start")),
            temporal_end=text(dcat.get("temporal_coverage_end")),
            spatial=as_list(default.get("territory")) + as_list(dcat.get("spatial")),
            contact_name=text(dcat.get("contact_name") or dcat.get("creator")),
            contact_email=text(dcat.get("contact_email")),
            producer_name=text(default.get("publisher")),
            landing_page=landing,
            identifier=landing,
            issued=text(dcat.get("issued") or dcat.get("created")),
            modified=text(default.get("modified") or default.get("data_processed")),
            language=as_list(default.get("language")),
        )
        if default.get("license") and default.get("license_url"):
            record.licence_alt = [text(default.get("license"))]
        references = text(default.get("references"))
        if references.startswith("http"):
            record.conforms_to = [references]
        record.resources = _resources(raw, root, version, dataset_id, default, landing)
        return record


def _page(data: Any, version: str, url: str) -> tuple[list[dict[str, Any]], int]:
    if not isinstance(data, dict):
        raise HarvestError("Unexpected Opendatasoft answer at %(url)s.", url=url)
    try:
        if version == "v2.1":
            return list(data["results"]), int(data["total_count"])
        if version == "v2.0":
            return [d["dataset"] for d in data["datasets"]], int(data["total_count"])
        return list(data["datasets"]), int(data["nhits"])
    except (KeyError, TypeError, ValueError) as exc:
        raise HarvestError(
            "Unexpected Opendatasoft answer at %(url)s: %(error)s",
            url=url,
            error=f"{type(exc).__name__}: {exc}",
        ) from exc


def _guid(raw: Any) -> str:
    if not isinstance(raw, dict):
        return ""
    return str(
        raw.get("dataset_uid") or raw.get("dataset_id") or raw.get("datasetid") or ""
    )


def _resources(
    raw: dict[str, Any],
    root: str,
    version: str,
    dataset_id: str,
    default: dict[str, Any],
    landing: str,
) -> list[Resource]:
    out: list[Resource] = []
    features = as_list(raw.get("features"))
    formats = ["csv", "json"] if raw.get("has_records", True) else []
    if formats and "geo" in features:
        formats.append("geojson")
        records = default.get("records_count") or 0
        if int(records) <= SHAPEFILE_RECORDS_LIMIT:
            formats.append("shp")
    title = text(default.get("title"))
    for fmt in formats:
        label, mimetype = FORMATS[fmt]
        if version == "v2.1":
            url = f"{root}/api/explore/v2.1/catalog/datasets/{dataset_id}/exports/{fmt}"
        elif version == "v2.0":
            url = f"{root}/api/v2/catalog/datasets/{dataset_id}/exports/{fmt}"
        else:
            url = f"{root}/explore/dataset/{dataset_id}/download/?format={fmt}"
        out.append(
            Resource(
                url=url,
                name=f"{title} ({label})",
                format=label,
                mimetype=mimetype,
                access_url=landing,
                key=f"export:{fmt}",
            )
        )
    for att in raw.get("attachments") or []:
        att_id = att.get("id") or att.get("metas", {}).get("id")
        if not att_id:
            continue
        out.append(
            Resource(
                url=f"{root}/api/datasets/1.0/{dataset_id}/attachments/{att_id}/",
                name=text(att.get("title")) or att_id,
                format=_format_from_mimetype(text(att.get("mimetype"))),
                mimetype=text(att.get("mimetype")),
                access_url=landing,
                key=f"attachment:{att_id}",
            )
        )
    return out


def _format_from_mimetype(mimetype: str) -> str:
    table = {
        "application/pdf": "PDF",
        "text/csv": "CSV",
        "application/zip": "ZIP",
        "application/json": "JSON",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
        "application/vnd.ms-excel": "XLS",
    }
    return table.get(
        mimetype.lower(), mimetype.rsplit("/", 1)[-1].upper() if mimetype else ""
    )
