"""Pure parts of the aggregates: size classes, ordering, query quoting."""

from __future__ import annotations

from ckanext.opendata_collectivites.logic import aggregates


def test_size_classes_are_logarithmic():
    counts = [1, 2, 4, 10, 100, 1000]
    sizes = aggregates.size_classes(counts, 5)
    assert sizes[0] == 1 and sizes[-1] == 5
    assert sizes == sorted(sizes)
    # log scale: 100 is two thirds of the way to 1000 from 1, not a tenth.
    assert sizes[counts.index(100)] == 3


def test_size_classes_equal_counts_take_the_middle_class():
    assert aggregates.size_classes([7, 7, 7], 5) == [3, 3, 3]
    assert aggregates.size_classes([], 5) == []


def test_alphabetical_order_ignores_accents_and_case():
    words = ["zones", "Élections", "eau", "école", "budget"]
    assert sorted(words, key=aggregates.sort_key) == [
        "budget",
        "eau",
        "école",
        "Élections",
        "zones",
    ]


def test_filter_query_quotes_values():
    fq = aggregates.filter_query(organization='a"b', theme="sante")
    assert fq == '+dataset_type:dataset +organization:"a\\"b" +vocab_themes:"sante"'


def test_cloud_keeps_the_most_used_then_sorts_alphabetically():
    items = [("zèbre", 2), ("arbre", 1), ("eau", 9), ("bus", 2), ("air", 5)]
    result = aggregates.cloud(items, limit=3, classes=5, min_count=2, total=12)
    assert [k["name"] for k in result["keywords"]] == ["air", "bus", "eau"]
    assert [k["size"] for k in result["keywords"]] == [3, 1, 5]
    assert result["dataset_count"] == 12
