"""DCAT feeds: RDF/XML, Turtle or JSON-LD, with Hydra paging.

Documents are parsed by :mod:`harvest.rdf` (no request outside the HTTP
client: DTDs refused, JSON-LD contexts resolved there). Blank nodes are
resolved to their meaning (``rdf:value``, labels, ``foaf:name``,
``dct:identifier``) or dropped, never stored as identifiers; every multi-valued
property is read in a fixed order, so two parses of the same document give
the same record whatever the order of the triples.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS, TIME

from ckanext.opendata_collectivites.harvest import rdf
from ckanext.opendata_collectivites.harvest.adapters.base import Detected, Item
from ckanext.opendata_collectivites.harvest.config import SourceConfig
from ckanext.opendata_collectivites.harvest.errors import HarvestError, TransportError
from ckanext.opendata_collectivites.harvest.http import HttpClient, Response
from ckanext.opendata_collectivites.harvest.record import Record, RecordError, Resource

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
# Project Open Data v1.1's published JSON-LD context maps "license" to this
# misspelt IRI (dct namespace + "#license"); DCAT-US catalogues inherit it.
POD_LICENSE = URIRef("http://purl.org/dc/terms/#license")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SCHEMA = Namespace("http://schema.org/")
LOCN = Namespace("http://www.w3.org/ns/locn#")
ACCEPT = "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8"
MAX_PAGES = 500
LANGUAGES = ("fr", None)  # preferred literal languages, then any other
# What a blank node means, in order (its identifier never is a value).
MEANING = (
    RDF.value,
    SKOS.prefLabel,
    RDFS.label,
    DCTERMS.title,
    FOAF.name,
    VCARD.fn,
    LOCN.geographicName,
    DCTERMS.identifier,
)
IDENTIFIED = (DCTERMS.identifier, RDF.value, SKOS.prefLabel, RDFS.label, DCTERMS.title)
GEOMETRY = (LOCN.geometry, DCAT.bbox, DCAT.centroid)
# A format node: its name (label) before its media type (rdf:value).
FORMAT = (RDFS.label, SKOS.prefLabel, DCTERMS.title, RDF.value, DCTERMS.identifier)


def detect(
    client: HttpClient, url: str, response: Response | None = None
) -> Detected | None:
    try:
        response = response or client.get(url, accept=ACCEPT)
        graph = rdf.parse(response, client)
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
            graph = rdf.parse(client.get(url, accept=ACCEPT), client)
            for subject in _datasets(graph):
                try:
                    yield to_record(graph, subject)
                except (ValueError, TypeError) as exc:
                    guid = _guid(graph, subject) or "?"
                    yield RecordError(
                        guid,
                        "Malformed DCAT dataset %(id)s: %(error)s",
                        {"id": guid, "error": str(exc)},
                    )
            url = _next_page(graph)


def _datasets(graph: Graph) -> list[object]:
    """The datasets of the page, URIs first then blank nodes, in a fixed order."""
    return sorted(
        graph.subjects(RDF.type, DCAT.Dataset),
        key=lambda s: (isinstance(s, BNode), _guid(graph, s), str(s)),
    )


def _next_page(graph: Graph) -> str | None:
    """The next page (``hydra:next``, legacy ``hydra:nextPage``), given as a
    URI or, as udata's legacy PagedCollection does, as a URL literal."""
    for prop in (HYDRA.nextPage, HYDRA.next):
        pages = sorted(
            str(v).strip()
            for v in graph.objects(None, prop)
            if isinstance(v, URIRef)
            or (
                isinstance(v, Literal)
                and str(v).strip().startswith(("http://", "https://"))
            )
        )
        if pages:
            return pages[0]
    return None


def _rank(value: Literal) -> tuple[int, str]:
    """Sort key of a literal: French, then untagged, then other languages."""
    lang = (value.language or "").split("-")[0].lower() or None
    order = LANGUAGES.index(lang) if lang in LANGUAGES else len(LANGUAGES)
    return order, str(value).strip()


def meaning(graph: Graph, node: object, props: Iterable[URIRef] = MEANING) -> str:
    """A node as text: a URI or a literal as such; a blank node through what it
    carries (``rdf:value``, labels, ``dct:identifier``), or "" (dropped)."""
    if isinstance(node, Literal):
        return str(node).strip()
    if isinstance(node, URIRef):
        return str(node).strip()
    if isinstance(node, BNode):
        for prop in props:
            values = [v for v in graph.objects(node, prop) if not isinstance(v, BNode)]
            text = _best(values)
            if text:
                return text
    return ""


