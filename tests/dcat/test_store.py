"""The feed's page store answers every triple pattern like rdflib's own store."""

from __future__ import annotations

import itertools
import random

from rdflib import BNode, Graph, Literal, URIRef

from ckanext.opendata_collectivites.dcat.store import page_graph

EX = "http://example.org/"


def _pair() -> tuple[Graph, Graph]:
    rng = random.Random(5)
    nodes = [URIRef(f"{EX}n{i}") for i in range(6)] + [BNode("b1"), BNode("b2")]
    preds = [URIRef(f"{EX}p{i}") for i in range(4)]
    objs = nodes + [Literal("x"), Literal("x", lang="fr"), Literal(3)]
    ours, ref = page_graph(), Graph()
    for _ in range(120):
        t = (rng.choice(nodes), rng.choice(preds), rng.choice(objs))
        ours.add(t)
        ref.add(t)
    return ours, ref


def test_every_pattern_matches_rdflib():
    ours, ref = _pair()
    subjects = list(set(ref.subjects())) + [URIRef(EX + "absent")]
    preds = list(set(ref.predicates())) + [URIRef(EX + "absent")]
    objs = list(set(ref.objects()))[:6] + [Literal("absent")]
    for s, p, o in itertools.product([None, *subjects], [None, *preds], [None, *objs]):
        assert set(ours.triples((s, p, o))) == set(ref.triples((s, p, o)))
    assert len(ours) == len(ref)


def test_remove_patterns_and_change_while_iterating():
    ours, ref = _pair()
    p0, o0 = URIRef(EX + "p0"), URIRef(EX + "n1")
    for s, p, o in ours.triples((None, p0, None)):  # stock profiles do this
        ours.remove((s, p, o))
    ref.remove((None, p0, None))
    ours.remove((None, None, o0))
    ref.remove((None, None, o0))
    assert set(ours) == set(ref)
    assert (None, p0, None) not in ours
    assert len(ours) == len(ref)


def test_clear_keeps_bindings_and_by_subject_keeps_order():
    g = page_graph()
    g.bind("ex", EX)
    a, b = URIRef(EX + "a"), URIRef(EX + "b")
    g.add((b, URIRef(EX + "p"), Literal(1)))
    g.add((a, URIRef(EX + "q"), Literal(2)))
    g.add((b, URIRef(EX + "q"), Literal(3)))
    assert list(g.store.by_subject()) == [b, a]
    assert list(g.store.by_subject()[b]) == [URIRef(EX + "p"), URIRef(EX + "q")]
    g.store.clear()
    assert len(g) == 0
    assert dict(g.namespaces())["ex"] == URIRef(EX)
