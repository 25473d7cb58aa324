"""CKAN portals: the Action API ``package_search``, paged by ``start``.

The remote package id is the stable remote id, but never the local id (the
local id is derived from the source and this id: no collisions between
sources, unlike ckanext-harvest's CKAN harvester).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ckanext.opendata_collectivites.harvest.adapters.base import (
    PAGE_SIZE,
    Detected,
    Item,
    PageGuard,
    as_list,
    base_url,
    record_or_error,
    text,
)
from ckanext.opendata_collectivites.harvest.config import SourceConfig
from ckanext.opendata_collectivites.harvest.errors import HarvestError, TransportError
from ckanext.opendata_collectivites.harvest.http import HttpClient
from ckanext.opendata_collectivites.harvest.record import Record, Resource

MARKERS = ("/api/", "/dataset", "/organization")
_ORG_IN_URL = re.compile(r"/organization/([\w\-]+)")


def detect(client: HttpClient, url: str) -> Detected | None:
    root = base_url(url, MARKERS)
    try:
        data = client.get(root + "/api/3/action/status_show").json()
    except TransportError:
        raise
    except HarvestError:
        return None
    if not (
        isinstance(data, dict)
        and data.get("success")
        and isinstance(data.get("result"), dict)
        and "ckan_version" in data["result"]
    ):
        return None
    match = _ORG_IN_URL.search(url)
    return Detected(
        "ckan",
        root,
        str(data["result"]["ckan_version"]),
        organization=match.group(1) if match else "",
    )


class CkanAdapter:
    platform = "ckan"

    def records(
        self, client: HttpClient, detected: Detected, config: SourceConfig
    ) -> Iterator[Item]:
        root = detected.api_url
        org = config.remote_organization or detected.organization
        url = root + "/api/3/action/package_search"
        guard = PageGuard(url)
        start = 0
        while True:
            params: dict[str, Any] = {
                "q": "*:*",
                "rows": PAGE_SIZE,
                "start": start,
                "sort": "id asc",
            }
            if org:
                params["fq"] = f'organization:"{org}"'
            data = client.get(url, params=params).json()
            try:
                result = data["result"]
                items = list(result["results"])
                count = int(result["count"])
            except (KeyError, TypeError, ValueError) as exc:
                raise HarvestError(
                    "Unexpected CKAN answer at %(url)s: %(error)s",
                    url=url,
                    error=f"{type(exc).__name__}: {exc}",
                ) from exc
            guard.check(
                [str(i.get("id")) if isinstance(i, dict) else "" for i in items]
            )
            for raw in items:
                if isinstance(raw, dict) and raw.get("type") == "harvest":
                    continue
                yield record_or_error(
                    lambda raw=raw: self.to_record(raw, root),
                    str(raw.get("id")) if isinstance(raw, dict) else "?",
                    "Malformed CKAN dataset %(id)s: %(error)s",
                )
            start += len(items)
            if not items or start >= count:
                return

    def to_record(self, raw: dict[str, Any], root: str) -> Record:
        extras = {
            e["key"]: e["value"]
            for e in raw.get("extras") or []
            if isinstance(e, dict) and "key" in e
        }

        def field(*names: str) -> Any:
            for name in names:
                if raw.get(name) not in (None, "", []):
                    return raw[name]
                if extras.get(name) not in (None, ""):
                    return extras[name]
            return None

        # CKAN always sends ``id``; ``name`` is as unique within a portal.
        guid = text(raw.get("id")) or text(raw.get("name"))
        if not guid:
            raise ValueError("neither id nor name")
        title = text(raw.get("title")) or text(raw.get("name"))
        if not title:
            raise ValueError("no title")
        page = f"{root}/dataset/{raw.get('name') or guid}"
        # ckanext-dcat's scheming DCAT-AP schema nests repeating subfields.
        contact = _first(raw.get("contact"))
        period = _first(raw.get("temporal_coverage"))
        publisher = _first(raw.get("publisher"))
        themes = as_list(field("themes", "theme"))
        themes += [
            text(g.get("display_name") or g.get("title") or g.get("name"))
            for g in raw.get("groups") or []
        ]
        licence_alt = [text(raw.get("license_title")), text(raw.get("license_url"))]
        spatial = as_list(field("territories", "spatial_text", "spatial_uri"))
        for place in raw.get("spatial_coverage") or []:
            if isinstance(place, dict):
                spatial += [
                    v for v in (text(place.get("uri")), text(place.get("text"))) if v
                ]
        organization = raw.get("organization") or {}
        resources = [
            Resource(
                url=text(r.get("url")),
                name=text(r.get("name")),
                description=text(r.get("description")),
                format=text(r.get("format")),
                mimetype=text(r.get("mimetype")),
                size=int(r["size"]) if str(r.get("size") or "").isdigit() else None,
                access_url=text(r.get("access_url")),
                conforms_to=text(r.get("conforms_to")),
                key=str(r.get("id") or r.get("url")),
            )
            for r in raw.get("resources") or []
            if r.get("url")
        ]
        return Record(
            guid=guid,
            title=title,
            platform="ckan",
            description=text(raw.get("notes")),
            themes=[t for t in themes if t],
            keywords=[
                text(t.get("display_name") or t.get("name"))
                for t in raw.get("tags") or []
            ],
            licence=text(raw.get("license_id")),
            licence_alt=[v for v in licence_alt if v],
            frequency=text(field("frequency", "accrual_periodicity")),
            temporal_start=text(field("temporal_start")) or text(period.get("start")),
            temporal_end=text(field("temporal_end")) or text(period.get("end")),
            spatial=spatial,
            spatial_granularity=text(field("spatial_granularity")),
            contact_name=text(field("contact_name"))
            or text(contact.get("name"))
            or text(field("maintainer", "author")),
            contact_email=text(field("contact_email"))
            or text(contact.get("email"))
            or text(field("maintainer_email", "author_email")),
            producer_name=text(field("producer_name"))
            or text(publisher.get("name"))
            or text(organization.get("title")),
            producer_siren=text(field("producer_siren")),
            conforms_to=as_list(field("conforms_to")),
            landing_page=text(raw.get("url")) or page,
            identifier=text(field("identifier", "uri")) or page,
            issued=text(field("issued")),
            modified=text(field("modified")) or text(raw.get("metadata_modified")),
            language=as_list(field("language")),
            resources=resources,
            remote_org=text(organization.get("name")),
        )


def _first(value: Any) -> dict[str, Any]:
    """The first dict of a repeating subfield (ckanext-dcat schemas), or {}."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    return value if isinstance(value, dict) else {}