def _best(values: Iterable[object]) -> str:
    """The preferred of several values: French/untagged literals first, then
    URIs, each in text order (never the order of the triples)."""
    literals = sorted(
        (_rank(v) for v in values if isinstance(v, Literal) and str(v).strip()),
    )
    if literals:
        return literals[0][1]
    uris = sorted(str(v).strip() for v in values if isinstance(v, URIRef))
    return uris[0] if uris else ""


def _literal(
    graph: Graph, subject: object, prop: URIRef, props: Iterable[URIRef] = MEANING
) -> str:
    """The preferred value of ``prop``: a literal (French, untagged, any), a
    URI, or else the meaning of a blank node."""
    text = _best(graph.objects(subject, prop))
    if text:
        return text
    found = _values(graph, subject, prop, props)
    return found[0] if found else ""


def _values(
    graph: Graph, subject: object, prop: URIRef, props: Iterable[URIRef] = MEANING
) -> list[str]:
    """Every value of ``prop`` as text (blank nodes resolved or dropped),
    without duplicates, in text order."""
    found = {meaning(graph, v, props) for v in graph.objects(subject, prop)}
    return sorted(v for v in found if v)


def _label(graph: Graph, node: object) -> str:
    """The label of a node; a URI without a label is the URI itself."""
    if isinstance(node, Literal):
        return str(node).strip()
    for prop in (SKOS.prefLabel, DCTERMS.title, FOAF.name, VCARD.fn, RDFS.label):
        label = _best(v for v in graph.objects(node, prop) if isinstance(v, Literal))
        if label:
            return label
    return meaning(graph, node)


def _date(graph: Graph, node: object, *props: URIRef) -> str:
    for prop in props:
        value = _literal(graph, node, prop)
        if value:
            return value
    return ""


def _period(graph: Graph, subject: object) -> tuple[str, str]:
    """Earliest start and latest end of the dataset's periods of time."""
    starts, ends = [], []
    for period in graph.objects(subject, DCTERMS.temporal):
        start = _date(graph, period, DCAT.startDate, SCHEMA.startDate) or _instant(
            graph, period, TIME.hasBeginning
        )
        end = _date(graph, period, DCAT.endDate, SCHEMA.endDate) or _instant(
            graph, period, TIME.hasEnd
        )
        if start:
            starts.append(start)
        if end:
            ends.append(end)
    return (min(starts) if starts else "", max(ends) if ends else "")


def _instant(graph: Graph, period: object, prop: URIRef) -> str:
    for instant in graph.objects(period, prop):
        value = _date(graph, instant, TIME.inXSDDate, TIME.inXSDDateTime)
        if value:
            return value
    return ""


def _guid(graph: Graph, subject: object) -> str:
    """The stable identity of a dataset: its URI, else its ``dct:identifier``."""
    if isinstance(subject, URIRef):
        return str(subject)
    return _literal(graph, subject, DCTERMS.identifier)


def _keywords(graph: Graph, subject: object) -> list[str]:
    """Keywords in any language: French, then untagged, then the others."""
    ranked = sorted(
        {
            _rank(k)
            for k in graph.objects(subject, DCAT.keyword)
            if isinstance(k, Literal)
        }
    )
    out: list[str] = []
    for _, keyword in ranked:
        if keyword and not keyword.startswith("http") and keyword not in out:
            out.append(keyword)
    return out


def _spatial(graph: Graph, node: object) -> str:
    """A place: its URI, its name or code, else its geometry (WKT, GeoJSON)."""
    if not isinstance(node, BNode):
        return meaning(graph, node)
    return meaning(graph, node) or meaning(graph, node, GEOMETRY)


def _contact(graph: Graph, subject: object) -> tuple[str, str]:
    contacts = []
    for contact in graph.objects(subject, DCAT.contactPoint):
        name = _literal(graph, contact, VCARD.fn) or _literal(
            graph, contact, VCARD["organization-name"]
        )
        email = _literal(graph, contact, VCARD.hasEmail) or _literal(
            graph, contact, VCARD.email
        )
        email = email.removeprefix("mailto:")
        if name or email:
            contacts.append((name, email))
    return min(contacts) if contacts else ("", "")


