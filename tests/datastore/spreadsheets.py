"""Spreadsheets as collectivités publish them, built in memory: an XLSX file
written by openpyxl (as Excel stores cells: numbers, dates, text codes, a
postcode typed as a number shown as ``00000``) and an ODS file written as
LibreOffice does (``content.xml`` with repeated cells and rows)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from xml.sax.saxutils import escape

from . import french_csv


def xlsx(n: int = 200, empty_first_sheet: bool = False) -> tuple[bytes, list]:
    """An XLSX file (bytes) and the rows it holds (French subsidies)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    if empty_first_sheet:
        sheet.title = "Notes"
        sheet = book.create_sheet("Subventions")
    else:
        sheet.title = "Subventions"
    sheet.append([])  # a blank first line, as often above the header
    sheet.append(
        [
            "Code INSEE",
            "Code postal",
            "Commune",
            "SIRET bénéficiaire",
            "Objet",
            "Montant (€)",
            "Date de décision",
            "Taux",
            "Nombre de bénéficiaires",
            "Versé",
        ]
    )
    table = french_csv.rows(n, seed=3)
    for i, row in enumerate(table):
        day, month, year = (int(x) for x in row[6].split("/"))
        sheet.append(
            [
                row[0],  # text: "01004", "2A004"
                int(row[1]),  # a number: 1500 shown as 01500 below
                row[2],
                row[3],
                row[4],
                float(row[5].replace(",", ".")),
                dt.datetime(year, month, day),
                float(row[7].replace(",", ".")),
                int(row[8]),
                i % 2 == 0,
            ]
        )
        sheet.cell(row=sheet.max_row, column=2).number_format = "00000"
        if i == 10:
            sheet.append([])  # a blank line inside the table
    sheet.cell(row=5, column=12, value="note hors tableau")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), table


def _ods_cell(value: object, shown: str | None = None, repeat: int = 1) -> str:
    attrs = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if value is None:
        return f"<table:table-cell{attrs}/>"
    if isinstance(value, dt.date):
        return (
            f'<table:table-cell{attrs} office:value-type="date" '
            f'office:date-value="{value.isoformat()}">'
            f"<text:p>{value:%d/%m/%Y}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        text = shown if shown is not None else str(value).replace(".", ",")
        return (
            f'<table:table-cell{attrs} office:value-type="float" '
            f'office:value="{value}"><text:p>{escape(text)}</text:p>'
            "</table:table-cell>"
        )
    return (
        f'<table:table-cell{attrs} office:value-type="string">'
        f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
    )


def ods(rows: list[list[object]], first_sheet_empty: bool = True) -> bytes:
    """An ODS file whose first sheet is empty (as LibreOffice writes an empty
    sheet: one repeated empty row) and whose second sheet holds ``rows``."""
    body = []
    if first_sheet_empty:
        body.append(
            '<table:table table:name="Vide"><table:table-column/>'
            '<table:table-row table:number-rows-repeated="1048576">'
            '<table:table-cell table:number-columns-repeated="16384"/>'
            "</table:table-row></table:table>"
        )
    body.append('<table:table table:name="Données">')
    for row in rows:
        cells = "".join(
            _ods_cell(*c) if isinstance(c, tuple) else _ods_cell(c) for c in row
        )
        body.append(
            "<table:table-row>"
            + cells
            + '<table:table-cell table:number-columns-repeated="1000"/>'
            "</table:table-row>"
        )
    body.append(
        '<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    body.append("</table:table>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        "<office:document-content "
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'office:version="1.2"><office:body><office:spreadsheet>'
        + "".join(body)
        + "</office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
            'xmlns:manifest:1.0"/>',
        )
    return out.getvalue()
