"""Field-level degradation: an invalid optional value is dropped, the record
is still imported.

CKAN validates the whole dataset dict and rejects it for one bad value (a
landing page with a space, a malformed e-mail, a resource URL it refuses).
Here the fields named by the validation errors are removed from the dict and
returned, so the harvester can report each of them on the record and try
again; only errors on what makes a dataset (title, identity, owner) are fatal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Fields without which there is no dataset: errors there reject the record.
ESSENTIAL = frozenset({"id", "name", "title", "owner_org", "type"})


@dataclass
class Dropped:
    field: str  # "contact_email", "resources[2].format", "tags[0]"
    value: str
    error: str


def drop_invalid(
    dataset: dict[str, Any], errors: dict[str, Any]
) -> list[Dropped] | None:
    """Remove from ``dataset`` every value named in ``errors`` (a CKAN
    ``ValidationError.error_dict``); None when an essential field is at fault
    or nothing could be removed (the record cannot be repaired)."""
    if any(key in ESSENTIAL for key in errors):
        return None
    dropped: list[Dropped] = []
    for key, error in errors.items():
        if key == "resources" and isinstance(error, list):
            dropped += _drop_in_list(dataset, key, error, whole_on={"url"})
        elif key == "tags" and isinstance(error, list):
            dropped += _drop_in_list(dataset, key, error, whole_on=None)
        elif key in dataset:
            dropped.append(Dropped(key, _short(dataset.pop(key)), _text(error)))
    return dropped or None


def _drop_in_list(
    dataset: dict[str, Any],
    key: str,
    errors: list[Any],
    whole_on: set[str] | None,
) -> list[Dropped]:
    """Per-item errors of a list field: drop the bad sub-fields of an item, or
    the whole item when a sub-field it cannot live without is at fault
    (``whole_on``; None: any error drops the item)."""
    items = dataset.get(key) or []
    dropped: list[Dropped] = []
    keep: list[Any] = []
    for index, item in enumerate(items):
        error = errors[index] if index < len(errors) else None
        if not error or not isinstance(item, dict):
            keep.append(item)
            continue
        label = f"{key}[{index}]"
        if whole_on is None or (isinstance(error, dict) and whole_on & set(error)):
            dropped.append(
                Dropped(
                    label, _short(item.get("url") or item.get("name")), _text(error)
                )
            )
            continue
        for sub, sub_error in error.items():
            if sub in item:
                dropped.append(
                    Dropped(f"{label}.{sub}", _short(item.pop(sub)), _text(sub_error))
                )
        keep.append(item)
    dataset[key] = keep
    return dropped


def _text(error: Any) -> str:
    if isinstance(error, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in error.items())
    if isinstance(error, list):
        return "; ".join(_text(e) for e in error if e)
    return str(error)


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 200 else text[:199] + "…"
