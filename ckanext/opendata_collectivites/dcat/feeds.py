"""Feeds: ``/catalog.<fmt>``, ``/organization/<id>/catalog.<fmt>`` and
``/organization/<id>/catalogue.csv`` (SCDL catalogue).

Only public, active datasets are listed (``package_search`` without private
or draft datasets). Paging links are absolute URLs built from ``ckan.site_url``
so that harvesters (data.gouv.fr refuses redirects) can follow them as they are.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SearchError
from dateutil.parser import parse as parse_date
from flask import Blueprint, Response, redirect, request

from ckanext.opendata_collectivites.dcat import scdl
from ckanext.opendata_collectivites.dcat.serializer import CONTENT_TYPES, FeedSerializer

DEFAULT_PER_PAGE = 100


class FeedError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def per_page() -> int:
    n = tk.asint(tk.config.get("ckanext.dcat.datasets_per_page") or DEFAULT_PER_PAGE)
    rows_max = tk.asint(tk.config.get("ckan.search.rows_max") or 1000)
    return max(1, min(n, rows_max))


def _site_url() -> str:
    return (tk.config.get("ckan.site_url") or "").rstrip("/")


def _modified_since(value: str | None) -> str | None:
    if not value:
        return None
    try:
        parsed = parse_date(value)
    except (ValueError, OverflowError) as exc:
        raise FeedError(
            400,
            tk._(
                "Invalid modified_since date: use the ISO 8601 format, e.g. 2024-01-31 "
                "or 2024-01-31T12:00:00Z."
            ),
        ) from exc
    if parsed.tzinfo is not None:
        from datetime import timezone

        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed.strftime("%Y-%m-%dT%H:%M:%SZ")


def _page() -> int:
    raw = request.args.get("page", "1")
    try:
        page = int(raw)
    except ValueError:
        page = 0
    if page < 1:
        raise FeedError(400, tk._("Invalid page number: use a whole number from 1."))
    return page


def search_page(
    owner_org: str | None,
    page: int,
    rows: int,
    modified_since: str | None,
    q: str | None = None,
    fq: str | None = None,
) -> dict[str, Any]:
    """One page of public, active datasets, most recently modified first.

    ``q`` and ``fq`` are the search filters stock ckanext-dcat accepts on its
    catalogue endpoint (e.g. ``fq=tags:economie``); private and draft datasets
    stay excluded whatever they say.
    """
    fq_list = ["-dataset_type:harvest", "-dataset_type:showcase"]
    if owner_org:
        fq_list.append(f'owner_org:"{owner_org}"')
    if modified_since:
        fq_list.append(f"metadata_modified:[{modified_since} TO NOW]")
    data = {
        "q": q or "*:*",
        "fq_list": fq_list,
        "rows": rows,
        "start": rows * (page - 1),
        "sort": "metadata_modified desc",
        "include_private": False,
        "include_drafts": False,
    }
    if fq:
        data["fq"] = fq
    try:
        return tk.get_action("package_search")({"ignore_auth": True}, data)
    except (SearchError, tk.ValidationError) as exc:
        raise FeedError(
            400,
            tk._("Invalid search filter (q or fq): {error}").format(
                error=getattr(exc, "error_summary", None) or exc
            ),
        ) from exc


def _catalog_modified(
    owner_org: str | None, page: int, result: dict[str, Any], filtered: bool
) -> str | None:
    """Latest ``metadata_modified`` of the whole catalogue (portal or collectivité).

    The first row of an unfiltered first page is it; other pages ask for one
    row. Given to the profiles, it also spares the stock profile the
    ``package_search`` it runs for this on every page.
    """
    if page == 1 and not filtered:
        first = result["results"][:1]
    else:
        first = search_page(owner_org, 1, 1, None)["results"]
    return first[0]["metadata_modified"] if first else None


def _paging(count: int, page: int, rows: int) -> dict[str, Any]:
    base = _site_url() + request.path
    params = {
        k: v for k, v in request.args.items() if k in ("modified_since", "q", "fq")
    }

    def url(n: int) -> str:
        return base + "?" + urlencode({**params, "page": n})

    last = max(1, math.ceil(count / rows))
    info = {
        "count": count,
        "items_per_page": rows,
        "current": url(page),
        "first": url(1),
        "last": url(last),
    }
    if page < last:
        info["next"] = url(page + 1)
    if page > 1:
        info["previous"] = url(page - 1)
    return info


def _organization(id_or_name: str) -> dict[str, Any]:
    try:
        return tk.get_action("organization_show")(
            {"ignore_auth": True},
            {
                "id": id_or_name,
                "include_datasets": False,
                "include_dataset_count": False,  # a search otherwise
                "include_users": False,
                "include_groups": False,
                "include_tags": False,
                "include_followers": False,
            },
        )
    except tk.ObjectNotFound as exc:
        raise FeedError(404, tk._("Unknown organisation.")) from exc


def render_catalog(_format: str, org: dict[str, Any] | None = None) -> Response:
    if _format not in CONTENT_TYPES:
        raise FeedError(404, tk._("Unknown format: use ttl, rdf, xml or jsonld."))
    page = _page()
    since = _modified_since(request.args.get("modified_since"))
    rows = per_page()
    result = search_page(
        org["id"] if org else None,
        page,
        rows,
        since,
        q=request.args.get("q"),
        fq=request.args.get("fq"),
    )
    if page > 1 and result["count"] <= rows * (page - 1):
        raise FeedError(
            404, tk._("This page is beyond the last page of the catalogue.")
        )
    site = _site_url()
    if org:
        catalog_dict = {
            "uri": f"{site}/organization/{org['name']}/catalog",
            "title": tk._("Open data catalogue of {name}").format(name=org["title"]),
            "description": org.get("description") or org["title"],
            "homepage": f"{site}/organization/{org['name']}",
            "publisher": org["id"],
        }
    else:
        catalog_dict = {}
    filtered = bool(since or request.args.get("q") or request.args.get("fq"))
    modified = _catalog_modified(org["id"] if org else None, page, result, filtered)
    if modified:
        catalog_dict["modified"] = modified
    body = FeedSerializer().serialize_page(
        catalog_dict, result["results"], _format, _paging(result["count"], page, rows)
    )
    response = Response(body, mimetype=CONTENT_TYPES[_format])
    # Checksums are typed for udata's harvester (profile.harvested_by_udata).
    response.headers["Vary"] = "User-Agent"
    return response


def _error(exc: FeedError) -> Response:
    return Response(exc.message + "\n", status=exc.status, mimetype="text/plain")


def catalog(_format: str) -> Response:
    try:
        return render_catalog(_format)
    except FeedError as exc:
        return _error(exc)


def organization_catalog(id: str, _format: str) -> Response:
    try:
        return render_catalog(_format, _organization(id))
    except FeedError as exc:
        return _error(exc)


def organization_catalogue_csv(id: str) -> Response:
    try:
        org = _organization(id)
    except FeedError as exc:
        return _error(exc)
    body = scdl.catalogue_csv(org)
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="catalogue-{org["name"]}.csv"'
    )
    return response


def dataset_read(id: str) -> Any:
    """``/dataset/<id>``: RDF when the Accept header asks for it, else the page."""
    from ckanext.dcat.utils import check_access_header

    fmt = check_access_header()
    if not fmt:
        from ckan.views.dataset import read

        return read("dataset", id)
    try:
        body = tk.get_action("dcat_dataset_show")({}, {"id": id, "format": fmt})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return _error(FeedError(404, tk._("Dataset not found.")))
    response = Response(body, mimetype=CONTENT_TYPES[fmt])
    response.headers["Vary"] = "Accept, User-Agent"
    return response


def territory(kind: str, code: str) -> Response:
    """``/territoire/<kind>/<code>``: the URI feeds give territories without an
    INSEE URI (EPCI); answers 303 with the datasets about the territory."""
    from ckanext.opendata_collectivites import vocabularies as voc

    found = voc.territory(f"{kind}:{code}")
    if found is None:
        return _error(FeedError(404, tk._("Unknown territory.")))
    target = tk.url_for(
        "dataset.search", vocab_territories_all=found.id, qualified=True
    )
    return redirect(target, code=303)


def get_blueprints() -> list[Blueprint]:
    bp = Blueprint("collectivites_dcat", __name__)
    bp.add_url_rule("/catalog.<_format>", view_func=catalog, endpoint="catalog")
    bp.add_url_rule(
        "/organization/<id>/catalog.<_format>",
        view_func=organization_catalog,
        endpoint="organization_catalog",
    )
    bp.add_url_rule(
        "/organization/<id>/catalogue.csv",
        view_func=organization_catalogue_csv,
        endpoint="organization_catalogue_csv",
    )
    bp.add_url_rule("/dataset/<id>", view_func=dataset_read, endpoint="dataset_read")
    bp.add_url_rule(
        "/territoire/<kind>/<code>", view_func=territory, endpoint="territory"
    )
    return [bp]