def _format(graph: Graph, dist: object) -> str:
    """The format's label when its node has one (``rdfs:label "XLS"`` on a
    URI of the publisher's own), else the last segment of its URI (EU
    file-type or IANA media-type URIs) or its literal."""
    labels = sorted(
        label
        for node in graph.objects(dist, DCTERMS["format"])
        if isinstance(node, URIRef)
        for label in [_best(graph.objects(node, RDFS.label))]
        if label
    )
    if labels:
        return labels[0]
    value = _literal(graph, dist, DCTERMS["format"], FORMAT)
    return value.rstrip("/").rsplit("/", 1)[-1]


def _resource(graph: Graph, dist: object) -> Resource | None:
    download = _literal(graph, dist, DCAT.downloadURL)
    access = _literal(graph, dist, DCAT.accessURL)
    url = download or access
    if not url:
        return None
    fmt = _format(graph, dist)
    size = _literal(graph, dist, DCAT.byteSize)
    return Resource(
        url=url,
        name=_literal(graph, dist, DCTERMS.title) or fmt or url,
        description=_literal(graph, dist, DCTERMS.description),
        format=fmt,
        mimetype=_literal(graph, dist, DCAT.mediaType).rsplit("/media-types/", 1)[-1],
        size=int(float(size)) if size.replace(".", "", 1).isdigit() else None,
        access_url=access if download and access != download else "",
        conforms_to=_literal(graph, dist, DCTERMS.conformsTo, IDENTIFIED),
        # A distribution's URI is stable; a blank node's id is not: its URL is.
        key=str(dist) if isinstance(dist, URIRef) else url,
    )


def to_record(graph: Graph, subject: object) -> Record:
    title = _literal(graph, subject, DCTERMS.title)
    if not title:
        raise ValueError("no dct:title")
    identifier = _literal(graph, subject, DCTERMS.identifier)
    uri = str(subject) if isinstance(subject, URIRef) else ""  # blank nodes: no
    guid = uri or identifier
    if not guid:
        raise ValueError("neither URI nor dct:identifier")
    temporal_start, temporal_end = _period(graph, subject)
    contact_name, contact_email = _contact(graph, subject)
    publishers = sorted(
        {_label(graph, p) for p in graph.objects(subject, DCTERMS.publisher)}
        - {str(p) for p in graph.objects(subject, DCTERMS.publisher)}
        - {""}
    )
    licences = _values(graph, subject, DCTERMS.license) + [
        v for v in _values(graph, subject, POD_LICENSE) if v
    ]
    resources = []
    dists = sorted(
        graph.objects(subject, DCAT.distribution),
        key=lambda d: (
            _literal(graph, d, DCAT.downloadURL) or _literal(graph, d, DCAT.accessURL),
            _format(graph, d),
            str(d) if isinstance(d, URIRef) else "",
        ),
    )
    for dist in dists:
        resource = _resource(graph, dist)
        if resource is None:
            continue
        for value in _values(graph, dist, DCTERMS.license):
            if value not in licences:
                licences.append(value)
        resources.append(resource)
    licence_nodes = [
        n for n in graph.objects(subject, DCTERMS.license) if isinstance(n, URIRef)
    ]
    licence_labels = sorted(
        {_label(graph, n) for n in licence_nodes} - {str(n) for n in licence_nodes}
    )
    return Record(
        guid=guid,
        title=title,
        platform="dcat",
        description=_literal(graph, subject, DCTERMS.description),
        themes=sorted(
            {_label(graph, t) for t in graph.objects(subject, DCAT.theme)} - {""}
        ),
        keywords=_keywords(graph, subject),
        licence=licences[0] if licences else "",
        licence_alt=[v for v in licence_labels + licences[1:] if v],
        frequency=_literal(graph, subject, DCTERMS.accrualPeriodicity),
        temporal_start=temporal_start,
        temporal_end=temporal_end,
        spatial=sorted(
            {_spatial(graph, s) for s in graph.objects(subject, DCTERMS.spatial)} - {""}
        ),
        contact_name=contact_name,
        contact_email=contact_email,
        producer_name=publishers[0] if publishers else "",
        conforms_to=_values(graph, subject, DCTERMS.conformsTo, IDENTIFIED),
        landing_page=_literal(graph, subject, DCAT.landingPage),
        identifier=identifier if identifier.startswith("http") else uri,
        issued=_literal(graph, subject, DCTERMS.issued),
        modified=_literal(graph, subject, DCTERMS.modified),
        language=sorted(
            {
                v.rstrip("/").rsplit("/", 1)[-1]
                for v in _values(graph, subject, DCTERMS.language)
            }
            - {""}
        ),
        resources=resources,
    )
