"""Blueprint of ``/themes``, ``/themes/<slug>`` and ``/mots-cles``."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.views import dataset as dataset_views
from flask import Blueprint, Response, before_render_template, request
from werkzeug.datastructures import ImmutableMultiDict

from ckanext.opendata_collectivites import vocabularies as voc
from ckanext.opendata_collectivites.views import helpers, theme_links

pages = Blueprint("collectivites_pages", __name__)


def themes() -> str:
    """All portal themes as tiles, most used first ("Thèmes populaires")."""
    return tk.render("collectivites/themes.html", {"themes": helpers.theme_list()})


def theme(slug: str) -> str | Any:
    """The theme's page: CKAN's dataset search restricted to the theme.

    The restriction is an ordinary search filter (``vocab_themes=<slug>``)
    added to the request's arguments, so CKAN's own view does the searching,
    facets, sorting and paging; ``theme_links`` keeps its links (next page,
    sort, facets) on ``/themes/<slug>``, and ``page.html`` shows the theme's
    header.
    """
    if voc.portal_theme(slug) is None:
        tk.abort(404, tk._("Theme not found"))
    own = (helpers.THEME_ARG, slug)
    args = [arg for arg in request.args.items(multi=True) if arg != own]
    request.args = ImmutableMultiDict([own, *args])
    return dataset_views.search("dataset")


CATALOG_TYPES = {
    "ttl": "text/turtle",
    "rdf": "application/rdf+xml",
    "xml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "n3": "text/n3",
}


def theme_catalog(slug: str, _format: str) -> Any:
    """The theme's DCAT catalogue: ckanext-dcat's ``dcat_catalog_show``
    restricted to the theme (paged like the site catalogue)."""
    if voc.portal_theme(slug) is None or _format not in CATALOG_TYPES:
        return tk.abort(404, tk._("Theme not found"))
    data = {
        "fq": f'{helpers.THEME_ARG}:"{slug}"',
        "format": _format,
        "page": request.args.get("page"),
        "modified_since": request.args.get("modified_since"),
    }
    try:
        body = tk.get_action("dcat_catalog_show")({}, data)
    except tk.ValidationError as error:
        messages = [m for ms in error.error_dict.values() for m in ms] or [str(error)]
        return tk.abort(400, " ".join(str(m) for m in messages))
    return Response(body, mimetype=CATALOG_TYPES[_format])


def keywords() -> str:
    """The keyword cloud, optionally for one collectivité or one theme."""
    data: dict[str, Any] = {}
    for arg in ("organization", "theme"):
        if request.args.get(arg):
            data[arg] = request.args[arg]
    try:
        cloud = tk.get_action("collectivites_keyword_cloud")({}, data)
    except tk.ValidationError as error:
        messages = [m for ms in error.error_dict.values() for m in ms]
        return tk.abort(404, " ".join(messages))
    return tk.render("collectivites/keywords.html", {"cloud": cloud})


def home() -> str:
    """The home page: popular themes, keyword cloud and recent datasets.

    Replaces CKAN's ``home.index`` view (same URL, registered first), which
    computes every search facet of the whole catalogue on each visit for
    template variables this home page does not use; the sections here come
    from cached actions.
    """
    return tk.render("home/index.html", {})


pages.add_url_rule("/", endpoint="home", view_func=home)
pages.add_url_rule("/themes", view_func=themes, strict_slashes=False)
pages.add_url_rule("/themes/<slug>", view_func=theme)
pages.add_url_rule("/themes/<slug>/catalog.<_format>", view_func=theme_catalog)
pages.add_url_rule("/mots-cles", view_func=keywords, strict_slashes=False)
pages.record_once(
    lambda state: before_render_template.connect(
        theme_links.on_render, state.app, weak=False
    )
)


def get_blueprints() -> list[Blueprint]:
    return [pages]
