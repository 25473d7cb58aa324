"""Index rows do not depend on the writer's analysis caches."""

from __future__ import annotations

import datetime as dt

from ckanext.opendata_collectivites.search import writer

WHEN = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
DOC = {
    "index_id": "x1",
    "id": "d1",
    "site_id": "default",
    "indexed_ts": WHEN,
    "title": "Budget primitif de la commune",
    "tags": ["budget", "finances publiques", "budget"],
    "notes": " ".join(["Délibérations du conseil municipal de Saint-Étienne"] * 12),
}


def test_short_value_cache_leaves_rows_unchanged(monkeypatch):
    writer.clear_caches()
    first = writer.build_row(DOC)
    assert writer._cached_text_lexemes.cache_info().currsize == 4  # all but notes
    assert writer.build_row(DOC) == first  # from the cache
    writer.clear_caches()
    assert writer._cached_text_lexemes.cache_info().currsize == 0
    monkeypatch.setattr(writer, "SHORT_TEXT", 0)  # every value word by word
    assert writer.build_row(DOC) == first
    # copied into "text": title at 1-5, then each tag value after Solr's gap
    assert "'title:budget':1 " in first.tsv and "'text:budget':1,106," in first.tsv
