"""The Lucene and dismax syntax CKAN, its UI, ckanext-dcat and ckanext-harvest send."""

from __future__ import annotations

import datetime as dt

import ckan.lib.search as search
import pysolr
import pytest
from ckan.lib.search.common import make_connection

from tests.search.helpers import dismax, doc, index, names


@pytest.fixture(scope="module")
def corpus():
    search.clear_all()
    index(
        doc(
            "eau-potable",
            title="Qualité de l'eau potable",
            notes="Analyses sanitaires",
            tags=["eau", "santé"],
            groups=["environnement"],
            res_format=["CSV", "JSON"],
            organization="rennes",
            license_id="etalab-2.0",
            num_resources=2,
            metadata_modified="2024-03-01T10:00:00Z",
        ),
        doc(
            "budget-2024",
            title="Budget primitif 2024",
            notes="Délibérations budgétaires",
            tags=["budget", "finances"],
            groups=["economie"],
            res_format=["XLSX"],
            organization="rennes",
            license_id="odc-odbl",
            num_resources=1,
            metadata_modified="2024-02-01T10:00:00Z",
        ),
        doc(
            "pistes-cyclables",
            title="Pistes cyclables",
            notes="Réseau vélo et mobilité",
            tags=["vélo", "mobilité"],
            groups=["transports", "environnement"],
            res_format=["GeoJSON"],
            organization="saint-malo",
            license_id="etalab-2.0",
            extras_frequency="annuelle",
            frequency="ANNUAL",
            num_resources=3,
            metadata_modified="2023-12-01T10:00:00Z",
        ),
    )
    yield
    search.clear_all()


@pytest.fixture
def extra_docs():
    """Documents a test adds to the shared corpus, removed afterwards."""
    added: list[dict] = []
    yield added
    make_connection().delete(id=[d["index_id"] for d in added], commit=True)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("*:*", ["budget-2024", "eau-potable", "pistes-cyclables"]),
        ("tags:eau", ["eau-potable"]),
        ('tags:"santé"', ["eau-potable"]),
        ('tags: "finances"', ["budget-2024"]),
        ("title:budget", ["budget-2024"]),
        ('title:"eau potable"', ["eau-potable"]),
        ('title:"potable eau"', []),
        ("groups:environnement AND organization:saint-malo", ["pistes-cyclables"]),
        (
            "groups:environnement OR tags:budget",
            ["budget-2024", "eau-potable", "pistes-cyclables"],
        ),
        ("groups:environnement -organization:rennes", ["pistes-cyclables"]),
        ("groups:environnement NOT organization:rennes", ["pistes-cyclables"]),
        ("+groups:environnement +organization:rennes", ["eau-potable"]),
        ("organization:(rennes OR saint-malo) AND tags:vélo", ["pistes-cyclables"]),
        (
            "(tags:eau OR tags:budget) AND organization:rennes",
            ["budget-2024", "eau-potable"],
        ),
        ("-tags:eau", ["budget-2024", "pistes-cyclables"]),
        ("title:pist*", ["pistes-cyclables"]),
        ("name:budget*", ["budget-2024"]),
        ("frequency:*", ["pistes-cyclables"]),
        ("extras_frequency:annuelle", ["pistes-cyclables"]),
        ("frequency:ANNUAL", ["pistes-cyclables"]),
        ("num_resources:[2 TO 3]", ["eau-potable", "pistes-cyclables"]),
        ("num_resources:{1 TO 3}", ["eau-potable"]),
        ("license_id:[etalab-2.0 TO etalab-2.0]", ["eau-potable", "pistes-cyclables"]),
        (
            "metadata_modified:[2024-01-01T00:00:00Z TO *]",
            ["budget-2024", "eau-potable"],
        ),
        ("metadata_modified:[* TO 2024-02-01T10:00:00Z}", ["pistes-cyclables"]),
        (
            "metadata_modified:[2020-01-01T00:00:00Z TO NOW]",
            ["budget-2024", "eau-potable", "pistes-cyclables"],
        ),
        ("res_format:CSV", ["eau-potable"]),
        ("res_format:csv", []),
        ("text:délibération", ["budget-2024"]),
        ("velo", ["pistes-cyclables"]),
        ("Seymour\\: An", []),
    ],
)
def test_lucene(corpus, q, expected):
    assert names(q) == expected


def test_default_operator_or_without_q_op(corpus):
    assert names("tags:eau tags:budget", **{"q.op": "OR"}) == [
        "budget-2024",
        "eau-potable",
    ]
    assert names("tags:eau tags:budget") == []


def test_fq_list_and_date_math(corpus, extra_docs):
    assert names("*:*", fq=["organization:rennes", "-tags:eau"]) == ["budget-2024"]
    assert names("*:*", fq="metadata_modified:[NOW-1DAY TO NOW]") == []
    recent = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    extra_docs.append(doc("tout-neuf", metadata_modified=recent))
    index(*extra_docs)
    assert names("*:*", fq="metadata_modified:[NOW-1DAY TO NOW]") == ["tout-neuf"]
    assert names("*:*", fq="metadata_modified:[NOW/DAY-1DAY TO *]") == ["tout-neuf"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("budget", ["budget-2024"]),
        ("eau potable", ["eau-potable"]),
        ('"eau potable"', ["eau-potable"]),
        ('"potable eau"', []),
        ("+eau -budget", ["eau-potable"]),
        ("environnement", ["eau-potable", "pistes-cyclables"]),
        ("pistes-cyclables", ["pistes-cyclables"]),
        ("mobilité vélo réseau inconnu", ["pistes-cyclables"]),  # mm: 3 of 4
        ("mobilité inconnu", []),  # mm: 2 clauses are all required
    ],
)
def test_dismax(corpus, q, expected):
    assert dismax(q) == expected


def test_dismax_boosts_title_over_description(corpus, extra_docs):
    extra_docs.extend(
        [
            doc("a-description", title="Inventaire", notes="arbres remarquables"),
            doc("b-titre", title="Arbres remarquables", notes="inventaire"),
            doc("c-mot-cle", title="Patrimoine", tags=["arbres"], notes="remarquables"),
        ]
    )
    index(*extra_docs)
    assert dismax("arbres remarquables", sort="score desc, name asc") == [
        "b-titre",
        "c-mot-cle",
        "a-description",
    ]


@pytest.mark.parametrize(
    "q",
    [
        "--included",
        "(tags:eau",
        "tags:eau)",
        'title:"abc',
        "num_resources:[1 TO",
        "tags:",
        "a AND",
        "title:x^",
        "{!unknown}x",
    ],
)
def test_syntax_errors_are_solr_errors(corpus, q):
    with pytest.raises(pysolr.SolrError):
        names(q)


def test_local_params(corpus):
    assert names("{!lucene q.op=OR}tags:eau tags:budget") == [
        "budget-2024",
        "eau-potable",
    ]
    assert names("{!bool must=tags:eau}") == ["eau-potable"]
