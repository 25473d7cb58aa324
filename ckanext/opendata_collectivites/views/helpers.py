"""Template helpers of the theme and keyword pages (all read through actions)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import request

from ckanext.opendata_collectivites import vocabularies as voc
from ckanext.opendata_collectivites.logic import pages
from ckanext.opendata_collectivites.views import icons, identity, memo, theme_links
from ckanext.opendata_collectivites.views.facets import THEMES as THEME_ARG


def theme_list(
    limit: int | None = None, include_empty: bool | None = None
) -> list[dict[str, Any]]:
    data: dict[str, Any] = {}
    if include_empty is not None:
        data["include_empty"] = include_empty
    themes = tk.get_action("collectivites_theme_list")({}, data)
    return themes[:limit] if limit else themes


def keyword_cloud(
    limit: int | None = None, organization: str | None = None, theme: str | None = None
) -> dict[str, Any]:
    data = {"limit": limit, "organization": organization, "theme": theme}
    return tk.get_action("collectivites_keyword_cloud")(
        {}, {k: v for k, v in data.items() if v}
    )


def recent_datasets() -> list[dict[str, Any]]:
    """The most recently modified public datasets (from the cached overview)."""
    return pages.overview()["recent"]


def search_theme() -> Any | None:
    """The theme of a theme page, or of a dataset listing restricted to
    exactly one theme."""
    slug = theme_links.current_slug()
    if slug is not None:
        return voc.portal_theme(slug)
    if request.endpoint != "dataset.search":
        return None
    slugs = request.args.getlist(THEME_ARG)
    if len(slugs) != 1:
        return None
    return voc.portal_theme(slugs[0])


def theme_label(slug: str) -> str:
    theme = voc.portal_theme(slug)
    return theme_text(theme) if theme else slug


def theme_text(theme: Any, field: str = "label") -> str:
    """A theme's label (or ``field="description"``) in the page's language
    (``label_en``, ``description_en`` in English)."""
    get = theme.get if isinstance(theme, dict) else lambda k: getattr(theme, k, "")
    if _english() and get(f"{field}_en"):
        return get(f"{field}_en")
    return get(field)


def _english() -> bool:
    try:
        return tk.h.lang() == "en"
    except RuntimeError:  # outside a request (CLI, jobs): French
        return False


def theme_feeds(slug: str) -> list[dict[str, str]]:
    """Links to the theme's DCAT catalogue and Atom feed."""
    feeds = []
    if _has_action("dcat_catalog_show"):
        for fmt, label, mime in (
            ("ttl", "DCAT (Turtle)", "text/turtle"),
            ("rdf", "DCAT (RDF/XML)", "application/rdf+xml"),
        ):
            feeds.append(
                {
                    "label": label,
                    "type": mime,
                    "url": tk.h.url_for(
                        "collectivites_pages.theme_catalog", slug=slug, _format=fmt
                    ),
                }
            )
    feeds.append(
        {
            "label": "Atom",
            "type": "application/atom+xml",
            "url": tk.h.url_for("feeds.custom", **{THEME_ARG: slug}),
        }
    )
    return feeds


def _has_action(name: str) -> bool:
    try:
        tk.get_action(name)
    except KeyError:
        return False
    return True


def keyword_search_url(
    name: str, organization: str | None = None, theme: str | None = None
) -> str:
    params = {"tags": name}
    if organization:
        params["organization"] = organization
    if theme:
        params[THEME_ARG] = theme
    return tk.h.url_for("dataset.search", **params)


def home_limit(section: str) -> int:
    """Number of items of a home page section (themes, keywords, recent)."""
    if section not in ("themes", "keywords", "recent"):
        raise ValueError(section)
    return tk.config.get(f"ckanext.collectivites.home.{section}")


def get_helpers() -> dict[str, Any]:
    return {
        "collectivites_theme_list": theme_list,
        "collectivites_keyword_cloud": keyword_cloud,
        "collectivites_recent_datasets": recent_datasets,
        "collectivites_search_theme": search_theme,
        "collectivites_theme_label": theme_label,
        "collectivites_theme_text": theme_text,
        "collectivites_licence_title": licence_title,
        "collectivites_filter_title": filter_title,
        "collectivites_theme_feeds": theme_feeds,
        "collectivites_keyword_url": keyword_search_url,
        "collectivites_icon": icons.icon,
        "collectivites_home_limit": home_limit,
        **theme_links.get_helpers(),
        **memo.get_helpers(),
        **identity.get_helpers(),
    }


def licence_title(pkg_dict: dict[str, Any]) -> str:
    """The dataset's licence title in the page's language (the vocabulary's
    ``title_en`` in English); CKAN stores the French title in the index."""
    lic = voc.licence(pkg_dict.get("license_id") or "")
    if lic is None:
        return pkg_dict.get("license_title") or pkg_dict.get("license_id") or ""
    return lic.title_en if _english() else lic.title


def filter_title(field: str) -> str:
    """Title of a search filter that is not a facet of the listing."""
    titles = {"vocab_territories_all": tk._("Territories")}
    return titles.get(field, field)
