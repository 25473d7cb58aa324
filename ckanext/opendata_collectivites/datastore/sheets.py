"""Read the first non-empty sheet of a spreadsheet (XLSX with openpyxl, ODS
with the standard library and defusedxml) as rows of text cells, which
:mod:`.loader` then types with the same rules as a CSV file.

Cells become the text a CSV export would hold: numbers with a dot decimal
(``1500.5``), whole numbers without decimals, dates as ``2024-03-01``
(date and time as ``2024-03-01 10:30:00``), booleans as ``true``/``false``.
Codes stay as written: a code typed as text (``01004``, ``2A004``, a SIRET)
is text, and a number shown with leading zeros (number format ``00000`` in
Excel, the displayed text in ODS) keeps them. Empty rows are skipped, short
rows padded; values beyond the header's last column get columns of their own
(named ``colonne_<n>``, as blank header cells). The number of rows and columns
is capped; repeated empty rows or
columns (ODS) are never expanded.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from ckanext.opendata_collectivites.datastore.csvfile import CsvError

MAX_COLUMNS = 1000
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_ZEROS = re.compile(r"^0+$")
_PADDED = re.compile(r"^0[0-9]+$")

TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def kind(path: str) -> str | None:
    """``"xlsx"``, ``"ods"``, ``"xls"`` (old binary Excel, not loaded) from
    the content, or ``None`` for anything else (a CSV file)."""
    with open(path, "rb") as f:
        magic = f.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if not magic.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names and z.read("mimetype").strip() == ODS_MIMETYPE:
                return "ods"
    except (zipfile.BadZipFile, OSError, KeyError):
        raise CsvError("bad-spreadsheet") from None
    raise CsvError("bad-spreadsheet")


def read(path: str, spreadsheet: str, max_rows: int) -> tuple[list[str], Iterator]:
    """The header (first non-empty row) and an iterator of the data rows
    (without their trailing empty cells). Raises :class:`.csvfile.CsvError`."""
    if spreadsheet == "xls":
        raise CsvError("xls")
    try:
        source = _xlsx_rows(path) if spreadsheet == "xlsx" else _ods_rows(path)
        rows = iter(source)
        header = next(rows, None)
    except CsvError:
        raise
    except Exception:  # noqa: BLE001 - any damage in the zip or the XML
        raise CsvError("bad-spreadsheet") from None
    if not header:
        raise CsvError("empty-file")
    if len(header) > MAX_COLUMNS:
        raise CsvError("too-many-columns", limit=MAX_COLUMNS)
    return header, _capped(rows, max_rows)


def _capped(rows: Iterator[list[str]], max_rows: int) -> Iterator[list[str]]:
    try:
        for count, row in enumerate(rows, start=1):
            if count > max_rows:
                raise CsvError("too-many-rows", limit=f"{max_rows:,}".replace(",", " "))
            yield row
    except CsvError:
        raise
    except Exception:  # noqa: BLE001
        raise CsvError("bad-spreadsheet") from None


def _trimmed(cells: Iterable[str]) -> list[str]:
    row = list(cells)
    while row and not row[-1].strip():
        row.pop()
    return row


# XLSX -------------------------------------------------------------------


def cell_text(value: Any, number_format: str = "General") -> str:
    """A cell value as a CSV export would write it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        if value >= 0 and _ZEROS.match(number_format or ""):
            text = text.zfill(len(number_format))  # "00000": a code
        return text
    if isinstance(value, float):
        text = repr(value)
        return format(Decimal(text), "f") if "e" in text else text
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).replace("\x00", "")


def _xlsx_rows(path: str) -> Iterator[list[str]]:
    import openpyxl

    # A file object: openpyxl judges a path by its extension (a downloaded
    # file has none).
    with open(path, "rb") as stream:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        try:
            yield from _first_sheet_with_data(book)
        finally:
            book.close()


def _first_sheet_with_data(book: Any) -> Iterator[list[str]]:
    for sheet in book.worksheets:
        # Ignore the declared dimension: rows are read as they are.
        sheet.reset_dimensions()
        found = False
        for cells in sheet.iter_rows():
            if len(cells) > MAX_COLUMNS and any(
                c.value is not None for c in cells[MAX_COLUMNS:]
            ):
                raise CsvError("too-many-columns", limit=MAX_COLUMNS)
            row = _trimmed(
                cell_text(c.value, getattr(c, "number_format", "General"))
                for c in cells
            )
            if row:
                found = True
                yield row
        if found:
            return


# ODS --------------------------------------------------------------------


def _ods_text(element: Any) -> str:
    out = [element.text or ""]
    for child in element:
        if child.tag == TEXT + "s":
            out.append(" " * int(child.get(TEXT + "c") or 1))
        elif child.tag == TEXT + "tab":
            out.append("\t")
        elif child.tag == TEXT + "line-break":
            out.append("\n")
        else:
            out.append(_ods_text(child))
        out.append(child.tail or "")
    return "".join(out)


def ods_cell(cell: Any) -> str:
    """An ODS cell as a CSV export would write it."""
    kind_ = cell.get(OFFICE + "value-type")
    shown = "\n".join(_ods_text(p) for p in cell.iter(TEXT + "p"))
    if kind_ in ("float", "percentage", "currency"):
        value = cell.get(OFFICE + "value") or ""
        if _PADDED.match(shown) and value and Decimal(value) == int(shown):
            return shown  # a code shown with its leading zeros
        return format(Decimal(value), "f") if "E" in value.upper() else value
    if kind_ == "date":
        value = cell.get(OFFICE + "date-value") or ""
        day, _, time = value.partition("T")
        return day if not time or time.strip("0:.") == "" else f"{day} {time}"
    if kind_ == "time":
        return cell.get(OFFICE + "time-value") or shown
    if kind_ == "boolean":
        return cell.get(OFFICE + "boolean-value") or shown
    return shown.replace("\x00", "")


def _ods_rows(path: str) -> Iterator[list[str]]:
    from defusedxml.ElementTree import iterparse

    with zipfile.ZipFile(path) as z, z.open("content.xml") as content:
        found = False
        for _event, element in iterparse(content, events=("end",)):
            if element.tag == TABLE + "table":
                element.clear()
                if found:
                    return  # the first sheet with data
                continue
            if element.tag != TABLE + "table-row":
                continue
            row: list[str] = []
            empty = 0  # empty cells not written yet (never at the end)
            for cell in element:
                if cell.tag not in (TABLE + "table-cell", TABLE + "covered-table-cell"):
                    continue
                repeat = int(cell.get(TABLE + "number-columns-repeated") or 1)
                text = ods_cell(cell)
                if not text.strip():
                    empty += repeat
                    continue
                if len(row) + empty + repeat > MAX_COLUMNS:
                    raise CsvError("too-many-columns", limit=MAX_COLUMNS)
                row.extend([""] * empty + [text] * repeat)
                empty = 0
            rows_repeat = int(element.get(TABLE + "number-rows-repeated") or 1)
            element.clear()
            if row:
                found = True
                for _ in range(rows_repeat):
                    yield list(row)
