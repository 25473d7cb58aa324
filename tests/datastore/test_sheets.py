"""Spreadsheet resources (XLSX, ODS) loaded by the real job through CKAN's
jobs queue into the DataStore, with the CSV rules: codes untouched, numbers
and dates typed, French messages for broken or oversized files."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from ckan.tests.helpers import call_action

from ckanext.opendata_collectivites.datastore import jobs, sheets

from . import spreadsheets
from .conftest import run_jobs
from .test_loader import search, status_text, types_of


def load(dataset, url: str, name: str, fmt: str) -> str:
    pkg = dataset(name, [{"name": name, "url": url, "format": fmt}])
    return pkg["resources"][0]["id"]


@pytest.mark.parametrize("empty_first_sheet", [False, True])
def test_xlsx_keeps_codes_and_types_numbers(dataset, serve, queue, empty_first_sheet):
    content, table = spreadsheets.xlsx(200, empty_first_sheet=empty_first_sheet)
    res_id = load(dataset, serve("subventions.xlsx", content), "tableur", "XLSX")
    assert run_jobs(queue) == ["complete"]

    found = search(res_id, sort="_id", limit=1000)
    assert found["total"] == 200  # the blank lines are not rows
    first = found["records"][0]
    assert first["Code INSEE"] == "01004" and first["Code postal"] == "01500"
    assert [r["Code INSEE"] for r in found["records"][:3]] == [
        "01004",
        "2A004",
        "2B033",
    ]
    assert first["SIRET bénéficiaire"] == table[0][3]
    assert first["Commune"] == "Ambérieu-en-Bugey"
    assert first["Objet"] == table[0][4]
    types = types_of(res_id)
    assert types["Code INSEE"] == types["Code postal"] == "text"
    assert types["SIRET bénéficiaire"] == "text"
    assert types["Montant (€)"] == types["Taux"] == "numeric"
    assert types["Date de décision"] == "date"
    assert types["Nombre de bénéficiaires"] == "int8"
    assert float(first["Montant (€)"]) == float(table[0][5].replace(",", "."))
    day, month, year = table[0][6].split("/")
    assert first["Date de décision"].startswith(f"{year}-{month}-{day}")
    assert first["Versé"] == "true"
    # A value right of the table gets a column of its own, not lost.
    names = [f["id"] for f in found["fields"][1:]]
    assert names[-2:] == ["colonne_11", "colonne_12"]
    assert [r["colonne_12"] for r in found["records"] if r["colonne_12"]] == [
        "note hors tableau"
    ]


def test_ods_first_sheet_with_data(dataset, serve, queue):
    rows = [
        ["Code INSEE", "Code postal", "Commune", "Montant", "Date", "Effectif"],
        [
            "01004",
            (1500, "01500"),
            "Ambérieu-en-Bugey",
            1500.5,
            dt.date(2024, 3, 1),
            12,
        ],
        ["2A004", (20000,), "Ajaccio", (0.25,), dt.date(2024, 2, 29), 7],
        ["05061", (5000, "05000"), "Gap", (2, None, 1), dt.date(2024, 1, 5), 3],
        ["97411", (97400,), "Saint-Denis", 3, dt.date(2023, 12, 31), 0],
    ]
    res_id = load(dataset, serve("communes.ods", spreadsheets.ods(rows)), "ods", "ODS")
    assert run_jobs(queue) == ["complete"]
    found = search(res_id, sort="_id")
    assert found["total"] == 4  # no repeated empty row expanded
    records = found["records"]
    assert [r["Code INSEE"] for r in records] == ["01004", "2A004", "05061", "97411"]
    assert records[0]["Code postal"] == "01500" and records[1]["Code postal"] == "20000"
    assert records[0]["Commune"] == "Ambérieu-en-Bugey"
    types = types_of(res_id)
    assert types["Code INSEE"] == types["Code postal"] == "text"
    assert types["Montant"] == "numeric" and types["Date"] == "date"
    assert types["Effectif"] == "int8"
    assert float(records[1]["Montant"]) == 0.25
    assert records[1]["Date"].startswith("2024-02-29")


def test_resource_formats():
    assert jobs.is_tabular({"format": "XLSX", "url": "http://x/a"})
    assert jobs.is_tabular({"format": "ods", "url": "http://x/a"})
    assert jobs.is_tabular({"format": "", "url": "http://x/tableau.xlsx?v=2"})
    assert not jobs.is_tabular({"format": "XLS", "url": "http://x/a.xls"})
    assert not jobs.is_tabular({"format": "PDF", "url": "http://x/a.xlsx"})


def _truncated_xlsx() -> bytes:
    content, _ = spreadsheets.xlsx(50)
    return content[: len(content) // 2]


def _xlsx_without_sheet() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook>")  # broken XML
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "fmt", "content", "expected"),
    [
        ("tronque.xlsx", "XLSX", _truncated_xlsx, "Le tableur ne peut pas être lu"),
        ("vide.xlsx", "XLSX", _xlsx_without_sheet, "Le tableur ne peut pas être lu"),
        (
            "ancien.xlsx",
            "XLSX",
            lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
            "Les anciens fichiers Excel (.xls) ne sont pas chargés",
        ),
        ("texte.ods", "ODS", lambda: b"PK\x03\x04 pas un zip", "Le tableur ne peut"),
    ],
)
def test_broken_spreadsheets_are_explained_in_french(
    app, dataset, serve, queue, name, fmt, content, expected
):
    res_id = load(dataset, serve(name, content()), "casse", fmt)
    assert run_jobs(queue) == ["error"]
    text = status_text(app, "casse", res_id)
    assert text.startswith("Les données n'ont pas pu être chargées pour l'aperçu : ")
    assert expected in text


def test_row_cap(app, dataset, serve, queue, ckan_config, monkeypatch):
    monkeypatch.setitem(
        ckan_config, "ckanext.collectivites.datastore.max_spreadsheet_rows", 100
    )
    content, _ = spreadsheets.xlsx(150)
    res_id = load(dataset, serve("gros.xlsx", content), "gros", "XLSX")
    assert run_jobs(queue) == ["error"]
    assert "Le tableur compte plus de 100 lignes" in status_text(app, "gros", res_id)


def test_ods_repeated_cells(tmp_path):
    path = tmp_path / "repete.ods"
    rows = [["a", "b", "c", "d"], [("x", None, 3), 1], [], [("y",), None, "z"]]
    path.write_bytes(spreadsheets.ods(rows))
    header, data = sheets.read(str(path), "ods", 10)
    assert header == ["a", "b", "c", "d"]
    assert list(data) == [["x", "x", "x", "1"], ["y", "", "z"]]


def test_column_cap(tmp_path):
    row = ["a"] * (sheets.MAX_COLUMNS + 1)
    path = tmp_path / "large.ods"
    path.write_bytes(spreadsheets.ods([row], first_sheet_empty=False))
    with pytest.raises(sheets.CsvError) as raised:
        sheets.read(str(path), sheets.kind(str(path)), 10)
    assert raised.value.code == "too-many-columns"


@pytest.mark.parametrize(
    ("value", "number_format", "expected"),
    [
        (1004, "00000", "01004"),
        (35238, "00000", "35238"),
        (1500.0, "General", "1500"),
        (1500.5, "#,##0.00", "1500.5"),
        (1e-7, "General", "0.0000001"),
        (dt.datetime(2024, 3, 1), "dd/mm/yyyy", "2024-03-01"),
        (dt.datetime(2024, 3, 1, 10, 30), "General", "2024-03-01 10:30:00"),
        (True, "General", "true"),
        (None, "General", ""),
        ("01004", "@", "01004"),
    ],
)
def test_cell_text(value, number_format, expected):
    assert sheets.cell_text(value, number_format) == expected


def test_api_refuses_other_formats(dataset, org):
    pkg = dataset(
        "pdf", [{"name": "rapport", "url": "http://x/a.pdf", "format": "PDF"}]
    )
    from ckan.plugins import toolkit as tk

    with pytest.raises(tk.ValidationError) as raised:
        call_action(
            "collectivites_datastore_load",
            {"user": org["admin"]["name"]},
            id=pkg["resources"][0]["id"],
        )
    assert "CSV, XLSX and ODS" in str(raised.value.error_dict)
