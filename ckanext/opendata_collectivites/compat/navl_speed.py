"""Cheaper bookkeeping in CKAN's navl ``_validate`` (same results).

CKAN ≤ 2.12 ``ckan.lib.navl.dictization_functions._validate`` flattens the
schema three times and builds the full schema twice per call, sorts it four
times with a Python key function, and checks every key that is not in the
schema against a list rebuilt from the whole schema (quadratic).  Every
``package_show``-based index document (``search-index rebuild``, each
dataset write) goes through it, several times.  This module computes the
same things once, with set look-ups and one sort: same converters, run in the
same order on the same data, same errors, same exceptions.  The sort key
``flattened_order_key`` (also sorting every ``unflatten``) is replaced by one
building the same tuples without intermediate lists.

CKAN 2.12's ``_validate`` and the functions it calls are 2.11's, line for line
(2.12 only changed ``flatten_dict``, which runs before ``_validate`` and now
reads the schema), so the replacement applies to both; its tests run CKAN's
own navl tests and the equality property test on each version.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ckan
import ckan.lib.navl.dictization_functions as df

from ckanext.opendata_collectivites.compat import ckan_at_most

_ORIGINAL_ATTR = "_collectivites_original_navl"
_REPLACED = ("_validate", "flattened_order_key")


def order_key(key: Sequence[Any]) -> tuple[Any, ...]:
    """``flattened_order_key``: by length, then values."""
    return (len(key), *key)


def has_defect(version: str = ckan.__version__) -> bool:
    """True for the CKAN versions with the original bookkeeping."""
    return ckan_at_most(version, 2, 12) and all(hasattr(df, n) for n in _REPLACED)


def _combinations(data: dict[Any, Any], flat_schema: dict[Any, Any]) -> set[Any]:
    """``get_all_key_combinations``."""
    prefixes = {key[:-1] for key in flat_schema}
    combinations: set[Any] = {()}
    for key in sorted(data, key=order_key):
        if key[:-1:2] in prefixes and key[:-3] in combinations:
            combinations.add(key[:-1])
    return combinations


def _full_schema(schema: dict[str, Any], combinations: set[Any]) -> dict[Any, Any]:
    """``make_full_schema`` for these combinations."""
    full: dict[Any, Any] = {}
    for combination in combinations:
        sub = schema
        for key in combination[::2]:
            sub = sub[key]
        for key, value in sub.items():
            if isinstance(value, list):
                full[combination + (key,)] = value
    return full


def _augment(
    data: dict[Any, Any],
    flat_schema: dict[Any, Any],
    combinations: set[Any],
    full: dict[Any, Any],
) -> dict[Any, Any]:
    """``augment_data``: junk and extras moved, missing keys added."""
    subschemas = {key[:n] for key in flat_schema for n in range(len(key) + 1)}
    new_data = dict(data)
    junk: dict[Any, Any] = {}
    extras: dict[Any, dict[Any, Any]] = {}
    moved = []
    for key, value in new_data.items():
        if key in full:
            continue
        if key[::2] in subschemas and data[key] != []:
            raise df.DataError(
                f"Only lists of dicts can be placed against "
                f"subschema {key}, not {type(data[key])}"
            )
        if key[:-1] in combinations:
            extras.setdefault(key[:-1] + ("__extras",), {})[key[-1]] = value
        else:
            junk[key] = value
        moved.append(key)
    if junk:
        new_data[("__junk",)] = junk
    new_data.update(extras)
    for key in moved:
        new_data.pop(key)
    for key in full:
        if key not in new_data and not key[-1].startswith("__"):
            new_data[key] = df.missing
    return new_data


def _run(
    keys: Sequence[Any],
    full: dict[Any, Any],
    data: dict[Any, Any],
    errors: dict[Any, list[str]],
    context: Any,
) -> None:
    for key in keys:
        for converter in full[key]:
            try:
                df.convert(converter, key, data, errors, context)
            except df.StopOnError:
                break


def _validate(
    data: dict[Any, Any], schema: dict[str, Any], context: Any
) -> tuple[dict[Any, Any], dict[Any, list[str]]]:
    """``_validate``: validate a flattened dict against a schema."""
    flat_schema = df.flatten_schema(schema)
    combinations = _combinations(data, flat_schema)
    full = _full_schema(schema, combinations)
    converted = _augment(data, flat_schema, combinations, full)
    errors: dict[Any, list[str]] = {key: [] for key in full}
    ordered = sorted(full, key=order_key)
    phases = (
        [k for k in ordered if k[-1] == "__before"],
        [k for k in ordered if not k[-1].startswith("__")],
        [k for k in ordered if k[-1] == "__extras"],
        [k for k in reversed(ordered) if k[-1] == "__after"],
        [("__junk",)] if ("__junk",) in full else [],
    )
    for keys in phases:
        _run(keys, full, converted, errors, context)
    return converted, errors


def is_applied() -> bool:
    return hasattr(df, _ORIGINAL_ATTR)


def apply() -> bool:
    """Install the cheaper functions; return True if installed."""
    if is_applied() or not has_defect():
        return is_applied()
    setattr(df, _ORIGINAL_ATTR, {n: getattr(df, n) for n in _REPLACED})
    df._validate = _validate
    df.flattened_order_key = order_key  # also used by ``unflatten``
    return True


def revert() -> None:
    """Put CKAN's functions back (for comparison in tests)."""
    for name, fn in getattr(df, _ORIGINAL_ATTR, {}).items():
        setattr(df, name, fn)
    if is_applied():
        delattr(df, _ORIGINAL_ATTR)
