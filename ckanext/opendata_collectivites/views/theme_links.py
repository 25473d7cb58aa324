"""Links of a theme's dataset listing stay on ``/themes/<slug>``.

The theme page is CKAN's own dataset search with ``vocab_themes=<slug>`` added
to the request's arguments (``pages.theme``), so the links CKAN builds for the
listing (pager, sort, facets, filter removal, search form) point at
``/dataset/?vocab_themes=<slug>&…``.  ``rebase`` maps those onto
``/themes/<slug>?…`` (a link that drops the theme stays on ``/dataset/``).
It is applied to the search view's link builders just before its template
renders (Flask's ``before_render_template`` signal), and the
``add_url_param`` / ``remove_url_param`` helpers the facet lists call build
their links on ``/dataset/`` then rebase them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk
from flask import g, has_request_context, request

from ckanext.opendata_collectivites.views.facets import THEMES as THEME_ARG

ENDPOINT = "collectivites_pages.theme"
_REBASED = "_collectivites_rebased"
_PATHS = "_collectivites_theme_paths"


def current_slug() -> str | None:
    """The slug of the theme page being served, if any."""
    if not has_request_context() or request.endpoint != ENDPOINT:
        return None
    return (request.view_args or {}).get("slug")


def _paths(slug: str) -> tuple[str, str]:
    """The dataset listing's path and the theme page's (built once a request)."""
    memo = g.get(_PATHS)
    if memo is None or memo[0] != slug:
        memo = (slug, tk.h.url_for("dataset.search"), tk.h.url_for(ENDPOINT, slug=slug))
        setattr(g, _PATHS, memo)
    return memo[1], memo[2]


def rebase(url: str, slug: str) -> str:
    """A link of the dataset listing that keeps the theme, expressed on the
    theme's page (idempotent: any other link is returned unchanged).

    String work only: CKAN encodes its listing links with ``urlencode``, so
    the theme's filter is exactly the parameter ``urlencode`` gives.
    """
    search_path, theme_path = _paths(slug)
    path, _, query = url.partition("?")
    if path != search_path or not query:
        return url
    own = urlencode([(THEME_ARG, slug)])
    params = query.split("&")
    kept = [p for p in params if p != own]
    if len(kept) == len(params):
        return url
    return theme_path + ("?" + "&".join(kept) if kept else "")


def _rebased(build: Callable[..., str], slug: str) -> Callable[..., str]:
    if getattr(build, _REBASED, False):
        return build

    def wrapper(*args: Any, **kwargs: Any) -> str:
        return rebase(build(*args, **kwargs), slug)

    setattr(wrapper, _REBASED, True)
    return wrapper


def on_render(sender: Any, template: Any, context: dict[str, Any], **_: Any) -> None:
    """Rebase the search view's link builders (pager, sort, filter removal)."""
    slug = current_slug()
    if slug is None or "sort_by" not in context or "remove_field" not in context:
        return
    context["sort_by"] = _rebased(context["sort_by"], slug)
    context["remove_field"] = _rebased(context["remove_field"], slug)
    page = context.get("page")
    if getattr(page, "_url_generator", None) is not None:
        page._url_generator = _rebased(page._url_generator, slug)
    # The search form's hidden fields: the theme is in the form's own URL.
    if context.get("fields"):
        context["fields"] = [f for f in context["fields"] if f != (THEME_ARG, slug)]


def _listing_link(
    next_helper: Callable[..., str], args: tuple, kwargs: dict[str, Any], plain: int
) -> str:
    """On a theme page, build the link on the dataset listing, then rebase it.

    ``plain``: how many leading positional arguments are not about the base
    URL; a caller that chooses the base URL itself is left alone.
    """
    slug = current_slug()
    chosen = ("alternative_url", "controller", "action")
    if slug is None or len(args) > plain or any(kwargs.get(k) for k in chosen):
        return next_helper(*args, **kwargs)
    kwargs["alternative_url"] = _paths(slug)[0]
    return rebase(next_helper(*args, **kwargs), slug)


@tk.chained_helper
def add_url_param(next_helper: Callable[..., str], *args: Any, **kwargs: Any) -> str:
    return _listing_link(next_helper, args, kwargs, plain=0)


@tk.chained_helper
def remove_url_param(
    next_helper: Callable[..., str], *args: Any, **kwargs: Any
) -> str:
    return _listing_link(next_helper, args, kwargs, plain=3)


def get_helpers() -> dict[str, Any]:
    return {"add_url_param": add_url_param, "remove_url_param": remove_url_param}
