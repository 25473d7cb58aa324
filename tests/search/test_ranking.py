"""Dismax relevance: field boosts, word coverage, term frequency, tie-breaks."""

from __future__ import annotations

import ckan.lib.search as search
import pytest

from tests.search.helpers import dismax, doc, index

CKAN_SORT = "score desc, metadata_modified desc"


@pytest.fixture(scope="module")
def corpus():
    search.clear_all()
    # the expected winners are the oldest: the tie-break cannot order them
    docs = [
        doc("titre-deux-mots", title="Arbres remarquables", notes="Inventaire"),
        doc("titre-un-mot", title="Arbres de la ville", notes="remarquables"),
        doc("mot-cle", title="Patrimoine", tags=["arbres"], notes="Inventaire"),
        doc("description-un-mot", title="Inventaire", notes="Des arbres."),
        doc("velo-3", title="Comptages", notes="vélo, vélos et vélo"),
        doc("velo-1", title="Comptages", notes="vélo"),
        doc("notes-eau", title="Rivières", notes="eau"),
        doc("titre-eau", title="Eau", notes="Rivières"),
    ]
    for k, d in enumerate(docs):
        d["metadata_modified"] = f"2024-01-01T00:00:{k:02d}Z"
    for name, day in (("ancien", "2023-01-01"), ("recent", "2024-06-01")):
        docs.append(
            doc(name, title="Marchés publics", metadata_modified=day + "T00:00:00Z")
        )
    index(*docs)
    yield
    search.clear_all()


def test_title_with_both_words_first_then_fewer_and_weaker_matches(corpus):
    assert dismax("arbres remarquables", mm="1", sort=CKAN_SORT) == [
        "titre-deux-mots",  # both words, in the title
        "titre-un-mot",  # title + description
        "mot-cle",  # one word, as a keyword
        "description-un-mot",  # one word, in the description
    ]


def test_more_occurrences_rank_higher(corpus):
    assert dismax("vélo", sort=CKAN_SORT) == ["velo-3", "velo-1"]


def test_qf_boosts_are_honoured(corpus):
    assert dismax("eau", qf="title^4 notes", sort=CKAN_SORT) == [
        "titre-eau",
        "notes-eau",
    ]
    assert dismax("eau", qf="title notes^8", sort=CKAN_SORT) == [
        "notes-eau",
        "titre-eau",
    ]


def test_equal_scores_newest_first_then_index_order(corpus):
    assert dismax("marchés publics", sort=CKAN_SORT) == ["recent", "ancien"]
    assert dismax("marchés publics", sort="score desc") == ["ancien", "recent"]


def test_score_is_returned(corpus):
    from ckan.lib.search.common import make_connection

    docs = (
        make_connection()
        .search(
            q="arbres remarquables",
            defType="dismax",
            qf="name^4 title^4 tags^2 groups^2 text",
            mm="1",
            fl="name score",
            sort=CKAN_SORT,
        )
        .docs
    )
    scores = [d["score"] for d in docs]
    assert docs[0]["name"] == "titre-deux-mots"
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1] > 0


def test_text_search_restores_planner_settings(corpus):
    import ckan.model as model
    from sqlalchemy import text

    assert dismax("eau") == ["titre-eau", "notes-eau"]
    assert model.Session.execute(text("SHOW enable_seqscan")).scalar() == "on"
