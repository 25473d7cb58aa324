"""udata / data.gouv.fr: one organisation's datasets through API v1 or v2.

Source URL: the organisation page (``/fr/organizations/<slug>/``) or an API
URL; an ``/api/2/`` URL reads API v2, whose datasets carry their resources
as a link object (``{"rel": "subsection", "href": …, "total": n}``) that is
followed, page by page, through the same HTTP client. Datasets harvested by
data.gouv.fr from elsewhere keep their original landing page
(``harvest.remote_url``), so the same dataset reached directly and through
data.gouv.fr is recognised.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

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

MARKERS = (
    "/api/1/",
    "/api/2/",
    "/fr/organizations/",
    "/en/organizations/",
    "/organizations/",
)
ENDPOINTS = {"1": "/api/1/datasets/", "2": "/api/2/datasets/search/"}
MAX_RESOURCE_PAGES = 100
_ORG = re.compile(r"/organizations/([^/?#]+)")


def detect(
    client: HttpClient, url: str, organization: str | None = None
) -> Detected | None:
    match = _ORG.search(url)
    slug = organization or (match.group(1) if match else "")
    if not slug and "/api/2/" in url:
        slug = (parse_qs(urlsplit(url).query).get("organization") or [""])[0]
    if not slug:
        return None
    root = base_url(url, MARKERS)
    try:
        org = client.get(f"{root}/api/1/organizations/{slug}/").json()
    except TransportError:
        raise
    except HarvestError:
        return None
    if not (isinstance(org, dict) and org.get("id") and "slug" in org):
        return None
    total = (org.get("metrics") or {}).get("datasets")
    version = "2" if "/api/2/" in url else "1"
    return Detected("udata", root, version, total, organization=str(org["id"]))


class UdataAdapter:
    platform = "udata"

    def records(
        self, client: HttpClient, detected: Detected, config: SourceConfig
    ) -> Iterator[Item]:
        version = detected.version if detected.version in ENDPOINTS else "1"
        url = detected.api_url + ENDPOINTS[version]
        guard = PageGuard(url)
        page = 1
        read = 0
        while True:
            data = client.get(
                url,
                params={
                    "organization": detected.organization,
                    "page": page,
                    "page_size": PAGE_SIZE,
                },
            ).json()
            try:
                items = list(data["data"])
                total = int(data["total"])
            except (KeyError, TypeError, ValueError) as exc:
                raise HarvestError(
                    "Unexpected udata answer at %(url)s: %(error)s",
                    url=url,
                    error=f"{type(exc).__name__}: {exc}",
                ) from exc
            guard.check(
                [str(i.get("id")) if isinstance(i, dict) else "" for i in items]
            )
            for raw in items:
                yield record_or_error(
                    lambda raw=raw: self.to_record(_with_resources(client, raw)),
                    str(raw.get("id")) if isinstance(raw, dict) else "?",
                    "Malformed udata dataset %(id)s: %(error)s",
                )
            read += len(items)
            page += 1
            if not items or read >= total or not data.get("next_page"):
                return

    def to_record(self, raw: dict[str, Any]) -> Record:
        guid = str(raw["id"])
        title = text(raw.get("title"))
        if not title:
            raise ValueError("no title")
        harvest = raw.get("harvest") or {}
        temporal = raw.get("temporal_coverage") or {}
        spatial = raw.get("spatial") or {}
        contacts = raw.get("contact_points") or []
        contact = contacts[0] if contacts and isinstance(contacts[0], dict) else {}
        schema = raw.get("schema") or {}
        conforms = [text(schema.get("url"))] if schema.get("url") else []
        if isinstance(raw.get("resources"), dict):
            # An API v2 link object: its pages are read by _with_resources.
            raise ValueError("resources link object not followed")
        resources = []
        for r in raw.get("resources") or []:
            if not isinstance(r, dict) or not r.get("url"):
                continue
            rschema = r.get("schema") or {}
            resources.append(
                Resource(
                    url=text(r["url"]),
                    name=text(r.get("title")),
                    description=text(r.get("description")),
                    format=text(r.get("format")),
                    mimetype=text(r.get("mime")),
                    size=r.get("filesize")
                    if isinstance(r.get("filesize"), int)
                    else None,
                    conforms_to=_schema_url(rschema),
                    key=str(r.get("id") or r["url"]),
                )
            )
            if _schema_url(rschema) and _schema_url(rschema) not in conforms:
                conforms.append(_schema_url(rschema))
        page = text(raw.get("page"))
        return Record(
            guid=guid,
            title=title,
            platform="udata",
            description=text(raw.get("description")),
            keywords=as_list(raw.get("tags")),
            themes=as_list((raw.get("extras") or {}).get("theme")),
            licence=text(raw.get("license")),
            frequency=text(raw.get("frequency")),
            temporal_start=text(temporal.get("start")),
            temporal_end=text(temporal.get("end")),
            spatial=[z for z in as_list(spatial.get("zones"))],
            spatial_granularity=text(spatial.get("granularity")),
            contact_name=text(contact.get("name")),
            contact_email=text(contact.get("email")),
            conforms_to=conforms,
            landing_page=text(harvest.get("remote_url")) or page,
            identifier=text(harvest.get("uri")) or text(raw.get("uri")) or page,
            issued=text(raw.get("created_at")),
            modified=text(raw.get("last_update") or raw.get("last_modified")),
            resources=resources,
            remote_org=text((raw.get("organization") or {}).get("slug")),
        )


def _with_resources(client: HttpClient, raw: Any) -> Any:
    """The dataset with its resources as a list: API v2 gives a link object
    whose pages are read through the client (its limits and address policy)."""
    link = raw.get("resources") if isinstance(raw, dict) else None
    if not isinstance(link, dict):
        return raw
    href = text(link.get("href"))
    resources: list[Any] = []
    pages = 0
    while href and pages < MAX_RESOURCE_PAGES:
        try:
            data = client.get(href).json()
        except TransportError:
            raise
        except HarvestError as exc:
            raise ValueError(f"resources page {href}: {exc.message()}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("data"), list):
            raise ValueError(f"unexpected resources page at {href}")
        resources.extend(data["data"])
        href = text(data.get("next_page"))
        pages += 1
    return {**raw, "resources": resources}


def _schema_url(schema: dict[str, Any]) -> str:
    if schema.get("url"):
        return text(schema["url"])
    name, version = schema.get("name"), schema.get("version")
    if name and version:
        return f"https://schema.data.gouv.fr/schemas/{name}/{version}/schema.json"
    return ""
