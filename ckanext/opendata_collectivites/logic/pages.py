"""Actions ``collectivites_theme_list`` and ``collectivites_keyword_cloud``.

Both return public aggregates only and are cached (see ``cache``).
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.opendata_collectivites import vocabularies as voc
from ckanext.opendata_collectivites.logic import aggregates, cache

HIDE_EMPTY_OPTION = "ckanext.collectivites.themes.hide_empty"
CLOUD_SIZE_OPTION = "ckanext.collectivites.keyword_cloud.size"
CLOUD_MAX_OPTION = "ckanext.collectivites.keyword_cloud.max_size"
CLOUD_CLASSES_OPTION = "ckanext.collectivites.keyword_cloud.classes"
CLOUD_MIN_COUNT_OPTION = "ckanext.collectivites.keyword_cloud.min_count"


def _bounded_int(key: str, value: Any, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise tk.ValidationError({key: [tk._("Must be a whole number.")]}) from None
    if not low <= number <= high:
        raise tk.ValidationError(
            {
                key: [
                    tk._("Must be between {low} and {high}.").format(low=low, high=high)
                ]
            }
        )
    return number


def _theme(value: Any) -> str:
    slug = str(value).strip()
    if voc.portal_theme(slug) is None:
        known = ", ".join(t.slug for t in voc.portal_themes())
        raise tk.ValidationError(
            {
                "theme": [
                    tk._('Unknown theme "{value}"; expected one of: {known}.').format(
                        value=slug, known=known
                    )
                ]
            }
        )
    return slug


def _unknown_organization(ident: str) -> tk.ValidationError:
    message = tk._(
        'Unknown organization "{value}"; give the name of a collectivité '
        "as in its address /organization/<name>."
    )
    return tk.ValidationError({"organization": [message.format(value=ident)]})


def _organization(value: Any) -> str:
    """The organisation's name, looked up (by name or id) through CKAN."""
    ident = str(value).strip()
    try:
        org = tk.get_action("organization_show")(
            {"ignore_auth": True},
            {
                "id": ident,
                "include_datasets": False,
                "include_users": False,
                "include_groups": False,
                "include_tags": False,
                "include_followers": False,
                "include_extras": False,
            },
        )
    except (tk.ObjectNotFound, tk.ValidationError):
        raise _unknown_organization(ident) from None
    if org.get("state") != "active" or org.get("type") != "organization":
        raise _unknown_organization(ident)
    return org["name"]


def _boolean(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise tk.ValidationError({key: [tk._("Must be true or false.")]})


def overview() -> dict[str, Any]:
    """The catalogue-wide aggregates (theme counts, top keywords, recent
    datasets) computed by one cached search, shared by the home page, /themes
    and /mots-cles."""
    tags = tk.config.get(CLOUD_MAX_OPTION)
    recent = tk.config.get("ckanext.collectivites.home.recent")
    return cache.cached(
        "overview",
        {"tags": tags, "recent": recent},
        lambda: aggregates.overview(tags, recent),
    )


@tk.side_effect_free
def theme_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Portal themes with their number of public datasets, most used first.

    :param include_empty: list themes without public datasets (last);
        default: the opposite of ``ckanext.collectivites.themes.hide_empty``
    :type include_empty: bool
    :rtype: list of dicts (slug, label, label_en, description, description_en, icon,
        eu_themes, count)
    """
    tk.check_access("collectivites_theme_list", context, data_dict)
    include_empty = not tk.config.get(HIDE_EMPTY_OPTION)
    if data_dict.get("include_empty") not in (None, ""):
        include_empty = _boolean("include_empty", data_dict["include_empty"])
    counts = dict(overview()["themes"])
    return aggregates.theme_rows(counts, include_empty)


@tk.side_effect_free
def keyword_cloud(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The most used keywords of public datasets with counts and size classes.

    :param limit: number of keywords (default
        ``ckanext.collectivites.keyword_cloud.size``)
    :param organization: only datasets of this collectivité (name or id)
    :param theme: only datasets of this portal theme (slug)
    :param min_count: drop keywords used by fewer datasets (default
        ``ckanext.collectivites.keyword_cloud.min_count``)
    :rtype: dict with ``keywords`` (name, count, size; alphabetical),
        ``dataset_count``, ``classes``, ``filters``
    """
    tk.check_access("collectivites_keyword_cloud", context, data_dict)
    limit = tk.config.get(CLOUD_SIZE_OPTION)
    if data_dict.get("limit") not in (None, ""):
        limit = _bounded_int(
            "limit", data_dict["limit"], 1, tk.config.get(CLOUD_MAX_OPTION)
        )
    min_count = tk.config.get(CLOUD_MIN_COUNT_OPTION)
    if data_dict.get("min_count") not in (None, ""):
        min_count = _bounded_int("min_count", data_dict["min_count"], 1, 1_000_000)
    filters = {
        "organization": _organization(data_dict["organization"])
        if data_dict.get("organization")
        else None,
        "theme": _theme(data_dict["theme"]) if data_dict.get("theme") else None,
    }
    classes = tk.config.get(CLOUD_CLASSES_OPTION)
    params = dict(filters, limit=limit, min_count=min_count, classes=classes)
    if not filters["organization"] and not filters["theme"]:
        whole = overview()
        result = aggregates.cloud(
            whole["tags"], limit, classes, min_count, whole["count"]
        )
    else:
        result = cache.cached(
            "keywords",
            params,
            lambda: aggregates.keyword_cloud(limit, classes, min_count, **filters),
        )
    return dict(result, filters=filters)


@tk.auth_allow_anonymous_access
def allow_public_aggregates(context: Context, data_dict: DataDict) -> dict[str, bool]:
    """Anyone may read the aggregates: they only count public datasets."""
    return {"success": True}


def get_actions() -> dict[str, Any]:
    return {
        "collectivites_theme_list": theme_list,
        "collectivites_keyword_cloud": keyword_cloud,
    }


def get_auth_functions() -> dict[str, Any]:
    return {
        "collectivites_theme_list": allow_public_aggregates,
        "collectivites_keyword_cloud": allow_public_aggregates,
    }
