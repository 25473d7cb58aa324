"""Validata verdicts on real files: the schemas' own examples, Validata's own
test files, and broken or re-encoded copies of them (no CKAN needed)."""

from __future__ import annotations

import pathlib

import pytest

from ckanext.opendata_collectivites.validation import schemas, validator

FIXTURES = pathlib.Path(__file__).parents[1] / "fixtures" / "validation"
BASE = "https://schema.data.gouv.fr/schemas/"
STATIONNEMENT = BASE + "etalab/schema-stationnement/0.1.5/schema.json"
SUBVENTIONS = BASE + "scdl/subventions/2.1.1/schema.json"
DELIBERATIONS = BASE + "scdl/deliberations/2.1.5/schema.json"


def schema(url: str) -> dict:
    ref = schemas.resolve(url)
    assert ref is not None
    loaded = schemas.load(ref)
    assert loaded is not None, f"no offline copy of {url}"
    return loaded


def run(name: str, url: str, body: bytes | None = None) -> dict:
    return validator.validate_bytes(body or (FIXTURES / name).read_bytes(), schema(url))


def codes(report: dict, key: str = "errors") -> list[tuple]:
    return [(e["code"], e["row"], e["column"]) for e in report[key]]


# --- the schema repositories' own examples ----------------------------------------


def test_stationnement_valid_example_is_valid():
    report = run("stationnement-exemple-valide.csv", STATIONNEMENT)
    assert report["valid"], report["errors"]
    assert report["rows"] == 2
    assert report["warnings"] == []


def test_stationnement_invalid_example_gives_its_three_errors():
    report = run("stationnement-exemple-invalide.csv", STATIONNEMENT)
    assert not report["valid"]
    assert codes(report) == [
        ("constraint-pattern", 2, "id"),
        ("french-siret-value", 2, "num_siret"),
        ("constraint-enum", 2, "tarif_pmr"),
    ]
    assert report["error_count"] == 3
    enum = report["errors"][2]
    assert enum["value"] == "inconnu"
    assert "normal_payant" in enum["params"]["constraint"]


# --- Validata's own test files (expected verdicts from its tests) -----------------


@pytest.mark.parametrize("n", [1, 2, 3])
def test_validata_valid_subventions(n):
    report = run(f"validata/exemple_valide_subventions{n}.csv", SUBVENTIONS)
    assert report["valid"], report["errors"]
    # Header tolerance: the optional columns absent from the file are warnings.
    missing = {
        w["column"]
        for w in report["warnings"]
        if w["code"] == "missing-optional-column"
    }
    assert "dispositifAide" in missing


@pytest.mark.parametrize("n", [1, 2, 3])
def test_validata_one_of_required(n):
    report = run(
        f"validata/exemple_invalide_subventions_one_of_required{n}.csv", SUBVENTIONS
    )
    assert [e["code"] for e in report["errors"]] == ["one-of-required"]
    assert report["errors"][0]["row"] == 2


def test_validata_one_of_required_both_columns_missing():
    report = run(
        "validata/exemple_invalide_subventions_one_of_required4.csv", SUBVENTIONS
    )
    assert codes(report) == [("one-of-required-columns", None, "idBeneficiaire")]


@pytest.mark.parametrize("n", [1, 2])
def test_validata_constraint_error(n):
    report = run(
        f"validata/exemple_invalide_subventions_constraint_error{n}.csv", SUBVENTIONS
    )
    assert codes(report) == [("constraint-pattern", 2, "rnaBeneficiaire")]


@pytest.mark.parametrize("n", [1, 2])
def test_validata_french_siret_error(n):
    report = run(
        f"validata/exemple_invalide_subventions_french_siret_error{n}.csv", SUBVENTIONS
    )
    assert codes(report) == [("french-siret-value", 2, "idBeneficiaire")]


# --- broken copies of a valid file ---------------------------------------------------


def _rows(name: str) -> list[list[str]]:
    rows, _ = validator.read_rows((FIXTURES / name).read_bytes())
    return rows


def _csv(rows: list[list[str]], delimiter: str = ",") -> bytes:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


VALID_SUBVENTIONS = "validata/exemple_valide_subventions3.csv"


def _edit(column: str, value: str) -> bytes:
    rows = _rows(VALID_SUBVENTIONS)
    rows[1][rows[0].index(column)] = value
    return _csv(rows)


def test_wrong_siret():
    report = run("", SUBVENTIONS, _edit("idAttribuant", "21060004500393"))
    assert codes(report) == [("french-siret-value", 2, "idAttribuant")]


def test_bad_date():
    report = run("", SUBVENTIONS, _edit("dateConvention", "07/07/2015"))
    assert codes(report) == [("type-date", 2, "dateConvention")]
    assert report["errors"][0]["value"] == "07/07/2015"


def test_missing_required_column_is_an_error():
    rows = [r[1:] for r in _rows(VALID_SUBVENTIONS)]  # drop nomAttribuant
    report = run("", SUBVENTIONS, _csv(rows))
    assert codes(report) == [("missing-required-column", None, "nomAttribuant")]


