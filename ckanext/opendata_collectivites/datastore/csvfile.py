"""Read a CSV file as French portals publish them and rewrite it as plain
UTF-8 CSV for ``COPY``.

Handled: ``;``, ``,``, tab and ``|`` separators; UTF-8 with or without BOM,
else Windows-1252 (Latin-1 when a byte is undefined in Windows-1252); quoted
fields with separators and line breaks; blank lines; short rows (padded) and
trailing empty cells; NUL bytes; headers with accents, blanks, duplicates or
names the DataStore refuses.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import mmap
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

DELIMITERS = (";", ",", "\t", "|")
SAMPLE_BYTES = 64 * 1024
MAX_NAME_BYTES = 63  # PostgreSQL identifiers
csv.field_size_limit(16 * 1024 * 1024)


class CsvError(Exception):
    """The file cannot be read as a table: ``code`` and message parameters."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Dialect:
    encoding: str  # Python codec: utf-8-sig, cp1252 or latin-1
    delimiter: str
    columns: list[str]  # DataStore field names, in file order
    header: list[str]  # the header cells as written in the file


def detect_encoding(path: str) -> str:
    """``utf-8-sig`` if the whole file is UTF-8 (BOM or not), else ``cp1252``,
    else ``latin-1`` (which decodes any byte)."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    cp1252 = True
    undefined = re.compile(b"[\x81\x8d\x8f\x90\x9d]")
    utf8 = True
    with open(path, "rb") as f:
        while chunk := f.read(1024 * 1024):
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            if cp1252 and undefined.search(chunk):
                cp1252 = False
            if not utf8 and not cp1252:
                break
    if utf8:
        try:
            decoder.decode(b"", final=True)
            return "utf-8-sig"
        except UnicodeDecodeError:
            pass
    return "cp1252" if cp1252 else "latin-1"


def _first_record(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text), delimiter=delimiter))
    except (StopIteration, csv.Error):
        return []


def detect_delimiter(sample: str) -> str:
    """The separator that splits the header into the most cells and the next
    lines into as many (ties: ``;`` first, the French default)."""
    lines = [line for line in sample.splitlines() if line.strip()][:20]
    if not lines:
        raise CsvError("empty-file")
    best, best_score = ";", (0, 0)
    for delimiter in DELIMITERS:
        width = len(_first_record(lines[0], delimiter))
        if width < 2:
            continue
        try:
            rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
        except csv.Error:
            continue
        same = sum(1 for row in rows[1:] if len(row) == width)
        score = (same, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def field_names(header: list[str]) -> list[str]:
    """DataStore field names: the header as written (accents kept), trimmed,
    without leading underscores or double quotes, a space after a colon that
    starts a word (``Prix :TTC``), at most 63 bytes, unique; blank cells
    become ``colonne_<n>``."""
    names: list[str] = []
    seen: set[str] = set()
    for index, cell in enumerate(header, start=1):
        name = re.sub(r"[\x00-\x1f\x7f\"]", "", cell).strip().lstrip("_").strip()
        # CKAN's DataStore writes field names into sqlalchemy.text(), where
        # " :word" is a bind parameter: "Prix :TTC" becomes "Prix : TTC".
        name = re.sub(r"(?<![\w:\\]):(?=\w)", ": ", name)
        name = name or f"colonne_{index}"
        name = _truncate(name)
        base, n = name, 2
        while name.lower() in seen:
            suffix = f"_{n}"
            name = _truncate(base, MAX_NAME_BYTES - len(suffix)) + suffix
            n += 1
        seen.add(name.lower())
        names.append(name)
    return names


def _truncate(name: str, limit: int = MAX_NAME_BYTES) -> str:
    while len(name.encode("utf-8")) > limit:
        name = name[:-1]
    return name.strip()


def sniff(path: str) -> Dialect:
    encoding = detect_encoding(path)
    with open(path, "rb") as f:
        raw = f.read(SAMPLE_BYTES)
    sample = raw.decode(encoding, errors="ignore").replace("\x00", "")
    if sample.startswith("\ufeff"):
        sample = sample[1:]
    if not sample.strip():
        raise CsvError("empty-file")
    if "\x00" in raw.decode("latin-1")[:1024] and raw.count(b"\x00") > len(raw) // 4:
        raise CsvError("not-csv")
    delimiter = detect_delimiter(sample)
    header = _first_record(sample.lstrip("\r\n"), delimiter)
    while header and not header[-1].strip():
        header.pop()  # trailing separator on the header line
    if len(header) < 1:
        raise CsvError("empty-file")
    return Dialect(encoding, delimiter, field_names(header), header)


def rows(path: str, dialect: Dialect) -> Iterator[list[str]]:
    """The data rows, each exactly as wide as the header."""
    width = len(dialect.columns)
    with open(path, encoding=dialect.encoding, newline="", errors="strict") as f:
        lines = (line.replace("\x00", "") for line in f)
        reader = csv.reader(lines, delimiter=dialect.delimiter)
        header_seen = False
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            if not header_seen:
                header_seen = True
                continue
            if len(row) != width:
                if len(row) < width:
                    row = row + [""] * (width - len(row))
                elif any(cell.strip() for cell in row[width:]):
                    raise CsvError(
                        "too-many-cells",
                        line=reader.line_num,
                        cells=len(row),
                        columns=width,
                    )
                else:
                    row = row[:width]
            yield row


PG_ENCODINGS = {"utf-8-sig": "UTF8", "cp1252": "WIN1252", "latin-1": "LATIN1"}


def _has_end_marker(data: mmap.mmap) -> bool:
    """A ``\\.`` line, which ends ``COPY``'s data."""
    position = data.find(b"\\.")
    while position != -1:
        before = data[position - 1 : position] if position else b"\n"
        after = data[position + 2 : position + 3] or b"\n"
        if before in (b"\r", b"\n") and after in (b"\r", b"\n"):
            return True
        position = data.find(b"\\.", position + 2)
    return False


