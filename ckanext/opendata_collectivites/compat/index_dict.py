"""The dataset dict that CKAN's indexer expects.

CKAN ≤ 2.11 indexes ``package_show``'s result. CKAN 2.12 indexes the dict of
the default schema with the custom (scheming) one under ``with_custom_schema``
(``logic.package_show_default_and_custom_schemas``), and its indexer asserts it.
"""

from __future__ import annotations

from typing import Any

from ckan import logic

#: True on CKAN 2.12+ (both schemas are indexed).
BOTH_SCHEMAS: bool = hasattr(logic, "package_show_default_and_custom_schemas")


def dict_to_index(context: dict[str, Any], package_id: str) -> dict[str, Any]:
    """What CKAN's own rebuild hands to ``PackageSearchIndex.update_dict``."""
    if BOTH_SCHEMAS:
        default, custom = logic.package_show_default_and_custom_schemas(
            context, package_id
        )
        return dict(default, with_custom_schema=custom)
    return logic.get_action("package_show")(context, {"id": package_id})
