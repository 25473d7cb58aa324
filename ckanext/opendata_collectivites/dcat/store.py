"""A small in-memory rdflib store for building feed pages.

rdflib's default ``Memory`` store keeps named-graph bookkeeping on every
``add`` and yields a context generator with every match: about half the cost
of building a dataset's graph. Feeds build plain graphs of a few hundred
triples, so this store keeps two indexes (subject → predicate → objects and
predicate → object → subjects) and nothing else. Matches are returned as
lists, because the stock profiles remove triples while they iterate. Insertion
order is kept, and :meth:`PageStore.by_subject` hands the writer the triples
already grouped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rdflib import Graph
from rdflib.store import Store

Index = dict[Any, dict[Any, dict[Any, None]]]


def _put(index: Index, a: Any, b: Any, c: Any) -> None:
    inner = index.get(a)
    if inner is None:
        inner = index[a] = {}
    leaf = inner.get(b)
    if leaf is None:
        leaf = inner[b] = {}
    leaf[c] = None


def _pop(index: Index, a: Any, b: Any, c: Any) -> None:
    inner = index[a]
    leaf = inner[b]
    del leaf[c]
    if not leaf:
        del inner[b]
        if not inner:
            del index[a]


class PageStore(Store):
    """Context-free triple store (two indexes, insertion order kept)."""

    context_aware = False
    formula_aware = False
    transaction_aware = False
    graph_aware = False

    def __init__(self) -> None:
        super().__init__()
        self.spo: Index = {}
        self.pos: Index = {}
        self._namespaces: dict[str, Any] = {}
        self._prefixes: dict[Any, str] = {}

    def clear(self) -> None:
        """Forget every triple (bound namespaces stay)."""
        self.spo = {}
        self.pos = {}

    def add(self, triple, context=None, quoted: bool = False) -> None:  # type: ignore[override]
        s, p, o = triple
        _put(self.spo, s, p, o)
        _put(self.pos, p, o, s)

    def addN(self, quads) -> None:  # type: ignore[override]  # noqa: N802
        for s, p, o, _ in quads:
            self.add((s, p, o))

    def remove(self, triple, context=None) -> None:  # type: ignore[override]
        for (s, p, o), _ in self._matches(triple):
            _pop(self.spo, s, p, o)
            _pop(self.pos, p, o, s)

    def triples(self, triple_pattern, context=None) -> Iterator:  # type: ignore[override]
        return iter(self._matches(triple_pattern))

    def _matches(self, pattern) -> list:
        s, p, o = pattern
        if s is not None:
            po = self.spo.get(s)
            if not po:
                return []
            if p is not None:
                objs = po.get(p)
                if not objs:
                    return []
                if o is not None:
                    return [((s, p, o), None)] if o in objs else []
                return [((s, p, x), None) for x in objs]
            if o is not None:
                return [((s, q, o), None) for q, objs in po.items() if o in objs]
            return [((s, q, x), None) for q, objs in po.items() for x in objs]
        if p is not None:
            os_ = self.pos.get(p)
            if not os_:
                return []
            if o is not None:
                return [((x, p, o), None) for x in os_.get(o, ())]
            return [((x, p, y), None) for y, subs in os_.items() for x in subs]
        if o is not None:
            return [
                ((x, q, o), None) for q, os_ in self.pos.items() for x in os_.get(o, ())
            ]
        return [
            ((x, q, y), None)
            for x, po in self.spo.items()
            for q, objs in po.items()
            for y in objs
        ]

    def __len__(self, context=None) -> int:  # type: ignore[override]
        return sum(len(objs) for po in self.spo.values() for objs in po.values())

    def contexts(self, triple=None) -> Iterator:  # type: ignore[override]
        return iter(())

    def by_subject(self) -> Index:
        """The subject index ``{subject: {predicate: {object: None}}}`` (read only)."""
        return self.spo

    # Namespaces (the stock profiles bind theirs on every dataset) -------
    def bind(self, prefix: str, namespace: Any, override: bool = True) -> None:
        if not override and namespace in self._prefixes:
            return
        old_namespace = self._namespaces.pop(prefix, None)
        if old_namespace is not None:
            self._prefixes.pop(old_namespace, None)
        old_prefix = self._prefixes.pop(namespace, None)
        if old_prefix is not None:
            self._namespaces.pop(old_prefix, None)
        self._namespaces[prefix] = namespace
        self._prefixes[namespace] = prefix

    def namespace(self, prefix: str) -> Any:
        return self._namespaces.get(prefix)

    def prefix(self, namespace: Any) -> str | None:
        return self._prefixes.get(namespace)

    def namespaces(self) -> Iterator[tuple[str, Any]]:
        return iter(list(self._namespaces.items()))


def page_graph() -> Graph:
    """An empty graph on a :class:`PageStore` (no namespaces bound)."""
    return Graph(store=PageStore(), bind_namespaces="none")
