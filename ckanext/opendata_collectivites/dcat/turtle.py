"""A fast Turtle writer for one small graph at a time.

rdflib's Turtle serializer computes a prefixed name for every node through a
namespace trie that grows with each new URI (one per dataset and resource):
its cost grows faster than the page. Feeds write each dataset's graph with a
fixed prefix table instead: subjects grouped, ``a`` for ``rdf:type``, full
``<IRI>`` when no prefix applies. The output is plain Turtle 1.1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_ESCAPES = str.maketrans(
    {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
)


class TurtleWriter:
    """Formats terms with a fixed prefix table (longest namespace first)."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = dict(prefixes)
        self._ns = sorted(
            ((ns, p) for p, ns in self.prefixes.items()), key=lambda x: -len(x[0])
        )
        self._cache: dict[str, str] = {}

    def header(self) -> str:
        return (
            "".join(
                f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(self.prefixes.items())
            )
            + "\n"
        )

    def iri(self, uri: str) -> str:
        out = self._cache.get(uri)
        if out is None:
            out = ""
            text = str(uri)  # rdflib terms override startswith in Python
            for ns, prefix in self._ns:
                if text.startswith(ns) and _LOCAL.match(text[len(ns) :]):
                    out = f"{prefix}:{text[len(ns) :]}"
                    break
            if not out:
                out = (
                    "<"
                    + _IRI_FORBIDDEN.sub(lambda m: f"%{ord(m.group()):02X}", text)
                    + ">"
                )
            if len(self._cache) < 5000:
                self._cache[uri] = out
        return out

    def term(self, t) -> str:
        kind = type(t)
        if kind is URIRef:
            return self._cache.get(t) or self.iri(t)
        if kind is BNode:
            return f"_:{t}"
        if isinstance(t, Literal):
            text = '"' + str(t).translate(_ESCAPES) + '"'
            if t.language:
                return f"{text}@{t.language}"
            if t.datatype:
                return f"{text}^^{self.iri(str(t.datatype))}"
            return text
        if isinstance(t, BNode):
            return f"_:{t}"
        return self.iri(str(t))

    def graph(self, g: Graph, first: Iterable = ()) -> str:
        """The triples of ``g``, subjects in ``first`` written first."""
        index = getattr(g.store, "by_subject", None)
        if index is not None:
            by_subject = index()
        else:
            by_subject = {}
            for s, p, o in g.triples((None, None, None)):
                by_subject.setdefault(s, {}).setdefault(p, {})[o] = None
        order = [s for s in first if s in by_subject]
        seen = set(order)
        order += sorted((s for s in by_subject if s not in seen), key=_subject_key)
        term, iri = self.term, self.iri
        out: list[str] = []
        for s in order:
            po = by_subject[s]
            lines = []
            if _TYPE in po:
                lines += ["a " + term(o) for o in po[_TYPE]]
            for p in sorted(po, key=str):
                if p != _TYPE:
                    prefix = iri(p) + " "
                    lines += [prefix + term(o) for o in po[p]]
            out.append(term(s) + " " + " ;\n    ".join(lines) + " .\n")
        return "\n".join(out) + "\n"


_TYPE = RDF.type


def _subject_key(s) -> tuple:
    return (isinstance(s, BNode), str(s))
