"""Validate a tabular file against a Table Schema, the way Validata does.

Reading: UTF-8 (with or without BOM) or Windows-1252, separator sniffed among
``;`` ``,`` tab and ``|``.  Header tolerance: a missing *optional* column, an
extra column or columns in another order are warnings; a missing *required*
column is an error (its cells are not checked).  Cells are then checked by
frictionless (types, constraints, missing values, keys) and by the schema's
``custom_checks`` (:mod:`.checks`).  The result is a plain dict (JSON), with
codes and parameters only: :mod:`.messages` renders them in French.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from ckanext.opendata_collectivites.validation import checks as custom

MAX_ERRORS = 1000  # errors kept in a report; the count stays exact up to it
DELIMITERS = ";,\t|"
_CONSTRAINT = re.compile(r'constraint "(\w+)" is "(.*)"', re.S)
_TYPE = re.compile(r'type is "([\w-]+)/([^"]*)"')


class UnreadableFile(ValueError):
    """The bytes are not a CSV file (binary, empty...): code for messages."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def decode(body: bytes) -> tuple[str, str]:
    """Text and encoding name (``utf-8``, ``utf-8-sig`` or ``windows-1252``)."""
    if b"\x00" in body[:4096]:
        raise UnreadableFile("binary-file")
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace"), "windows-1252"