@functools.lru_cache(maxsize=len(DELIMITERS))
def _plain_quoting(delimiter: str) -> re.Pattern[bytes]:
    """The whole file as unquoted text and whole quoted fields: each ``"``
    opens a field (after a separator, a line break or at the start), doubled
    quotes inside, the closing ``"`` before a separator, a line break or the
    end. There PostgreSQL and Python's ``csv`` read the same cells."""
    boundary = re.escape(delimiter.encode("ascii")) + rb"\r\n"
    opens = rb"(?<![^" + boundary + rb"])"
    field = opens + rb'"[^"]*(?:""[^"]*)*"(?=[' + boundary + rb"]|\Z)"
    return re.compile(rb'(?:[^"]*' + field + rb')*[^"]*')


def copy_as_is(path: str, dialect: Dialect) -> bool:
    """True when PostgreSQL's ``COPY … (FORMAT csv, HEADER)`` reads the file
    itself exactly as :func:`rows` would: the header on the first line (no
    line break in it), at least two columns, every double quote opening or
    closing a whole field, no ``\\.`` line (COPY's end of data). The other
    differences (short or long rows, blank lines, NUL bytes, invalid bytes,
    mixed line ends) make ``COPY`` fail, and the caller then rewrites the
    file with :func:`write_utf8`."""
    if len(dialect.columns) < 2 or any("\n" in h or "\r" in h for h in dialect.header):
        return False
    with open(path, "rb") as f:
        if f.read(4).removeprefix(b"\xef\xbb\xbf")[:1] in (b"", b"\r", b"\n"):
            return False
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if _has_end_marker(data):
                return False
            return _plain_quoting(dialect.delimiter).fullmatch(data) is not None


def write_utf8(path: str, dialect: Dialect, out: IO[str]) -> int:
    """Rewrite the data rows as UTF-8 CSV (``,``, minimal quoting; empty
    cells become NULL in ``COPY``); returns the number of rows."""
    writer = csv.writer(out, lineterminator="\n")
    count = 0
    for count, row in enumerate(rows(path, dialect), start=1):  # noqa: B007
        writer.writerow(row)
    return count
