"""Catalogue pages: the profile chain applied one dataset at a time.

ckanext-dcat's ``RDFSerializer.serialize_catalog`` adds every dataset of a page
to one graph, so the stock profile's whole-graph passes (``dcat:byteSize`` fix-up)
and rdflib's Turtle prefix computation grow faster than the page. Here each
dataset is built in a small graph (profile instances are created once per page),
written out, then cleared: memory depends on the page size only.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.profiles import DCAT, RDFProfile
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from ckanext.opendata_collectivites.dcat.cache import feed_cache
from ckanext.opendata_collectivites.dcat.rdf import HYDRA, PREFIXES
from ckanext.opendata_collectivites.dcat.store import page_graph
from ckanext.opendata_collectivites.dcat.turtle import TurtleWriter

RDFLIB_FORMATS = {
    "ttl": "turtle",
    "rdf": "xml",
    "xml": "xml",
    "jsonld": "json-ld",
    "n3": "n3",
}
CONTENT_TYPES = {
    "ttl": "text/turtle",
    "rdf": "application/rdf+xml",
    "xml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "n3": "text/n3",
}


@functools.lru_cache(maxsize=16)
def _profile_classes(names: tuple[str, ...]) -> list[Any]:
    return RDFSerializer._load_profiles(None, list(names))


class FeedSerializer(RDFSerializer):
    """Serialise catalogue pages with the configured profile chain."""

    def _load_profiles(self, profile_names: list[str]) -> list[Any]:
        """The stock loader, once per process and chain.

        ckanext-dcat reads the entry points of every installed distribution
        for each profile name, on every serializer (about 7 ms per feed page);
        they cannot change while the process runs.
        """
        return list(_profile_classes(tuple(profile_names)))

    def _profiles_for(self, graph: Graph) -> list[Any]:
        return [
            cls(graph, compatibility_mode=self.compatibility_mode)
            for cls in self._profiles
        ]

    def serialize_page(
        self,
        catalog_dict: dict[str, Any],
        dataset_dicts: Iterable[dict[str, Any]],
        _format: str = "ttl",
        paging: dict[str, Any] | None = None,
    ) -> str:
        dataset_dicts = list(dataset_dicts)
        with feed_cache() as cache:
            cache.prefetch_organizations(
                {d.get("owner_org") for d in dataset_dicts if d.get("owner_org")}
                | {catalog_dict.get("publisher") or ""}
            )
            catalog_ref = URIRef(catalog_dict.get("uri") or cache.base_uri)
            catalog = page_graph()
            modified = catalog_dict.get("modified")
            for profile in self._profiles_for(catalog):
                if modified and hasattr(profile, "_last_catalog_modification"):
                    # euro_dcat_ap_base would run a package_search for it.
                    profile._last_catalog_modification = lambda: modified
                profile.graph_from_catalog(catalog_dict, catalog_ref)
            if paging:
                self._paging(catalog, catalog_ref, paging)

            scratch = page_graph()
            profiles = self._profiles_for(scratch)
            for profile in profiles:
                if hasattr(profile, "shared_graph"):
                    profile.shared_graph = catalog  # shared nodes once per page
            stock_orgs = self._lend_organizations(cache, dataset_dicts)
            rdf_format = RDFLIB_FORMATS.get(_format, "turtle")
            writer = TurtleWriter(PREFIXES) if rdf_format == "turtle" else None
            parts: list[str] = []
            merged = None if writer else page_graph()
            for dataset_dict in dataset_dicts:
                dataset_ref = URIRef(cache.dataset_uri(dataset_dict))
                for profile in profiles:
                    profile.graph_from_dataset(dataset_dict, dataset_ref)
                catalog.add((catalog_ref, DCAT.dataset, dataset_ref))
                if writer:
                    parts.append(writer.graph(scratch, first=[dataset_ref]))
                else:
                    for triple in scratch:
                        merged.add(triple)
                scratch.store.clear()
            for org_id in stock_orgs:
                RDFProfile._org_cache.pop(org_id, None)

        if writer:
            body = writer.header() + writer.graph(catalog, first=[catalog_ref])
            body += "".join(parts)
        else:
            for triple in catalog:
                merged.add(triple)
            for prefix, ns in PREFIXES.items():
                merged.bind(prefix, ns)
            body = merged.serialize(format=rdf_format)
            merged.store.clear()
        # rdflib graphs and their namespace managers form reference cycles,
        # which only the cyclic GC frees: drop the triples now, so that memory
        # does not pile up over the pages of a long harvest.
        catalog.store.clear()
        scratch.store.clear()
        return body

    @staticmethod
    def _lend_organizations(
        cache: Any, dataset_dicts: list[dict[str, Any]]
    ) -> list[str]:
        """Give the stock profile this page's organisations (read in one batch).

        ``euro_dcat_ap_base`` otherwise calls ``organization_show`` for each
        organisation and keeps the result in a process-wide class attribute
        that is never refreshed; the entries lent here are removed after the
        page.
        """
        lent = []
        for d in dataset_dicts:
            org_id = (d.get("organization") or {}).get("id")
            if org_id and org_id not in RDFProfile._org_cache:
                org = cache.organization(org_id)
                if org is not None:
                    RDFProfile._org_cache[org_id] = org
                    lent.append(org_id)
        return lent

    @staticmethod
    def _paging(g: Graph, catalog_ref: URIRef, paging: dict[str, Any]) -> None:
        """Hydra paging (``PartialCollectionView`` and legacy ``PagedCollection``)."""
        view = URIRef(paging["current"])
        g.add((catalog_ref, HYDRA.view, view))
        g.add((view, RDF.type, HYDRA.PartialCollectionView))
        g.add((view, RDF.type, HYDRA.PagedCollection))
        for key, predicates in (
            ("first", (HYDRA.first, HYDRA.firstPage)),
            ("last", (HYDRA.last, HYDRA.lastPage)),
            ("next", (HYDRA.next, HYDRA.nextPage)),
            ("previous", (HYDRA.previous, HYDRA.previousPage)),
        ):
            if paging.get(key):
                for predicate in predicates:
                    g.add((view, predicate, URIRef(paging[key])))
        g.add((view, HYDRA.totalItems, Literal(int(paging["count"]))))
        g.add((view, HYDRA.itemsPerPage, Literal(int(paging["items_per_page"]))))
