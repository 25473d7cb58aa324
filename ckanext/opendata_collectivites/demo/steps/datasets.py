"""Datasets published directly on the portal, their files uploaded."""

from __future__ import annotations

import hashlib
import mimetypes
from typing import Any

import ckan.plugins.toolkit as tk
from werkzeug.datastructures import FileStorage

from ckanext.opendata_collectivites.demo import data
from ckanext.opendata_collectivites.demo.loader import DemoContext

ORDER = 20
FILES = data.HERE / "files"


# What an upload stored on a resource: kept when the demo is loaded again and
# the file has not changed.
UPLOADED = ("id", "url", "size", "mimetype", "hash", "hash_algorithm", "last_modified")


def load(ctx: DemoContext) -> None:
    for dataset in data.read("datasets.yaml"):
        files = {r["name"]: r.pop("file") for r in dataset["resources"] if "file" in r}
        stored = _stored_resources(ctx, dataset["name"])
        for resource in dataset["resources"]:
            if resource["name"] in files:
                resource["url"] = files[resource["name"]]
                resource["url_type"] = "upload"
                old = stored.get(resource["name"])
                if old and _same_file(old, files[resource["name"]]):
                    resource.update({k: old[k] for k in UPLOADED if old.get(k)})
        pkg = data.upsert(ctx, "package", dataset)
        for resource in pkg["resources"]:
            name = files.get(resource["name"])
            if name and not _same_file(resource, name):
                _upload(ctx, resource["id"], name)
        ctx.count("jeux de données")


def _stored_resources(ctx: DemoContext, name: str) -> dict[str, dict[str, Any]]:
    try:
        pkg = ctx.action("package_show", id=name)
    except tk.ObjectNotFound:
        return {}
    return {r["name"]: r for r in pkg.get("resources") or []}


def _same_file(resource: dict[str, Any], name: str) -> bool:
    """Whether the stored upload already is this file (re-running the demo
    load keeps the files, their checks and their history)."""
    body = (FILES / name).read_bytes()
    return resource.get("size") == len(body) and (
        not resource.get("hash")
        or resource["hash"]
        in (hashlib.sha256(body).hexdigest(), hashlib.md5(body).hexdigest())  # noqa: S324
    )


def _upload(ctx: DemoContext, resource_id: str, name: str) -> None:
    kind = mimetypes.guess_type(name)[0] or (
        "application/geo+json" if name.endswith(".geojson") else "text/csv"
    )
    with open(FILES / name, "rb") as stream:
        ctx.action(
            "resource_patch",
            id=resource_id,
            url=name,
            url_type="upload",
            upload=FileStorage(stream=stream, filename=name, content_type=kind),
        )
