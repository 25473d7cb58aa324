"""Hostile input never produces a 500 or a database error: only clear 400/409s."""

from __future__ import annotations

import ckan.tests.factories as factories
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.search.marks import SEARCH_MARKS

pytestmark = SEARCH_MARKS

SYNTAX = st.sampled_from(
    [
        '"',
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ":",
        "*",
        "?",
        "\\",
        "+",
        "-",
        "!",
        "^",
        "~",
        " AND ",
        " OR ",
        " NOT ",
        " TO ",
        "&&",
        "||",
        "'",
        ";",
        "--",
        "/*",
        "%",
        "_",
        "title",
        "tags",
        "metadata_modified",
        "NOW-1DAY",
        "{!lucene}",
        "$$",
        "\x00",
        "é",
        "ァ",
        " ",
        "1",
        "x",
    ]
)
QUERY = st.lists(st.one_of(SYNTAX, st.text(max_size=5)), max_size=25).map("".join)
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def a_dataset():
    factories.Dataset(title="Budget primitif", tags=[{"name": "budget"}])


def _check(app, **params):
    response = app.get("/api/3/action/package_search", query_string=params, status=None)
    assert response.status_code in (200, 400, 409), response.body[:500]
    body = response.body
    assert "psycopg2" not in body and "SQL" not in body, body[:500]
    return response


@SETTINGS
@given(q=QUERY)
def test_random_q(app, a_dataset, q):
    _check(app, q=q)


@SETTINGS
@given(fq=QUERY)
def test_random_fq(app, a_dataset, fq):
    _check(app, fq=fq)


@SETTINGS
@given(sort=QUERY)
def test_random_sort(app, a_dataset, sort):
    _check(app, sort=sort)


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"q": "title:" + "(" * 200 + "x" + ")" * 200}, 409, "trop imbriquée"),
        ({"q": " OR ".join(f"t{k}" for k in range(1500))}, 409, "Trop de termes"),
        ({"fq": " OR ".join(f"tags:t{k}" for k in range(1500))}, 409, "Trop de termes"),
        ({"q": "title:x", "fq": "x" * 30000}, 409, "trop longue"),
        ({"q": "--included"}, 409, "doit être suivi"),
        ({"sort": "metadata_modified"}, 400, "sort"),
        ({"q": "title:[a TO"}, 409, "intervalle non fermé"),
        ({"fq": "metadata_modified:[hier TO NOW]"}, 409, "Date invalide"),
        ({"fq": "0:*\x00"}, 409, "caractère NUL"),
        ({"q": "eau", "facet.field": '["tags\\u0000"]'}, 409, "caractère NUL"),
    ],
)
def test_pathological_queries_get_clear_french_errors(
    app, a_dataset, params, status, message
):
    response = _check(app, **params)
    assert response.status_code == status
    assert message in response.json["error"]["message"]


def test_huge_rows_is_capped(app, a_dataset):
    response = _check(app, rows=10**9)
    assert response.status_code in (200, 409)
