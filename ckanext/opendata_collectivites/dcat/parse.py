"""RDF → dataset dict for the project's fields (after ``euro_dcat_ap_3``'s parser)."""

from __future__ import annotations

import re
from typing import Any

from rdflib import Literal, URIRef

from ckanext.opendata_collectivites import vocabularies as voc
from ckanext.opendata_collectivites.dcat import mapping
from ckanext.opendata_collectivites.dcat.rdf import (
    DCAT,
    DCATAP,
    DCT,
    FOAF,
    GEODCAT,
    SCDL_CATALOGUE,
    VCARD,
)

# the portal's theme pages; /theme/<slug> in feeds before 2026-12
_THEME_URI = re.compile(r"/themes?/([a-z0-9][a-z0-9_-]*)$")
_INSEE_URI = re.compile(
    r"^https?://id\.insee\.fr/geo/(commune|departement|region)/([0-9AB]+)$"
)
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")

# Keys this profile owns: values the stock parser left in ``extras`` are removed.
OWNED_KEYS = (
    "identifier",
    "themes",
    "frequency",
    "language",
    "access_rights",
    "hvd_category",
    "territories",
    "spatial_granularity",
    "contact_name",
    "contact_email",
    "producer_name",
    "producer_siren",
    "conforms_to",
    "issued",
    "modified",
    "temporal_start",
    "temporal_end",
    "license_id",
    "theme",
    "contact",
    "publisher",
    "creator",
    "applicable_legislation",
    "spatial_uri",
    "spatial_text",
    "spatial",
    "spatial_bbox",
    "spatial_centroid",
    "spatial_coverage",
    "temporal_coverage",
    "uri",
    "access_url",
    "download_url",
    "creator_name",
    "creator_identifier",
    "creator_uri",
    "creator_email",
    "creator_url",
    "creator_type",
)


def _date(value: Any) -> str | None:
    m = _DATE.match(str(value or ""))
    return m.group(1) if m else None