def test_extra_and_reordered_columns_are_warnings():
    rows = _rows(VALID_SUBVENTIONS)
    rows = [[r[1], r[0], *r[2:], "x"] for r in rows]
    rows[0][-1] = "commentaire_interne"
    report = run("", SUBVENTIONS, _csv(rows))
    assert report["valid"], report["errors"]
    warnings = {w["code"] for w in report["warnings"]}
    assert {"extra-column", "reordered-columns"} <= warnings


def test_extra_cells_on_a_row():
    rows = _rows(VALID_SUBVENTIONS)
    rows[1].append("débordement")
    report = run("", SUBVENTIONS, _csv(rows))
    assert [e["code"] for e in report["errors"]] == ["extra-cell"]


# --- French files as they are --------------------------------------------------------


def test_semicolon_bom_and_windows_1252():
    rows = _rows("stationnement-exemple-valide.csv")
    text = _csv(rows, ";").decode("utf-8")
    for body, encoding in (
        (text.encode("cp1252"), "windows-1252"),
        (b"\xef\xbb\xbf" + text.encode("utf-8"), "utf-8-sig"),
    ):
        report = validator.validate_bytes(body, schema(STATIONNEMENT))
        assert report["valid"], report["errors"]
        assert report["delimiter"] == ";"
        assert report["encoding"] == encoding
        assert report["header"][0] == "id"
    cp = validator.validate_bytes(text.encode("cp1252"), schema(STATIONNEMENT))
    assert [w["code"] for w in cp["warnings"]] == ["encoding-windows-1252"]
    # The accented values survived the decoding.
    assert "Gratuité" in text


def test_validata_bom_sample_header_is_clean():
    rows, dialect = validator.read_rows(
        (FIXTURES / "validata/sample_with_bom.csv").read_bytes()
    )
    assert dialect == {"encoding": "utf-8-sig", "delimiter": ";"}
    assert rows[0][0] == "id"


def test_binary_and_empty_files():
    assert codes(
        validator.validate_bytes(b"PK\x03\x04\x00\x00", schema(SUBVENTIONS))
    ) == [("binary-file", None, "")]
    assert codes(validator.validate_bytes(b"\n\n", schema(SUBVENTIONS))) == [
        ("empty-file", None, "")
    ]


# --- délibérations: the schema's own example values --------------------------------


def _deliberation_row(**changes: str) -> bytes:
    s = schema(DELIBERATIONS)
    header = [f["name"] for f in s["fields"]]
    values = {f["name"]: str(f.get("example", "")) for f in s["fields"]}
    values.update(changes)
    return _csv([header, [values[h] for h in header]], ";")


def test_deliberations_schema_examples_fail_two_of_its_custom_checks():
    """The example values published in the délibérations 2.1.5 schema put
    PREF_DATE (2017-02-03) before DELIB_DATE (2017-10-15) and start
    DELIB_MATIERE_NOM with a stray apostrophe: Validata's checks catch both."""
    report = validator.validate_bytes(_deliberation_row(), schema(DELIBERATIONS))
    assert sorted(e["code"] for e in report["errors"]) == [
        "compare-columns-value",
        "nomenclature-actes-value",
    ]
    fixed = _deliberation_row(
        PREF_DATE="2017-10-20",
        DELIB_MATIERE_NOM="Domaines de compétences par thèmes/Aménagement",
    )
    report = validator.validate_bytes(fixed, schema(DELIBERATIONS))
    assert report["valid"], report["errors"]


def test_deliberations_votes_must_add_up_and_be_cohesive():
    ok = {
        "PREF_DATE": "2017-10-20",
        "DELIB_MATIERE_NOM": "Finances locales/Décisions budgétaires",
    }
    report = validator.validate_bytes(
        _deliberation_row(**ok, VOTE_POUR="26"), schema(DELIBERATIONS)
    )
    # 26 + 10 + 5 = 41 voters for 40 actual voters.
    assert [e["code"] for e in report["errors"]] == ["sum-columns-value"]
    assert report["errors"][0]["params"]["sum"] == "41"
    report = validator.validate_bytes(
        _deliberation_row(**ok, BUDGET_NOM=""), schema(DELIBERATIONS)
    )
    assert [e["code"] for e in report["errors"]] == ["cohesive-columns-value"]
    report = validator.validate_bytes(
        _deliberation_row(**ok, BUDGET_ANNEE="2018/2017"), schema(DELIBERATIONS)
    )
    assert [e["code"] for e in report["errors"]] == ["year-interval-order"]


def test_every_shipped_schema_loads_and_its_checks_are_known():
    from ckanext.opendata_collectivites.validation import checks

    shipped = schemas.shipped()
    assert {r.name for r in shipped} >= {
        "scdl/deliberations",
        "scdl/subventions",
        "scdl/budget",
    }
    for ref in shipped:
        s = schemas.load(ref)
        assert s and s["fields"]
        built, unknown = checks.build(s.get("custom_checks") or [])
        assert unknown == [], (ref.name, unknown)
