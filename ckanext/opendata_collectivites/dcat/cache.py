"""Per-request look-ups for the DCAT profile: catalogue URI, organisations, licences.

ckanext-dcat recomputes ``catalog_uri()`` (a plugin iteration) for every dataset
and resource, and its publisher fallback keeps organisations in a process-wide,
never-invalidated class attribute. Here one :class:`FeedCache` lives for one
request (``flask.g``) or one explicit ``with feed_cache():`` block: URIs are
computed once, organisations of a whole catalogue page are read with one query.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator
from typing import Any

import ckan.plugins as plugins
from ckan import model

from ckanext.opendata_collectivites import vocabularies as voc
from ckanext.opendata_collectivites.compat.extras import group_extras

_ACTIVE: contextvars.ContextVar[FeedCache | None] = contextvars.ContextVar(
    "collectivites_dcat_cache", default=None
)
_G_ATTR = "_collectivites_dcat_cache"


class FeedCache:
    """Look-ups shared by every dataset serialised in one request."""

    def __init__(self) -> None:
        self._base: str | None = None
        self._orgs: dict[str, dict[str, Any] | None] = {}
        self._licences: dict[str, Any] = {}
        self.queries = 0

    # URIs --------------------------------------------------------------
    @property
    def base_uri(self) -> str:
        """``catalog_uri()`` without trailing slash, computed once."""
        if self._base is None:
            from ckanext.dcat.utils import catalog_uri

            self._base = catalog_uri().rstrip("/")
        return self._base

    def dataset_uri(self, dataset: dict[str, Any]) -> str:
        return dataset.get("uri") or f"{self.base_uri}/dataset/{dataset['id']}"

    def resource_uri(self, resource: dict[str, Any], dataset_id: str) -> str:
        return resource.get("uri") or (
            f"{self.base_uri}/dataset/{resource.get('package_id') or dataset_id}"
            f"/resource/{resource['id']}"
        )

    def organization_uri(self, org: dict[str, Any]) -> str:
        return f"{self.base_uri}/organization/{org['id']}"

    def territory_uri(self, territory: Any) -> str:
        """INSEE code-based URI, else the portal's (``/territoire/epci/<SIREN>``).

        INSEE publishes EPCI only under versioned UUID URIs, which cannot be
        derived from the SIREN offline; the portal's URI answers with the
        datasets about the territory (see :func:`.feeds.territory`).
        """
        return territory.insee_uri or (
            f"{self.base_uri}/territoire/{territory.kind}/{territory.code}"
        )

    # Organisations -----------------------------------------------------
    def prefetch_organizations(self, ids_or_names: Iterable[str]) -> None:
        """Load the organisations (core fields + extras) with two queries."""
        wanted = {k for k in ids_or_names if k and k not in self._orgs}
        if not wanted:
            return
        self.queries += 1
        groups = (
            model.Session.query(model.Group)
            .filter(model.Group.is_organization.is_(True))
            .filter(model.Group.state == "active")
            .filter(model.Group.id.in_(wanted) | model.Group.name.in_(wanted))
            .all()
        )
        found: dict[str, dict[str, Any]] = {}
        for g in groups:
            found[g.id] = {
                "id": g.id,
                "name": g.name,
                "title": g.title or g.name,
                "description": g.description or "",
                "image_url": g.image_url or "",
            }
        if found:
            self.queries += 1
            rows = group_extras(list(found))
            for group_id, key, value in rows:
                found[group_id].setdefault(key, value)
        for org in found.values():
            self._orgs[org["id"]] = org
            self._orgs[org["name"]] = org
        for key in wanted:
            self._orgs.setdefault(key, None)

    def organization(self, id_or_name: str | None) -> dict[str, Any] | None:
        if not id_or_name:
            return None
        if id_or_name not in self._orgs:
            self.prefetch_organizations([id_or_name])
        return self._orgs.get(id_or_name)

    # Validation verdicts ----------------------------------------------
    def invalid_resources(self, dataset: dict[str, Any]) -> set[str]:
        """Ids of the dataset's resources whose file was found not to conform
        to the declared schema (one query per dataset; none without the
        ``collectivites_validation`` plugin)."""
        ids = [r["id"] for r in dataset.get("resources") or [] if r.get("id")]
        if not ids or not plugins.plugin_loaded("collectivites_validation"):
            return set()
        from ckanext.opendata_collectivites.validation import model as validation

        return {rid for rid, s in validation.statuses(ids).items() if s == "invalid"}

    # Licences ----------------------------------------------------------
    def licence(self, licence_id: str | None) -> Any:
        if not licence_id:
            return None
        if licence_id not in self._licences:
            self._licences[licence_id] = voc.licence(licence_id)
        return self._licences[licence_id]


@contextlib.contextmanager
def feed_cache() -> Iterator[FeedCache]:
    """Make one :class:`FeedCache` current for the block (re-entrant)."""
    active = _ACTIVE.get()
    if active is not None:
        yield active
        return
    cache = FeedCache()
    token = _ACTIVE.set(cache)
    try:
        yield cache
    finally:
        _ACTIVE.reset(token)


def current() -> FeedCache:
    """The cache of the current block, else of the current request, else a new one."""
    active = _ACTIVE.get()
    if active is not None:
        return active
    try:
        import flask

        if flask.has_app_context():
            cache = getattr(flask.g, _G_ATTR, None)
            if cache is None:
                cache = FeedCache()
                setattr(flask.g, _G_ATTR, cache)
            return cache
    except ImportError:  # pragma: no cover - flask is a CKAN dependency
        pass
    return FeedCache()