def sniff_delimiter(text: str) -> str:
    head = text[:65536]
    try:
        return csv.Sniffer().sniff(head, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = head.splitlines()[0] if head else ""
        return max(DELIMITERS, key=first.count)


def read_rows(body: bytes) -> tuple[list[list[str]], dict[str, str]]:
    text, encoding = decode(body)
    if not text.strip():
        raise UnreadableFile("empty-file")
    delimiter = sniff_delimiter(text)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise UnreadableFile("empty-file")
    rows[0] = [c.strip() for c in rows[0]]
    return rows, {"encoding": encoding, "delimiter": delimiter}


def _required(field: dict[str, Any]) -> bool:
    return bool((field.get("constraints") or {}).get("required"))


def align_schema(
    schema: dict[str, Any], header: list[str]
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The schema re-ordered on the file's header (extra columns typed
    ``any``, missing ones removed), plus header errors and warnings."""
    fields = {f["name"]: f for f in schema.get("fields", [])}
    errors: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    for name, f in fields.items():
        if name not in header:
            (errors if _required(f) else warnings).append(
                {
                    "code": "missing-required-column"
                    if _required(f)
                    else "missing-optional-column",
                    "row": None,
                    "column": name,
                    "params": {"example": str(f.get("example", ""))},
                }
            )
    extra = [h for h in header if h and h not in fields]
    for name in extra:
        warnings.append(
            {"code": "extra-column", "row": None, "column": name, "params": {}}
        )
    present = [h for h in header if h in fields]
    expected = [n for n in fields if n in header]
    if present != expected:
        warnings.append(
            {
                "code": "reordered-columns",
                "row": None,
                "column": "",
                "params": {"expected": ", ".join(expected)},
            }
        )
    aligned = dict(schema)
    aligned["fields"] = [
        fields[h] if h in fields else {"name": h or f"colonne_{i + 1}", "type": "any"}
        for i, h in enumerate(header)
    ]
    for key in ("primaryKey", "uniqueKeys", "foreignKeys"):
        aligned.pop(key, None) if _keys_missing(schema.get(key), header) else None
    aligned.pop("custom_checks", None)
    return aligned, errors, warnings


def _keys_missing(keys: Any, header: list[str]) -> bool:
    if not keys:
        return False
    flat: list[str] = []
    for k in keys if isinstance(keys, list) else [keys]:
        if isinstance(k, str):
            flat.append(k)
        elif isinstance(k, list):
            flat.extend(x for x in k if isinstance(x, str))
        elif isinstance(k, dict):
            fk = k.get("fields")
            flat.extend([fk] if isinstance(fk, str) else fk or [])
    return any(name not in header for name in flat)


def _frictionless_error(error: Any, fields: dict[str, Any]) -> dict[str, Any]:
    code = error.type
    params: dict[str, Any] = {}
    note = getattr(error, "note", "") or ""
    column = getattr(error, "field_name", "") or ""
    if code == "constraint-error":
        m = _CONSTRAINT.match(note)
        if m:
            code = (
                "required" if m.group(1) == "required" else f"constraint-{m.group(1)}"
            )
            params["constraint"] = m.group(2)
    elif code == "type-error":
        m = _TYPE.match(note)
        if m:
            code = f"type-{m.group(1)}"
            params["format"] = m.group(2)
    elif code == "extra-cell":
        params["position"] = getattr(error, "field_number", "")
    field = fields.get(column) or {}
    if field.get("example") not in (None, ""):
        params["example"] = str(field["example"])
    if field.get("format") and "format" not in params:
        params["format"] = str(field["format"])
    if code == "constraint-enum":
        params["constraint"] = " ; ".join(
            map(str, (field.get("constraints") or {}).get("enum", []))
        )
    return {
        "code": code,
        "row": getattr(error, "row_number", None),
        "column": column,
        "value": str(getattr(error, "cell", "") or "")[:200],
        "params": params,
    }


def validate_rows(rows: list[list[str]], schema: dict[str, Any]) -> dict[str, Any]:
    """Validate parsed CSV rows (header first) against a Table Schema."""
    from frictionless import Resource, Schema

    header = rows[0]
    aligned, errors, warnings = align_schema(schema, header)
    configured, unknown = custom.build(schema.get("custom_checks") or [])
    for name in unknown:
        warnings.append(
            {
                "code": "unknown-custom-check",
                "row": None,
                "column": "",
                "params": {"check": name},
            }
        )
    active: list[custom.CustomCheck] = []
    for check in configured:
        missing = [c for c in check.columns if c not in header]
        if not missing:
            active.append(check)
        elif not check.needs_all_columns and len(missing) < len(check.columns):
            active.append(check)
        elif not check.needs_all_columns:
            errors.append(
                {
                    "code": "one-of-required-columns",
                    "row": None,
                    "column": check.columns[0],
                    "params": {
                        "column1": check.columns[0],
                        "column2": check.columns[1],
                    },
                }
            )
    needed = sorted({c for ch in active for c in ch.columns if c in header})
    problems: list[dict[str, Any]] = []
    problem_count = 0

    def on_row(row: Any) -> None:
        nonlocal problem_count
        values = {c: row[c] for c in needed}
        for check in active:
            for p in check.run(values):
                problem_count += 1
                if len(problems) < MAX_ERRORS:
                    problems.append(
                        {
                            "code": p.code,
                            "row": row.row_number,
                            "column": p.column,
                            "value": str(values.get(p.column) or "")[:200],
                            "params": p.params,
                        }
                    )

    resource = Resource(data=rows, schema=Schema.from_descriptor(aligned))
    report = resource.validate(on_row=on_row, limit_errors=MAX_ERRORS)
    fields = {f["name"]: f for f in schema.get("fields", [])}
    task_errors = report.tasks[0].errors if report.tasks else report.errors
    cell_errors = [_frictionless_error(e, fields) for e in task_errors]
    truncated = len(cell_errors) >= MAX_ERRORS
    all_errors = errors + cell_errors + problems
    all_errors.sort(
        key=lambda e: (
            e.get("row") or 0,
            header.index(e["column"]) if e.get("column") in header else -1,
        )
    )
    total = len(errors) + len(cell_errors) + problem_count
    stats = report.tasks[0].stats if report.tasks else {}
    return {
        "valid": total == 0,
        "error_count": total,
        "truncated": truncated,
        "warning_count": len(warnings),
        "errors": all_errors[:MAX_ERRORS],
        "warnings": warnings,
        "rows": max(0, int((stats or {}).get("rows") or len(rows) - 1)),
        "header": header,
    }


def validate_bytes(body: bytes, schema: dict[str, Any]) -> dict[str, Any]:
    """Validate a file's bytes; unreadable files give a one-error report."""
    try:
        rows, dialect = read_rows(body)
    except UnreadableFile as exc:
        return {
            "valid": False,
            "error_count": 1,
            "truncated": False,
            "warning_count": 0,
            "errors": [
                {"code": exc.code, "row": None, "column": "", "value": "", "params": {}}
            ],
            "warnings": [],
            "rows": 0,
            "header": [],
        }
    result = validate_rows(rows, schema)
    result.update(dialect)
    if dialect["encoding"] == "windows-1252":
        result["warnings"].append(
            {"code": "encoding-windows-1252", "row": None, "column": "", "params": {}}
        )
        result["warning_count"] += 1
    return result
