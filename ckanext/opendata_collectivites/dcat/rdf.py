"""Namespaces and small graph helpers shared by the profile and the feeds."""

from __future__ import annotations

from ckanext.dcat.profiles.base import namespaces as DCAT_NAMESPACES
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib import namespace as _ns


class CachedNamespace(Namespace):
    """A namespace whose terms are built once (rdflib builds one per access)."""

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        term = URIRef(str(self) + name)
        self.__dict__[name] = term
        return term

    def __getitem__(self, key: str) -> URIRef:  # type: ignore[override]
        return self.__getattr__(key)


ADMS = CachedNamespace("http://www.w3.org/ns/adms#")
DCAT = CachedNamespace("http://www.w3.org/ns/dcat#")
DCATAP = CachedNamespace("http://data.europa.eu/r5r/")
DCT = CachedNamespace("http://purl.org/dc/terms/")
FOAF = CachedNamespace("http://xmlns.com/foaf/0.1/")
VCARD = CachedNamespace("http://www.w3.org/2006/vcard/ns#")
RDF = CachedNamespace(str(_ns.RDF))
RDFS = CachedNamespace(str(_ns.RDFS))
SKOS = CachedNamespace(str(_ns.SKOS))
OWL = CachedNamespace(str(_ns.OWL))
XSD = CachedNamespace(str(_ns.XSD))
ELI = CachedNamespace("http://data.europa.eu/eli/ontology#")
HYDRA = CachedNamespace("http://www.w3.org/ns/hydra/core#")
SPDX = CachedNamespace("http://spdx.org/rdf/terms#")
# GeoDCAT-AP (spatial resolution of a dataset, in words).
GEODCAT = CachedNamespace("http://data.europa.eu/930/")
# The SCDL catalogue field once used for the spatial granularity (still read).
SCDL_CATALOGUE = CachedNamespace(
    "https://schema.data.gouv.fr/schemas/scdl/catalogue/0.1.3/schema.json#"
)

PREFIXES: dict[str, str] = {
    **{k: str(v) for k, v in DCAT_NAMESPACES.items()},
    "rdf": str(RDF),
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "eli": str(ELI),
    "hydra": str(HYDRA),
    "geodcat": str(GEODCAT),
    "prov": "http://www.w3.org/ns/prov#",
    "scdl": str(SCDL_CATALOGUE),
}


def drop_objects(g: Graph, subject, predicate) -> None:
    """Remove ``subject predicate *`` and the blank nodes left unreferenced."""
    for obj in list(g.objects(subject, predicate)):
        g.remove((subject, predicate, obj))
        if isinstance(obj, BNode):
            drop_bnode(g, obj)


def drop_bnode(g: Graph, node: BNode) -> None:
    """Remove a blank node's description if nothing refers to it any more."""
    if (None, None, node) in g:
        return
    for p, o in list(g.predicate_objects(node)):
        g.remove((node, p, o))
        if isinstance(o, BNode):
            drop_bnode(g, o)


def add_concept(
    g: Graph,
    uri: str,
    scheme: str | None,
    label: str | None,
    lang: str = "fr",
    *classes: URIRef,
) -> URIRef:
    """Declare a vocabulary value (``skos:Concept``, ``inScheme``, ``prefLabel``)."""
    ref = URIRef(uri)
    if (ref, RDF.type, SKOS.Concept) in g:  # already declared (shared graph)
        return ref
    g.add((ref, RDF.type, SKOS.Concept))
    for cls in classes:
        g.add((ref, RDF.type, cls))
    if scheme:
        g.add((ref, SKOS.inScheme, URIRef(scheme)))
    if label and (ref, SKOS.prefLabel, None) not in g:
        g.add((ref, SKOS.prefLabel, Literal(label, lang=lang)))
    return ref
