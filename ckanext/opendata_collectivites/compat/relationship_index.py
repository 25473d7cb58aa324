"""Indexing of datasets that have a relationship, on CKAN 2.12.

CKAN 2.12 indexes the dict validated by the *default* show schema, whose
relationship sub-schema (``default_relationship_schema``) has no
``subject_package_id`` / ``object_package_id``: they are dropped, then 2.12's
indexer reads ``rel["object_package_id"]`` and fails (``KeyError``). Stock CKAN
2.12 can therefore neither index such a dataset nor rebuild an index that holds
one (the rebuild stops). CKAN 2.11 indexed ``package_show``'s dict, which keeps
both ids. On 2.12 the show schema keeps them again (read side only: the create
and update schemas are untouched); on 2.11 nothing is changed.
"""

from __future__ import annotations

import functools
from typing import Any

from ckan import logic
from ckan.logic import schema as ckan_schema

#: True on CKAN 2.12+ (the default show schema's dict is what gets indexed).
INDEXES_DEFAULT_SCHEMA: bool = hasattr(logic, "package_show_default_and_custom_schemas")
_IDS = ("subject_package_id", "object_package_id")
_STOCK = ckan_schema.default_show_package_schema


@functools.wraps(_STOCK)
def default_show_package_schema(*args: Any, **kwargs: Any) -> dict[str, Any]:
    """CKAN's default show schema, keeping the package ids of relationships."""
    schema = _STOCK(*args, **kwargs)
    keep = [ckan_schema.get_validator("ignore_missing")]
    for key in ("relationships_as_subject", "relationships_as_object"):
        sub = schema.get(key)
        if isinstance(sub, dict):
            schema[key] = dict(sub, **{name: list(keep) for name in _IDS})
    return schema


def apply() -> bool:
    """Install the schema on CKAN 2.12+; return whether it was installed."""
    if not INDEXES_DEFAULT_SCHEMA:
        return False
    ckan_schema.default_show_package_schema = default_show_package_schema
    return True
