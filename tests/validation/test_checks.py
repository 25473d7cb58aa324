"""The SCDL custom checks, one by one (semantics of Validata's checks)."""

from __future__ import annotations

import datetime as dt

import pytest

from ckanext.opendata_collectivites.validation import checks


def problems(check: checks.CustomCheck, **row) -> list[str]:
    return [p.code for p in check.run(row)]


def test_siret_and_siren():
    c = checks.french_siret_value({"column": "s"})
    assert problems(c, s="21350238800019") == []  # Ville de Rennes
    assert problems(c, s="21350238800018") == ["french-siret-value"]
    assert problems(c, s="") == []
    c = checks.french_siren_value({"column": "s"})
    assert problems(c, s="213502388") == []
    assert problems(c, s="213502389") == ["french-siren-value"]


@pytest.mark.parametrize(
    ("value", "year_only", "expected"),
    [
        ("2017/2018", "yes", []),
        ("2017", "yes", []),
        ("2017", "no", ["year-interval-format-strict"]),
        ("2018/2017", "yes", ["year-interval-order"]),
        ("2017/2017", "yes", ["year-interval-order"]),
        ("17/18", "yes", ["year-interval-format"]),
    ],
)
def test_year_interval(value, year_only, expected):
    c = checks.year_interval_value({"column": "y", "allow-year-only": year_only})
    assert problems(c, y=value) == expected


def test_cohesive_compare_sum():
    c = checks.cohesive_columns_value({"column": "a", "othercolumns": ["b", "c"]})
    assert problems(c, a=None, b=None, c=None) == []
    assert problems(c, a=1, b=2, c=3) == []
    assert problems(c, a=1, b=None, c=3) == ["cohesive-columns-value"]
    c = checks.compare_columns_value({"column": "a", "op": ">=", "column2": "b"})
    assert problems(c, a=dt.date(2020, 1, 2), b=dt.date(2020, 1, 1)) == []
    assert problems(c, a=dt.date(2019, 1, 2), b=dt.date(2020, 1, 1)) == [
        "compare-columns-value"
    ]
    assert problems(c, a=3, b=None) == []
    c = checks.sum_columns_value({"column": "t", "columns": ["x", "y"]})
    assert problems(c, t=5, x=2, y=3) == []
    assert problems(c, t=6, x=2, y=3) == ["sum-columns-value"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Commande publique/Marchés publics", []),
        ("FINANCES LOCALES/Subventions", []),
        ("Domaines de competences par themes/Culture", []),  # accents optional
        ("Urbanisme", ["nomenclature-actes-slash"]),
        ("Urbanisme /Documents", ["nomenclature-actes-space"]),
        ("Urbanisme/ Documents", ["nomenclature-actes-space"]),
        ("Voirie/Travaux", ["nomenclature-actes-value"]),
    ],
)
def test_nomenclature_actes(value, expected):
    c = checks.nomenclature_actes_value({"column": "m"})
    assert problems(c, m=value) == expected


def test_one_of_required():
    c = checks.one_of_required({"column1": "a", "column2": "b"})
    assert problems(c, a="x", b=None) == []
    assert problems(c, a=None, b="y") == []
    assert problems(c, a="", b=None) == ["one-of-required"]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("24/7", True),
        ("Mo-Fr 08:00-12:00,14:00-18:00", True),
        ("Mo-Fr 08:00-12:00,Mo-Fr 14:00-18:00,Th 08:00-18:00", True),  # IRVE example
        ("Mo-Sa 09:00-19:00; PH off", True),
        ("Jul-Aug Mo-Su 10:00-20:00", True),
        ("du lundi au vendredi 8h-12h", False),
        ("Mo-Fr 8h-12h", False),
    ],
)
def test_opening_hours(value, ok):
    assert checks.valid_opening_hours(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("01 23 45 67 89", True),
        ("+33 1 23 45 67 89", True),
        ("02.99.86.62.62", True),
        ("3949", True),
        ("+44 20 7946 0958", True),
        ("12 34", False),
        ("0123", False),
        ("téléphone", False),
    ],
)
def test_phone_number(value, ok):
    assert checks.valid_phone_number(value) is ok


def test_french_gps_coordinates():
    c = checks.french_gps_coordinates({"column": "p"})
    assert problems(c, p="[-1.6778,48.1173]") == []  # Rennes, lon/lat
    assert problems(c, p="[55.45,-20.88]") == []  # Saint-Denis (La Réunion)
    assert problems(c, p="[48.1173,-1.6778]") == ["french-gps-coordinates-swapped"]
    assert problems(c, p="[-74.0,40.7]") == ["french-gps-coordinates"]
    c = checks.french_gps_coordinates(
        {"latitude_field": "lat", "longitude_field": "lon"}
    )
    assert problems(c, lat=48.1173, lon=-1.6778) == []
    assert problems(c, lat=40.7, lon=-74.0) == ["french-gps-coordinates"]


def test_registry_names_every_scdl_check():
    assert set(checks.CHECKS) == {
        "french-siret-value",
        "french-siren-value",
        "year-interval-value",
        "cohesive-columns-value",
        "compare-columns-value",
        "sum-columns-value",
        "nomenclature-actes-value",
        "one-of-required",
        "opening-hours",
        "phone-number",
        "french-gps-coordinates",
    }
    built, unknown = checks.build(
        [
            {"name": "french-siret-value", "params": {"column": "c"}},
            {"name": "not-a-check", "params": {}},
        ]
    )
    assert [b.name for b in built] == ["french-siret-value"] and unknown == [
        "not-a-check"
    ]
