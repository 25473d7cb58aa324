"""Indexing of harvest sources by ckanext-harvest 1.6.3 on CKAN 2.12.

CKAN 2.12's ``package_show`` answers from the search index's
``validated_data_dict``, which 2.12 no longer computes itself: the caller hands
the dict of the custom schema under ``with_custom_schema``. ckanext-harvest
1.6.3's ``harvest_source_reindex`` (run at the end of every job) hands it the
*unvalidated* dict, so the next ``harvest_source_show`` has no ``source_type``,
``frequency`` or ``config`` (``KeyError: 'source_type'`` in the harvest queue,
an empty source page). On 2.12 this chained action indexes the source the way
CKAN indexes any dataset (both schemas applied); on 2.11 nothing is replaced.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import logic

#: True on CKAN 2.12+ (the caller builds the validated dict the index keeps).
CALLER_VALIDATES: bool = hasattr(logic, "package_show_default_and_custom_schemas")


@tk.chained_action
@logic.auth_audit_exempt  # as the stock action: no auth check of its own
def harvest_source_reindex(
    up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]
) -> bool:
    """Reindex a harvest source with its validated (custom schema) dict."""
    from ckan.lib.search import PackageSearchIndex

    source_id = logic.get_or_bust(data_dict, "id")
    context = dict(context, ignore_auth=True)
    default, custom = logic.package_show_default_and_custom_schemas(context, source_id)
    PackageSearchIndex().index_package(
        dict(default, with_custom_schema=custom),
        defer_commit=context.get("defer_commit", False),
    )
    return True


def get_actions() -> dict[str, Any]:
    """The chained action on CKAN 2.12+; nothing on 2.11 (stock action)."""
    if not CALLER_VALIDATES:
        return {}
    return {"harvest_source_reindex": harvest_source_reindex}
