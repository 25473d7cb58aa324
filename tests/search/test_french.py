"""French analysis: stemming and accent folding, at index and query time."""

from __future__ import annotations

import ckan.lib.search as search
import pytest

from tests.search.helpers import dismax, doc, index, names


@pytest.fixture(scope="module")
def corpus():
    search.clear_all()
    index(
        doc("equipements", title="Équipements sportifs de la commune"),
        doc("deliberations", title="Délibérations du conseil municipal"),
        doc("collectivites", notes="Données des collectivités territoriales"),
        doc("oeuvres", title="Œuvres d'art dans l'espace public"),
        doc("wifi", title="Points WiFi publics (2024)"),
    )
    yield
    search.clear_all()


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("equipement", ["equipements"]),
        ("équipements", ["equipements"]),
        ("EQUIPEMENT SPORTIF", ["equipements"]),
        ("délibération", ["deliberations"]),
        ("deliberations", ["deliberations"]),
        ("collectivite", ["collectivites"]),
        ("territoriale", ["collectivites"]),
        ("oeuvre", ["oeuvres"]),
        ("wi-fi", ["wifi"]),
        ("wifi", ["wifi"]),
        ("2024", ["wifi"]),
        ("municipaux", ["deliberations"]),
        ("piscine", []),
    ],
)
def test_dismax_french(corpus, q, expected):
    assert dismax(q) == expected


def test_fielded_french(corpus):
    assert names("title:equipement") == ["equipements"]
    assert names('title:"conseil municipal"') == ["deliberations"]
    assert names("text:délibérations") == ["deliberations"]
