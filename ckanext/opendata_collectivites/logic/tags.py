"""Tag actions that only reveal tags of datasets the caller can see.

CKAN's ``tag_list``, ``tag_autocomplete``, ``tag_search`` and ``tag_show`` read
the ``tag`` table: a keyword used only by private datasets (a project under
preparation, a confidential study) is shown to anyone. These chained actions
keep the tags the caller's own dataset search finds (``package_search`` with
``include_private``: a member still sees the keywords of its collectivité's
private datasets, a sysadmin sees everything). Vocabulary tags (portal themes)
are public by nature and left as they are.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

MAX_TAGS = 100_000  # facet limit: every keyword of the portal


def visible_tags(context: dict[str, Any]) -> set[str]:
    """Free tags of the datasets the caller may see."""
    result = tk.get_action("package_search")(
        {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")},
        {
            "q": "*:*",
            "rows": 0,
            "facet.field": ["tags"],
            "facet.limit": MAX_TAGS,
            "facet.mincount": 1,
            "include_private": True,
        },
    )
    return set(result["facets"].get("tags", {}))


def _free(data_dict: dict[str, Any]) -> bool:
    return not data_dict.get("vocabulary_id")


def _name(tag: Any) -> str:
    return tag["name"] if isinstance(tag, dict) else tag


@tk.chained_action
@tk.side_effect_free
def tag_list(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    """``tag_list`` without the tags of datasets the caller cannot see."""
    tags = up_func(context, data_dict)
    if not _free(data_dict):
        return tags
    visible = visible_tags(context)
    return [t for t in tags if _name(t) in visible]


@tk.chained_action
@tk.side_effect_free
def tag_autocomplete(
    up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]
) -> Any:
    """``tag_autocomplete`` without the tags of datasets the caller cannot see."""
    if not _free(data_dict):
        return up_func(context, data_dict)
    limit = int(data_dict.get("limit") or 10)
    names = up_func(context, dict(data_dict, limit=min(limit * 10, 1000)))
    visible = visible_tags(context)
    return [n for n in names if n in visible][:limit]


@tk.chained_action
@tk.side_effect_free
def tag_search(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    """``tag_search`` without the tags of datasets the caller cannot see."""
    found = up_func(context, data_dict)
    if not _free(data_dict):
        return found
    visible = visible_tags(context)
    results = [t for t in found["results"] if _name(t) in visible]
    hidden = len(found["results"]) - len(results)
    return dict(found, results=results, count=found["count"] - hidden)


@tk.chained_action
@tk.side_effect_free
def tag_show(up_func: Any, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    """``tag_show``; a free tag of datasets the caller cannot see is not found."""
    tag = up_func(context, data_dict)
    if not tag.get("vocabulary_id") and tag["name"] not in visible_tags(context):
        raise tk.ObjectNotFound(tk._("Tag not found"))
    return tag


def get_actions() -> dict[str, Any]:
    return {
        "tag_list": tag_list,
        "tag_autocomplete": tag_autocomplete,
        "tag_search": tag_search,
        "tag_show": tag_show,
    }
