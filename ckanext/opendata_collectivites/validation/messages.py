"""Wording of validation errors and warnings: what is wrong, and the fix.

Reports store codes and parameters only (:mod:`.validator`); they are worded
when shown, in the reader's language (``_``: CKAN's ``toolkit._``), so that a
report stored by a background job reads in French on the portal and can be
re-worded without re-validating.  French translations: ``i18n/src/validation.fr.po``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Gettext = Callable[[str], str]

# code → (message, fix); ``{value}``, ``{column}`` and the error's params are
# substituted.  A code missing here falls back to the generic wording.
WORDING: dict[str, tuple[str, str]] = {
    "required": (
        "The required column “{column}” is empty.",
        "Fill in “{column}” on this row{example_hint}.",
    ),
    "constraint-pattern": (
        "“{value}” does not have the expected form.",
        "Write the value in the form the schema expects{example_hint} (pattern: "
        "{constraint}).",
    ),
    "constraint-enum": (
        "“{value}” is not one of the allowed values.",
        "Use exactly one of: {constraint}.",
    ),
    "constraint-minLength": (
        "“{value}” is too short.",
        "Use at least {constraint} characters.",
    ),
    "constraint-maxLength": (
        "“{value}” is too long.",
        "Use at most {constraint} characters.",
    ),
    "constraint-minimum": (
        "{value} is below the minimum.",
        "Use a value greater than or equal to {constraint}.",
    ),
    "constraint-maximum": (
        "{value} is above the maximum.",
        "Use a value less than or equal to {constraint}.",
    ),
    "constraint-unique": (
        "“{value}” appears on several rows.",
        "Give each row its own value in “{column}”.",
    ),
    "type-date": (
        "“{value}” is not a valid date.",
        "Write the date as YYYY-MM-DD (e.g. 2024-03-31){example_hint}.",
    ),
    "type-datetime": (
        "“{value}” is not a valid date and time.",
        "Write it as YYYY-MM-DDThh:mm:ss (e.g. 2024-03-31T14:30:00).",
    ),
    "type-year": (
        "“{value}” is not a year.",
        "Write the year with four digits (e.g. 2024).",
    ),
    "type-integer": (
        "“{value}” is not a whole number.",
        "Write digits only, without spaces, decimals or units{example_hint}.",
    ),
    "type-number": (
        "“{value}” is not a number.",
        "Write digits with a dot as decimal separator, without spaces or units (e.g. "
        "1234.56).",
    ),
    "type-boolean": (
        "“{value}” is not a yes/no value.",
        "Write true or false{example_hint}.",
    ),
    "type-string": (
        "“{value}” is not in the expected format ({format}).",
        "Write a valid {format}{example_hint}.",
    ),
    "type-geopoint": (
        "“{value}” is not a valid point.",
        "Write the coordinates as the schema expects{example_hint}.",
    ),
    "missing-cell": (
        "This row has fewer cells than the header.",
        "Add the missing separators so that every row has as many cells as the header.",
    ),
    "extra-cell": (
        "This row has more cells than the header.",
        "Remove the extra cells, or put between quotes a value that contains the "
        "separator.",
    ),
    "blank-row": (
        "This row is empty.",
        "Delete the empty row.",
    ),
    "duplicate-label": (
        "Two columns have the same name.",
        "Rename or delete the duplicated column.",
    ),
    "blank-label": (
        "A column has no name.",
        "Give the column the name the schema expects, or delete it.",
    ),
    "primary-key": (
        "This row repeats the identifier of another row.",
        "Give each row a different identifier.",
    ),
    "missing-required-column": (
        "The required column “{column}” is missing.",
        "Add a column named exactly “{column}”{example_hint}.",
    ),
    "one-of-required-columns": (
        "Both columns “{column1}” and “{column2}” are missing.",
        "Add at least one of the columns “{column1}” or “{column2}”.",
    ),
    "french-siret-value": (
        "“{value}” is not a valid SIRET number.",
        "Write the 14 digits of the establishment's SIRET (check it on "
        "annuaire-entreprises.data.gouv.fr).",
    ),
    "french-siren-value": (
        "“{value}” is not a valid SIREN number.",
        "Write the 9 digits of the SIREN (check it on "
        "annuaire-entreprises.data.gouv.fr).",
    ),
    "year-interval-format": (
        "“{value}” is neither a year nor an interval of years.",
        "Write a year (2024) or an interval of years (2024/2025).",
    ),
    "year-interval-format-strict": (
        "“{value}” is not an interval of years.",
        "Write an interval of years such as 2024/2025.",
    ),
    "year-interval-order": (
        "In “{value}” the second year does not come after the first.",
        "Write the earlier year first, e.g. 2024/2025.",
    ),
    "cohesive-columns-value": (
        "The columns {columns} must be filled in together; {empty} is empty.",
        "Fill in {empty} on this row, or leave all of {columns} empty.",
    ),
    "compare-columns-value": (
        "“{column}” ({value}) must be {op} “{column2}” ({value2}).",
        "Correct “{column}” or “{column2}” so that “{column}” {op} “{column2}”.",
    ),
    "sum-columns-value": (
        "“{column}” ({value}) is not the sum of {columns} ({sum}).",
        "Correct “{column}” or the columns {columns} so that they add up.",
    ),
    "nomenclature-actes-slash": (
        "“{value}” has no “/” between the subject and the sub-subject of the Actes "
        "nomenclature.",
        "Write the subject, a slash and the sub-subject, e.g. Finances "
        "locales/Décisions budgétaires.",
    ),
    "nomenclature-actes-space": (
        "“{value}” has a space around the “/”.",
        "Remove the spaces around the slash, e.g. Urbanisme/Documents d'urbanisme.",
    ),
    "nomenclature-actes-value": (
        "“{prefix}” is not a subject of the Actes nomenclature.",
        "Start with one of: {allowed}.",
    ),
    "one-of-required": (
        "Both “{column1}” and “{column2}” are empty.",
        "Fill in at least one of “{column1}” or “{column2}” on this row.",
    ),
    "opening-hours": (
        "“{value}” is not in the OpenStreetMap opening hours format.",
        "Write the hours as in Mo-Fr 08:30-12:00,14:00-17:30; Sa 09:00-12:00.",
    ),
    "phone-number": (
        "“{value}” is not a valid phone number.",
        "Write a French number (01 23 45 67 89 or +33 1 23 45 67 89).",
    ),
    "french-gps-coordinates": (
        "The coordinates ({lat}, {lon}) are not in France.",
        "Check the coordinates: WGS 84 decimal degrees, latitude and longitude in "
        "the right columns.",
    ),
    "french-gps-coordinates-swapped": (
        "The latitude and longitude ({lat}, {lon}) seem swapped.",
        "Swap the latitude and the longitude.",
    ),
    "binary-file": (
        "The file is not a text (CSV) file.",
        "Export the table as CSV (UTF-8, comma or semicolon separated).",
    ),
    "empty-file": (
        "The file is empty.",
        "Publish a CSV file with a header row and data rows.",
    ),
    # warnings
    "missing-optional-column": (
        "The optional column “{column}” is missing.",
        "Add the column “{column}” (it may stay empty) to match the schema exactly.",
    ),
    "extra-column": (
        "The column “{column}” is not in the schema.",
        "Remove the column or rename it as in the schema; it is not checked.",
    ),
    "reordered-columns": (
        "The columns are not in the schema's order.",
        "Put the columns in this order: {expected}.",
    ),
    "encoding-windows-1252": (
        "The file is encoded in Windows-1252, not UTF-8.",
        "Save the file as “CSV UTF-8”.",
    ),
    "unknown-custom-check": (
        "The schema's check “{check}” is not supported by the portal; it was skipped.",
        "Check this point with Validata (validata.fr).",
    ),
}

GENERIC = (
    "The value “{value}” is invalid ({code}).",
    "Correct the value as the schema describes it.",
)


class _Params(dict):
    def __missing__(self, key: str) -> str:
        return ""


def describe(error: dict[str, Any], _: Gettext) -> dict[str, str]:
    """``{"message", "fix"}`` of a report entry, worded with ``_``."""
    code = error.get("code", "")
    message, fix = WORDING.get(code, GENERIC)
    params = _Params(error.get("params") or {})
    params.setdefault("value", error.get("value") or "")
    params["column"] = error.get("column") or ""
    params["code"] = code
    example = params.get("example")
    params["example_hint"] = (
        _(" (e.g. {example})").format(example=example) if example else ""
    )
    return {"message": _(message).format_map(params), "fix": _(fix).format_map(params)}


def worded(report: dict[str, Any], _: Gettext) -> dict[str, Any]:
    """A copy of ``report`` whose errors and warnings carry message and fix."""
    out = dict(report)
    for key in ("errors", "warnings"):
        out[key] = [{**e, **describe(e, _)} for e in report.get(key) or []]
    return out
