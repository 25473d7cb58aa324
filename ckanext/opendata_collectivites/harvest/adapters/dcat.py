"""DCAT feeds: RDF/XML, Turtle or JSON-LD, with Hydra paging.

RDF/XML is first checked with defusedxml (no DTD, no entities) before rdflib
sees it. Themes keep their labels (``skos:prefLabel``) for the mapper.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS

from ckanext.opendata_collectivites.harvest.adapters.base import Detected, Item, text
from ckanext.opendata_collectivites.harvest.config import SourceConfig
from ckanext.opendata_collectivites.harvest.errors import HarvestError, TransportError
from ckanext.opendata_collectivites.harvest.http import (
    HttpClient,
    Response,
    parse_xml_safely,
)
from ckanext.opendata_collectivites.harvest.record import Record, RecordError, Resource

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SCHEMA = Namespace("http://schema.org/")
ACCEPT = "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8"
MAX_PAGES = 500

FORMATS = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "text/n3": "n3",
    "application/n-triples": "nt",
}


def guess_format(response: Response) -> str | None:
    fmt = FORMATS.get(response.content_type)
    if fmt:
        return fmt
    path = response.url.split("?")[0].lower()
    for suffix, name in (
        (".ttl", "turtle"),
        (".rdf", "xml"),
        (".xml", "xml"),
        (".jsonld", "json-ld"),
        (".json", "json-ld"),
    ):
        if path.endswith(suffix):
            return name
    head = response.body[:200].lstrip()
    if head.startswith(b"<"):
        return "xml"
    if head.startswith(b"@prefix") or head.startswith(b"PREFIX"):
        return "turtle"
    return None


def parse(response: Response) -> Graph:
    fmt = guess_format(response)
    if fmt is None:
        raise HarvestError("%(url)s is not an RDF document.", url=response.url)
    if fmt == "xml":
        parse_xml_safely(response.body, response.url)
    graph = Graph()
    try:
        graph.parse(data=response.body, format=fmt, publicID=response.url)
    except Exception as exc:  # noqa: BLE001 - rdflib raises many types
        raise HarvestError(
            "The RDF of %(url)s is malformed: %(error)s",
            url=response.url,
            error=f"{type(exc).__name__}: {str(exc)[:200]}",
        ) from exc
    return graph


def detect(
    client: HttpClient, url: str, response: Response | None = None
) -> Detected | None:
    try:
        response = response or client.get(url, accept=ACCEPT)
        graph = parse(response)
    except TransportError:
        raise
    except HarvestError:
        return None
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    if not datasets and (None, RDF.type, DCAT.Catalog) not in graph:
        return None
    total = next(
        (int(v) for v in graph.objects(None, HYDRA.totalItems) if str(v).isdigit()),
        None,
    )
    return Detected("dcat", url, response.content_type, total)


class DcatAdapter:
    platform = "dcat"

    def records(
        self, client: HttpClient, detected: Detected, config: SourceConfig
    ) -> Iterator[Item]:
        url: str | None = detected.api_url
        seen: set[str] = set()
        while url:
            if url in seen:
                raise HarvestError(
                    "Paging of %(url)s repeats the same page: the catalogue cannot "
                    "be read completely.",
                    url=url,
                )
            if len(seen) >= MAX_PAGES:
                raise HarvestError(
                    "Paging of %(url)s does not end (more than %(n)s pages).",
                    url=detected.api_url,
                    n=MAX_PAGES,
                )
            seen.add(url)
            graph = parse(client.get(url, accept=ACCEPT))
            for subject in sorted(graph.subjects(RDF.type, DCAT.Dataset), key=str):
                try:
                    yield to_record(graph, subject)
                except (ValueError, TypeError) as exc:
                    yield RecordError(
                        str(subject),
                        "Malformed DCAT dataset %(id)s: %(error)s",
                        {"id": str(subject), "error": str(exc)},
                    )
            url = _next_page(graph)


def _next_page(graph: Graph) -> str | None:
    for prop in (HYDRA.nextPage, HYDRA.next):
        for value in graph.objects(None, prop):
            return str(value)
    return None


def _literal(graph: Graph, subject: object, prop: URIRef) -> str:
    """The French (or untagged, or any) literal of ``prop``."""
    values = list(graph.objects(subject, prop))
    for lang in ("fr", None, "en"):
        for v in values:
            if isinstance(v, Literal) and v.language == lang and str(v).strip():
                return str(v).strip()
    for v in values:
        if str(v).strip():
            return str(v).strip()
    return ""


def _label(graph: Graph, node: object) -> str:
    if isinstance(node, Literal):
        return str(node).strip()
    for prop in (SKOS.prefLabel, DCTERMS.title, FOAF.name, VCARD.fn):
        label = _literal(graph, node, prop)
        if label:
            return label
    return str(node)


def _date(graph: Graph, node: object, *props: URIRef) -> str:
    for prop in props:
        value = _literal(graph, node, prop)
        if value:
            return value
    return ""


def to_record(graph: Graph, subject: object) -> Record:
    title = _literal(graph, subject, DCTERMS.title)
    if not title:
        raise ValueError("no dct:title")
    identifier = _literal(graph, subject, DCTERMS.identifier)
    uri = str(subject) if isinstance(subject, URIRef) else ""  # blank nodes: no
    guid = uri or identifier
    if not guid:
        raise ValueError("neither URI nor dct:identifier")
    temporal_start = temporal_end = ""
    for period in graph.objects(subject, DCTERMS.temporal):
        temporal_start = _date(graph, period, DCAT.startDate, SCHEMA.startDate)
        temporal_end = _date(graph, period, DCAT.endDate, SCHEMA.endDate)
    contact_name = contact_email = ""
    for contact in graph.objects(subject, DCAT.contactPoint):
        contact_name = _literal(graph, contact, VCARD.fn)
        email = _literal(graph, contact, VCARD.hasEmail)
        contact_email = email.removeprefix("mailto:")
    producer = ""
    for publisher in graph.objects(subject, DCTERMS.publisher):
        producer = _label(graph, publisher)
    licences = [str(v) for v in graph.objects(subject, DCTERMS.license)]
    resources = []
    for dist in sorted(graph.objects(subject, DCAT.distribution), key=str):
        download = _literal(graph, dist, DCAT.downloadURL)
        access = _literal(graph, dist, DCAT.accessURL)
        url = download or access
        if not url:
            continue
        fmt = _literal(graph, dist, DCTERMS["format"])
        fmt = fmt.rstrip("/").rsplit("/", 1)[-1]
        size = _literal(graph, dist, DCAT.byteSize)
        licences += [str(v) for v in graph.objects(dist, DCTERMS.license)]
        resources.append(
            Resource(
                url=url,
                name=_literal(graph, dist, DCTERMS.title) or fmt or url,
                description=_literal(graph, dist, DCTERMS.description),
                format=fmt,
                mimetype=_literal(graph, dist, DCAT.mediaType).rsplit(
                    "/media-types/", 1
                )[-1],
                size=int(float(size)) if size.replace(".", "", 1).isdigit() else None,
                access_url=access if download and access != download else "",
                conforms_to=_literal(graph, dist, DCTERMS.conformsTo),
                key=str(dist),
            )
        )
    return Record(
        guid=guid,
        title=title,
        platform="dcat",
        description=_literal(graph, subject, DCTERMS.description),
        themes=[_label(graph, t) for t in graph.objects(subject, DCAT.theme)],
        keywords=[
            str(k).strip()
            for k in graph.objects(subject, DCAT.keyword)
            if isinstance(k, Literal)
            and k.language in (None, "fr")
            and str(k).strip()
            and not str(k).startswith("http")
        ],
        licence=licences[0] if licences else "",
        licence_alt=[_label(graph, URIRef(v)) for v in licences[:1]],
        frequency=text(next(graph.objects(subject, DCTERMS.accrualPeriodicity), "")),
        temporal_start=temporal_start,
        temporal_end=temporal_end,
        spatial=[
            _label(graph, s) if not isinstance(s, URIRef) else str(s)
            for s in graph.objects(subject, DCTERMS.spatial)
        ],
        contact_name=contact_name,
        contact_email=contact_email,
        producer_name=producer,
        conforms_to=[str(v) for v in graph.objects(subject, DCTERMS.conformsTo)],
        landing_page=_literal(graph, subject, DCAT.landingPage),
        identifier=identifier if identifier.startswith("http") else uri,
        issued=_literal(graph, subject, DCTERMS.issued),
        modified=_literal(graph, subject, DCTERMS.modified),
        language=[
            str(v).rstrip("/").rsplit("/", 1)[-1]
            for v in graph.objects(subject, DCTERMS.language)
        ],
        resources=resources,
    )
