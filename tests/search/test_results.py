"""Facets, sorting, paging, stored fields (``fl``) and dates, at the connection."""

from __future__ import annotations

import datetime as dt

import ckan.lib.search as search
import pysolr
import pytest
from ckan.lib.search.common import make_connection

from tests.search.helpers import doc, index, names


@pytest.fixture(scope="module")
def corpus():
    search.clear_all()
    docs = []
    for k in range(30):
        docs.append(
            doc(
                f"jeu-{k:02d}",
                title=f"Jeu {29 - k:02d}",
                title_string=f"Jeu {29 - k:02d}",
                tags=[f"t{k % 3}", "commun"],
                organization=f"org-{k % 4}",
                res_format=["CSV"] if k % 2 else ["PDF", "CSV"],
                views_recent=k % 5,
                notes=f"Description {k}",
                metadata_modified=f"2024-01-01T00:00:{k:02d}.123456Z",
            )
        )
    index(*docs)
    yield
    search.clear_all()


def _search(**params):
    params.setdefault("q", "*:*")
    return make_connection(decode_dates=False).search(**params)


def test_facets_count_order_limit_mincount(corpus):
    result = _search(
        rows=0,
        facet="true",
        **{
            "facet.field": ["organization", "tags", "res_format"],
            "facet.limit": 3,
            "facet.mincount": 1,
        },
    )
    facets = result.facets["facet_fields"]
    assert facets["organization"] == ["org-0", 8, "org-1", 8, "org-2", 7]
    assert facets["tags"] == ["commun", 30, "t0", 10, "t1", 10]
    assert facets["res_format"] == ["CSV", 30, "PDF", 15]
    assert result.hits == 30 and result.docs == []


def test_facet_limit_minus_one_is_index_order_and_filters_apply(corpus):
    result = _search(
        q="tags:t1",
        fq=["-organization:org-0"],
        rows=0,
        facet="true",
        **{"facet.field": "organization", "facet.limit": -1},
    )
    assert result.facets["facet_fields"]["organization"] == [
        "org-1",
        3,
        "org-2",
        2,
        "org-3",
        2,
    ]


def test_no_facets_without_facet_true(corpus):
    assert _search(rows=1).facets == {}


def test_sort_keys_and_paging(corpus):
    assert names(sort="title_string asc", rows=3) == ["jeu-29", "jeu-28", "jeu-27"]
    assert names(sort="views_recent desc, name desc", rows=3) == [
        "jeu-29",
        "jeu-24",
        "jeu-19",
    ]
    first = names(sort="score desc, metadata_modified desc", rows=10)
    second = names(sort="score desc, metadata_modified desc", rows=10, start=10)
    assert first[0] == "jeu-29" and second[0] == "jeu-19"
    assert not set(first) & set(second)
    assert names(sort="view_recent desc", rows=2) == [
        "jeu-00",
        "jeu-01",
    ]  # unknown: no-op


@pytest.mark.parametrize("sort", ["metadata_modified", "name up", "tags asc"])
def test_bad_sort_is_an_error(corpus, sort):
    with pytest.raises(pysolr.SolrError):
        names(sort=sort)


def test_fl_stored_fields_only(corpus):
    docs = _search(q="name:jeu-03", fl="name,title views_recent permission_labels").docs
    assert docs == [{"name": "jeu-03", "title": "Jeu 26"}]
    everything = _search(q="name:jeu-03", fl="*").docs[0]
    assert "text" not in everything and "permission_labels" not in everything
    assert (
        everything["tags"] == ["t0", "commun"] and everything["organization"] == "org-3"
    )


def test_dates_are_solr_strings_or_datetimes(corpus):
    raw = _search(q="name:jeu-05", fl="metadata_modified").docs[0]
    assert raw["metadata_modified"] == "2024-01-01T00:00:05.123Z"
    decoded = make_connection().search(q="name:jeu-05", fl="metadata_modified").docs[0]
    assert decoded["metadata_modified"] == dt.datetime(2024, 1, 1, 0, 0, 5)


def test_rows_are_capped_and_start_beyond_end(corpus):
    assert len(_search(rows=10**9).docs) == 30
    assert _search(rows=10, start=10**12).docs == []


def test_delete_by_query_and_by_id(corpus):
    conn = make_connection()
    extra = [doc("tmp-a", tags=["jetable"]), doc("tmp-b", tags=["jetable"])]
    index(*extra)
    conn.delete(q='+tags:"jetable" AND +name:"tmp-a"', commit=True)
    assert names("tags:jetable") == ["tmp-b"]
    conn.delete(id=extra[1]["index_id"], commit=True)
    assert names("tags:jetable") == []
