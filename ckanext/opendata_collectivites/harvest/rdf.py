"""RDF documents read without any request outside the harvester's HTTP client.

Parsers fetch things by themselves: rdflib's JSON-LD parser downloads every
remote ``@context`` (and ``@import``) with ``urllib``, XML parsers resolve
DTDs and external entities. Here:

* RDF/XML is refused when it declares a DTD or entities (defusedxml) before
  rdflib sees it;
* JSON-LD is loaded as JSON first; every context it names (at any depth,
  scoped contexts and ``@import`` included) is replaced by its content —
  the copy shipped in ``data/jsonld/`` for well-known contexts (schema.org,
  DCAT-US/POD v1.1), otherwise the document fetched through the
  :class:`HttpClient` (address policy, limits, timeouts) — so rdflib receives
  a document that names no URL to fetch;
* ``owl:imports`` and other links are data: never followed.
"""

from __future__ import annotations

import functools
import json
import pathlib
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from rdflib import Graph
from rdflib.graph import ConjunctiveGraph

from ckanext.opendata_collectivites.harvest.errors import HarvestError
from ckanext.opendata_collectivites.harvest.http import (
    HttpClient,
    Response,
    parse_xml_safely,
)

CONTEXTS = pathlib.Path(__file__).parent / "data" / "jsonld"
CONTEXT_ACCEPT = "application/ld+json, application/json;q=0.9"
MAX_CONTEXTS = 20  # distinct remote contexts per document

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
    """rdflib's format name for a response: media type, then suffix, then body."""
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
    if head.startswith((b"{", b"[")):
        return "json-ld"
    return None


def parse(response: Response, client: HttpClient) -> Graph:
    """The graph of an RDF response; raises :class:`HarvestError` (French)."""
    fmt = guess_format(response)
    if fmt is None:
        raise HarvestError("%(url)s is not an RDF document.", url=response.url)
    if fmt == "json-ld":
        return parse_jsonld(response, client)
    if fmt == "xml":
        parse_xml_safely(response.body, response.url)
    graph = Graph()
    try:
        graph.parse(data=response.body, format=fmt, publicID=response.url)
    except Exception as exc:  # noqa: BLE001 - rdflib raises many types
        raise _malformed(response.url, exc) from exc
    return graph


def parse_jsonld(response: Response, client: HttpClient) -> Graph:
    """JSON-LD with every named context resolved here, none by rdflib."""
    from rdflib.plugins.parsers.jsonld import to_rdf

    data = response.json()
    resolver = ContextResolver(client, response.url)
    data = resolver.inline(data, response.url)
    graph = Graph()
    sink = ConjunctiveGraph(store=graph.store, identifier=graph.identifier)
    try:
        to_rdf(data, sink, base=response.url, version=1.1)
    except Exception as exc:  # noqa: BLE001 - rdflib raises many types
        raise _malformed(response.url, exc) from exc
    return graph


def _malformed(url: str, exc: Exception) -> HarvestError:
    return HarvestError(
        "The RDF of %(url)s is malformed: %(error)s",
        url=url,
        error=f"{type(exc).__name__}: {str(exc)[:200]}",
    )


def _key(url: str) -> str:
    """Lookup key of a context URL: no fragment, lower-case host, no final /."""
    url = urldefrag(url)[0]
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path}".rstrip(
        "/"
    ) + (f"?{parts.query}" if parts.query else "")


@functools.lru_cache(maxsize=1)
def shipped_contexts() -> dict[str, Any]:
    """URL key → the shipped context document (``data/jsonld/contexts.json``)."""
    index = json.loads((CONTEXTS / "contexts.json").read_text(encoding="utf-8"))
    out: dict[str, Any] = {}
    for entry in index["contexts"]:
        document = json.loads((CONTEXTS / entry["file"]).read_text(encoding="utf-8"))
        for url in entry["urls"]:
            out[_key(url)] = document
    return out


class ContextResolver:
    """Replaces context references by context content, for one document."""

    def __init__(self, client: HttpClient, document_url: str) -> None:
        self.client = client
        self.document_url = document_url
        self.resolved: dict[str, Any] = {}  # key → inlined @context value
        self.fetched: list[str] = []  # remote contexts read through the client
        self._active: set[str] = set()

    def inline(self, node: Any, base: str) -> Any:
        """``node`` with every ``@context`` value inlined (walks the whole tree)."""
        if isinstance(node, list):
            return [self.inline(item, base) for item in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key == "@context":
                out[key] = self.context(value, base)
            else:
                out[key] = self.inline(value, base)
        return out

    def context(self, value: Any, base: str) -> Any:
        """A context value (URL, object, list, null) with no URL left in it."""
        if isinstance(value, str):
            return self._remote(urljoin(base, value))
        if isinstance(value, list):
            out: list[Any] = []
            for item in value:
                inlined = self.context(item, base)
                out.extend(inlined if isinstance(inlined, list) else [inlined])
            return out
        if isinstance(value, dict):
            value = dict(value)
            imported = value.pop("@import", None)
            merged: dict[str, Any] = {}
            if imported is not None:
                if not isinstance(imported, str):
                    raise HarvestError(
                        "The JSON-LD of %(url)s is malformed: %(error)s",
                        url=self.document_url,
                        error="@import must be a URL",
                    )
                content = self._remote(urljoin(base, imported))
                if not isinstance(content, dict):
                    raise HarvestError(
                        "The JSON-LD of %(url)s is malformed: %(error)s",
                        url=self.document_url,
                        error=f"@import {imported} is not a single context object",
                    )
                merged.update(content)
            for term, definition in value.items():
                if isinstance(definition, dict) and "@context" in definition:
                    definition = dict(definition)
                    definition["@context"] = self.context(definition["@context"], base)
                merged[term] = definition
            return merged
        return value  # null or an invalid value rdflib reports itself

    def _remote(self, url: str) -> Any:
        key = _key(url)
        if key in self.resolved:
            return self.resolved[key]
        if key in self._active:
            raise HarvestError(
                "The JSON-LD context %(context)s of %(url)s includes itself.",
                context=url,
                url=self.document_url,
            )
        if len(self.resolved) + len(self._active) >= MAX_CONTEXTS:
            raise HarvestError(
                "The JSON-LD of %(url)s names more than %(n)s remote contexts.",
                url=self.document_url,
                n=MAX_CONTEXTS,
            )
        document = shipped_contexts().get(key)
        if document is None:
            document = self._fetch(url)
        if not isinstance(document, dict) or "@context" not in document:
            raise HarvestError(
                "The JSON-LD context %(context)s of %(url)s is not a JSON-LD "
                "context document.",
                context=url,
                url=self.document_url,
            )
        self._active.add(key)
        try:
            inlined = self.context(document["@context"], url)
        finally:
            self._active.discard(key)
        self.resolved[key] = inlined
        return inlined

    def _fetch(self, url: str) -> Any:
        try:
            response = self.client.get(url, accept=CONTEXT_ACCEPT)
            self.fetched.append(url)
            return response.json()
        except HarvestError as exc:
            raise HarvestError(
                "The JSON-LD context %(context)s named by %(url)s cannot be read "
                "(%(error)s). Only contexts shipped with the portal (schema.org, "
                "DCAT-US/POD v1.1) or reachable under the harvester's address "
                "policy are used.",
                context=url,
                url=self.document_url,
                error=exc.message(),
            ) from exc
