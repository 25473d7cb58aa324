"""Facet counts equal a brute-force count, on both counting paths, after any
sequence of index writes (random data, hypothesis)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import ckan.lib.search as search
import ckan.model as model
from ckan.lib.search.common import make_connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from ckanext.opendata_collectivites.search import terms
from tests.search.helpers import doc

FIELDS = ["tags", "organization", "res_format", "license_id", "permission_labels"]
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

DOCS = st.fixed_dictionaries(
    {
        "tags": st.lists(st.sampled_from(["eau", "Eau", "école", "vélo", "b", "a"])),
        "organization": st.sampled_from(["org-a", "org-b", "org-é"]),
        "res_format": st.lists(st.sampled_from(["CSV", "PDF", "csv"]), max_size=3),
        "license_id": st.sampled_from(["etalab-2.0", "odc-odbl"]),
        "state": st.sampled_from(["active", "active", "draft"]),
        "permission_labels": st.sampled_from(
            [["public"], ["member-org-a", "creator-u1"], ["member-org-b"]]
        ),
    }
)
# operations: index (or re-index) document k, or delete it
OPS = st.lists(
    st.tuples(st.sampled_from(["add", "delete"]), st.integers(0, 7), DOCS),
    min_size=1,
    max_size=14,
)
REQUESTS = st.fixed_dictionaries(
    {
        "labels": st.sampled_from(
            ["public", "public OR member-org-a", "member-org-b", "*"]
        ),
        "state": st.sampled_from(["active", "(active OR draft)", "*"]),
        "fields": st.lists(st.sampled_from(FIELDS), min_size=1, max_size=3),
        "limit": st.sampled_from([-1, 1, 2, 100]),
        "mincount": st.sampled_from([0, 1, 2]),
    }
)


def _apply(ops: list[tuple[str, int, dict]]) -> dict[str, dict]:
    """Run ``ops`` through the engine (one commit each); the live documents."""
    conn = make_connection()
    live: dict[str, dict] = {}
    for op, k, fields in ops:
        d = doc(f"d{k}", **fields)
        if op == "add":
            conn.add(docs=[d], commit=True)
            live[d["name"]] = d
        else:
            conn.delete(id=d["index_id"], commit=True)
            live.pop(d["name"], None)
    return live


def _matches(value: list[str] | str, spec: str) -> bool:
    wanted = spec.strip("()").split(" OR ")
    values = value if isinstance(value, list) else [value]
    return spec == "*" or any(v in wanted for v in values)


def _expected(live: dict[str, dict], req: dict) -> tuple[int, dict[str, list]]:
    hits = [
        d
        for d in live.values()
        if _matches(d["permission_labels"], req["labels"])
        and _matches(d["state"], req["state"])
    ]
    facets = {}
    for field in dict.fromkeys(req["fields"]):
        counts = Counter(v for d in hits for v in set(_as_list(d.get(field))))
        items = [(v, n) for v, n in counts.items() if n >= max(req["mincount"], 1)]
        if req["limit"] > 0:
            items.sort(key=lambda item: (-item[1], item[0]))
            items = items[: req["limit"]]
        else:
            items.sort()
        facets[field] = [x for item in items for x in item]
    return len(hits), facets


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _search(req: dict, extra_fq: list[str]) -> tuple[int, dict[str, list]]:
    fq = [
        f"+permission_labels:({req['labels']})" if req["labels"] != "*" else "",
        f"+state:{req['state']}" if req["state"] != "*" else "",
        *extra_fq,
    ]
    result = make_connection().search(
        q="*:*",
        fq=[f for f in fq if f],
        rows=0,
        facet="true",
        **{
            "facet.field": req["fields"],
            "facet.limit": req["limit"],
            "facet.mincount": req["mincount"],
        },
    )
    return result.hits, result.facets["facet_fields"]


def _stored_counts() -> set[tuple]:
    rows = model.Session.execute(
        text(f"SELECT part, term, n FROM {terms.COUNT_TABLE} WHERE n <> 0")  # noqa: S608
    )
    return set(map(tuple, rows))


@SETTINGS
@given(ops=OPS, requests=st.lists(REQUESTS, min_size=1, max_size=4))
def test_counts_equal_brute_force(empty_index, ops, requests):
    search.clear_all()
    model.Session.commit()
    live = _apply(ops)
    for req in requests:
        expected = _expected(live, req)
        # partition counts (base filters only) ...
        assert _search(req, []) == expected
        # ... and counting over the hits (a filter on a non-partition field)
        assert _search(req, ["-tags:absent"]) == expected
    # the counts maintained on write equal a recount from the documents
    maintained = _stored_counts()
    terms.recount(model.Session)
    assert _stored_counts() == maintained
    model.Session.rollback()


def test_uncommitted_writes_are_counted_in_their_session(empty_index):
    conn = make_connection()
    conn.add(docs=[doc("a", tags=["x"])], commit=True)
    conn.add(docs=[doc("b", tags=["x"])], commit=False)
    req = {"labels": "public", "state": "*", "fields": ["tags"], "limit": 10}
    assert _search({**req, "mincount": 1}, []) == (2, {"tags": ["x", 2]})
    model.Session.rollback()
    assert _search({**req, "mincount": 1}, []) == (1, {"tags": ["x", 1]})


def test_concurrent_first_indexing_of_a_document_is_counted_once(empty_index):
    """Two transactions index the same new document: the second waits for the
    first, then replaces its version (counted once, with the second's terms)."""
    import threading

    conn = make_connection()
    conn.add(docs=[doc("x", tags=["premier"])], commit=False)  # not committed
    done = threading.Event()

    def other_transaction() -> None:
        try:
            make_connection().add(docs=[doc("x", tags=["second"])], commit=True)
        finally:
            model.Session.remove()
            done.set()

    thread = threading.Thread(target=other_transaction)
    thread.start()
    assert not done.wait(1)  # blocked by this transaction's new row
    model.Session.commit()
    thread.join(10)
    req = {"labels": "public", "state": "*", "fields": ["tags"], "limit": 10}
    assert _search({**req, "mincount": 1}, []) == (1, {"tags": ["second", 1]})
