"""Offline copies of schema.data.gouv.fr Table Schemas, shipped in the package.

``data/schemas/<owner>/<name>/<version>/schema.json``: one file per schema
version a resource may declare; the catalogue (``schemas.json``) stays in
``vocabularies/``, which resolves a declared URL into a :class:`SchemaRef`.
Nothing here reaches the network at validation time; :func:`refresh`
(``ckan collectivites vocabularies update --schema-files``) downloads new
versions through a given HTTP client.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterable
from typing import Any

from ckanext.opendata_collectivites import vocabularies
from ckanext.opendata_collectivites.vocabularies.concepts import SchemaRef

SCHEMAS_DIR = os.path.join(os.path.dirname(__file__), "data", "schemas")


def path_for(ref: SchemaRef) -> str:
    return os.path.join(SCHEMAS_DIR, *ref.name.split("/"), ref.version, "schema.json")


def resolve(url: str) -> SchemaRef | None:
    """The catalogue entry of a declared schema URL (exact versioned URL, or a
    schema name such as ``scdl/deliberations``: its latest version)."""
    url = (url or "").strip()
    if not url:
        return None
    ref = vocabularies.schema_by_url(url)
    if ref is None and "://" not in url:
        versions = vocabularies.schema_versions(url)
        ref = versions[-1] if versions else None
    return ref


@functools.lru_cache(maxsize=64)
def _load(path: str) -> dict[str, Any] | None:
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def load(ref: SchemaRef) -> dict[str, Any] | None:
    """The Table Schema of ``ref`` (``None`` when no copy is shipped)."""
    if ref.schema_type != "tableschema":
        return None
    return _load(path_for(ref))


def shipped() -> list[SchemaRef]:
    return [r for r in vocabularies.schemas() if os.path.exists(path_for(r))]


def refresh_from_site() -> list[SchemaRef]:
    """:func:`refresh` through the portal's HTTP client (address policy,
    size and time limits of the site configuration)."""
    from ckanext.opendata_collectivites.harvest.config import site_limits, site_policy
    from ckanext.opendata_collectivites.harvest.errors import HarvestError
    from ckanext.opendata_collectivites.harvest.http import HttpClient

    client = HttpClient(site_policy(), site_limits())

    def fetch(url: str) -> bytes:
        try:
            return client.get(url, accept="application/json").body
        except HarvestError as exc:
            raise ValueError(str(exc)) from None

    return refresh(fetch)


def refresh(
    fetch: Callable[[str], bytes], refs: Iterable[SchemaRef] | None = None
) -> list[SchemaRef]:
    """Download the Table Schemas of ``refs`` (default: every version of the
    SCDL schemas and of the schemas already shipped) that are not shipped yet."""
    names = {r.name for r in shipped()}
    wanted = (
        refs
        if refs is not None
        else [
            r
            for r in vocabularies.schemas()
            if r.schema_type == "tableschema" and (r.is_scdl or r.name in names)
        ]
    )
    written: list[SchemaRef] = []
    for ref in wanted:
        target = path_for(ref)
        if os.path.exists(target):
            continue
        descriptor = json.loads(fetch(ref.url).decode("utf-8-sig"))
        if not isinstance(descriptor, dict) or not isinstance(
            descriptor.get("fields"), list
        ):
            raise ValueError(f"{ref.url} n'est pas un Table Schema")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as f:
            json.dump(descriptor, f, ensure_ascii=False, indent=2)
        written.append(ref)
    _load.cache_clear()
    return written