class ParseMixin:
    """Parsing half of :class:`~.profile.CollectivitesDCATAPProfile`."""

    g: Any

    def parse_dataset(
        self, dataset_dict: dict[str, Any], dataset_ref
    ) -> dict[str, Any]:
        d = dataset_dict
        g = self.g
        extras = [e for e in d.get("extras", []) if e.get("key") not in OWNED_KEYS]
        for key in OWNED_KEYS:
            d.pop(key, None)
        d["extras"] = extras

        identifier = g.value(dataset_ref, DCT.identifier)
        if identifier is not None:
            d["identifier"] = str(identifier)
        self._parse_vocabularies(d, dataset_ref)
        self._parse_agents(d, dataset_ref)
        self._parse_spatial(d, dataset_ref)

        for key, predicate in (("issued", DCT.issued), ("modified", DCT.modified)):
            value = _date(g.value(dataset_ref, predicate))
            if value:
                d[key] = value
        for period in g.objects(dataset_ref, DCT.temporal):
            start = _date(g.value(period, DCAT.startDate))
            end = _date(g.value(period, DCAT.endDate))
            if start:
                d["temporal_start"] = start
            if end:
                d["temporal_end"] = end
            break
        for std in g.objects(dataset_ref, DCT.conformsTo):
            d["conforms_to"] = str(std)
            break

        resources = {r.get("distribution_ref"): r for r in d.get("resources", [])}
        licences = []
        for dist in g.objects(dataset_ref, DCAT.distribution):
            resource = resources.get(str(dist))
            if resource is not None:
                licences.append(self._parse_distribution(resource, dist))
        known = [x for x in licences if x]
        own = g.value(dataset_ref, DCT.license)
        own_licence = voc.match_licence(str(own)) if own is not None else None
        if own_licence is not None:
            d["license_id"] = own_licence.id
        elif known:
            d["license_id"] = max(known, key=known.count)
        if d.get("license_id"):
            for resource in d.get("resources", []):
                if resource.get("license_id") == d["license_id"]:
                    resource.pop("license_id")
        return d

    def _parse_vocabularies(self, d: dict[str, Any], ref) -> None:
        g = self.g
        themes, hvd = [], []
        for predicate in (DCT.subject, DCAT.theme):
            for obj in g.objects(ref, predicate):
                m = _THEME_URI.search(str(obj))
                if m and voc.portal_theme(m.group(1)) and m.group(1) not in themes:
                    themes.append(m.group(1))
        for obj in g.objects(ref, DCATAP.hvdCategory):
            c = voc.concept_by_uri("hvd_categories", str(obj))
            if c and c.code not in hvd:
                hvd.append(c.code)
        if themes:
            d["themes"] = themes
            # the slug keyword that goes with a portal theme is not a free tag
            d["tags"] = [t for t in d.get("tags", []) if t.get("name") not in themes]
        if hvd:
            d["hvd_category"] = hvd
        for key, predicate, vocabulary, multiple in (
            ("frequency", DCT.accrualPeriodicity, "frequencies", False),
            ("language", DCT.language, "languages", True),
            ("access_rights", DCT.accessRights, "access_rights", False),
        ):
            codes = [
                c.code
                for c in (
                    voc.match_concept(vocabulary, str(o))
                    for o in g.objects(ref, predicate)
                )
                if c
            ]
            if codes:
                d[key] = codes if multiple else codes[0]
        granularity = g.value(ref, GEODCAT.spatialResolutionAsText) or g.value(
            ref, SCDL_CATALOGUE.COUV_SPAT_MAILLE
        )
        if granularity is not None:
            c = voc.match_concept("granularities", str(granularity))
            if c:
                d["spatial_granularity"] = c.code

    def _parse_agents(self, d: dict[str, Any], ref) -> None:
        g = self.g
        for node in g.objects(ref, DCAT.contactPoint):
            name = g.value(node, VCARD.fn)
            email = g.value(node, VCARD.hasEmail)
            if name is not None:
                d["contact_name"] = str(name)
            if email is not None:
                d["contact_email"] = str(email).removeprefix("mailto:")
            break
        for node in g.objects(ref, DCT.creator):
            name = g.value(node, FOAF.name)
            siren = g.value(node, DCT.identifier)
            if name is not None:
                d["producer_name"] = str(name)
            if siren is not None:
                d["producer_siren"] = str(siren)
            break

    def _parse_spatial(self, d: dict[str, Any], ref) -> None:
        g = self.g
        territories = []
        for node in g.objects(ref, DCT.spatial):
            territory = None
            ident = g.value(node, DCT.identifier)
            if isinstance(ident, Literal):
                territory = voc.territory(str(ident))
            if territory is None and isinstance(node, URIRef):
                m = _INSEE_URI.match(str(node))
                if m:
                    territory = voc.territory(f"{m.group(1)}:{m.group(2)}")
                elif str(node).rstrip("/").endswith("/geo/pays/france"):
                    territory = voc.territory("pays:FR")
            if territory is not None and territory.id not in territories:
                territories.append(territory.id)
        if territories:
            d["territories"] = territories

    def _parse_distribution(self, r: dict[str, Any], dist) -> str | None:
        """Fill the resource's fields; return its licence id (None if unknown)."""
        g = self.g
        download = g.value(dist, DCAT.downloadURL)
        access = g.value(dist, DCAT.accessURL)
        r["url"] = str(download or access or "")
        r.pop("download_url", None)
        r.pop("access_url", None)
        if download is not None and access is not None and access != download:
            r["access_url"] = str(access)
        fmt = g.value(dist, DCT["format"])
        if fmt is not None:
            ftype = mapping.file_type_by_uri(str(fmt))
            r["format"] = ftype.label if ftype else str(fmt)
        media = g.value(dist, DCAT.mediaType)
        if media is not None:
            r["mimetype"] = str(media).removeprefix(mapping.iana_base())
        size = g.value(dist, DCAT.byteSize)
        if size is not None:
            try:
                r["size"] = int(size)
            except ValueError:
                pass
        for std in g.objects(dist, DCT.conformsTo):
            r["conforms_to"] = str(std)
            break
        resolution = g.value(dist, DCAT.temporalResolution)
        if resolution is not None:
            r["temporal_resolution"] = str(resolution)
        for key in (
            "distribution_ref",
            "uri",
            "applicable_legislation",
            "license",
            "rights",
        ):
            r.pop(key, None)
        lic = g.value(dist, DCT.license)
        found = voc.match_licence(str(lic)) if lic is not None else None
        if found:
            r["license_id"] = found.id
        return found.id if found else None
