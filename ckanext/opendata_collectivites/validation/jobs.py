"""The background job: validate one resource and store the verdict.

Queued on CKAN's jobs queue (Redis, ``ckan jobs worker``) by :mod:`.hooks`
and by the ``collectivites_resource_validate`` action.  Uploaded files are
read from CKAN's storage; remote files are fetched through the harvester's
HTTP client (address policy, size and time limits of the site
configuration).  A file that cannot be read, or a schema without an offline
copy, gives ``unchecked`` — never ``invalid``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opendata_collectivites import resource_files
from ckanext.opendata_collectivites.logic.context import site_context
from ckanext.opendata_collectivites.validation import model, schemas, validator

log = logging.getLogger(__name__)

JOB_TIMEOUT = 900  # seconds


class Unreadable(Exception):
    """The file could not be obtained: ``reason`` code and detail."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def declared_schema(pkg: dict[str, Any], res: dict[str, Any]) -> str:
    """The resource's ``conforms_to``, else the dataset's when the file's
    format can follow it (a table schema is not for the dataset's GeoJSON or
    PDF: the same rule as the DCAT feed, ``dcat/mapping.schema_fits``); a
    file of unknown format is checked."""
    own = str(res.get("conforms_to") or "").strip()
    if own:
        return own
    inherited = str(pkg.get("conforms_to") or "").strip()
    if not inherited:
        return ""
    from ckanext.opendata_collectivites import vocabularies as voc
    from ckanext.opendata_collectivites.dcat import mapping

    ref = voc.schema_by_url(inherited)
    ftype = mapping.file_type(res.get("format"))
    if ref is None or ftype is None or mapping.schema_fits(ref.schema_type, ftype):
        return inherited
    return ""


def fingerprint(res: dict[str, Any], schema_url: str) -> str:
    """Changes when the file or the declared schema changes."""
    parts = [
        res.get(k) or "" for k in ("url", "url_type", "last_modified", "size", "hash")
    ]
    return hashlib.sha1(json.dumps([*map(str, parts), schema_url]).encode()).hexdigest()


def enqueue(resource_id: str) -> Any:
    return tk.enqueue_job(
        run,
        [resource_id],
        title=f"Validation de la ressource {resource_id}",
        rq_kwargs={"timeout": JOB_TIMEOUT},
    )


def read_body(res: dict[str, Any]) -> bytes:
    """The file's bytes (upload from storage, else fetched over HTTP)."""
    try:
        return resource_files.read_bytes(res)
    except resource_files.FileError as exc:
        if "error" in exc.params:  # a download, too large or not
            raise Unreadable("fetch-failed", exc.params["error"]) from None
        if exc.code == "too-large":
            raise Unreadable("file-too-large", str(exc.params["limit"])) from None
        raise Unreadable(exc.code) from None


def validate_resource(res: dict[str, Any], pkg: dict[str, Any]) -> model.Result:
    """Validate without storing (the job and the benchmark call it)."""
    schema_url = declared_schema(pkg, res)
    result = model.Result(
        resource_id=res["id"],
        package_id=pkg["id"],
        status="unchecked",
        schema_url=schema_url,
        fingerprint=fingerprint(res, schema_url),
    )
    ref = schemas.resolve(schema_url)
    if ref is None:
        result.reason = "unknown-schema"
        return result
    result.schema_name, result.schema_version = ref.name, ref.version
    result.schema_title = ref.title
    schema = schemas.load(ref)
    if schema is None:
        result.reason = "schema-not-available"
        return result
    try:
        body = read_body(res)
    except Unreadable as exc:
        result.reason = exc.reason
        result.report = {"detail": exc.detail} if exc.detail else None
        return result
    report = validator.validate_bytes(body, schema)
    if [e["code"] for e in report["errors"]] == ["binary-file"]:
        result.reason = "unsupported-format"
        return result
    result.report = report
    result.error_count = report["error_count"]
    result.warning_count = report["warning_count"]
    result.status = "valid" if report["valid"] else "invalid"
    return result


def _reindex(package_id: str) -> None:
    """The dataset's index document carries its verdict (search facet)."""
    from ckan import model as ckan_model
    from ckan.lib import search

    search.rebuild(package_id)
    ckan_model.Session.commit()


def _verdict_changed() -> None:
    """Counts that show verdicts (obligations dashboard) are cached: drop them."""
    from ckanext.opendata_collectivites.logic import cache

    cache.invalidate()


def run(resource_id: str) -> str:
    """Job entry point; returns the stored status."""
    from ckan import model as ckan_model

    context = site_context()
    try:
        res = tk.get_action("resource_show")(dict(context), {"id": resource_id})
        pkg = tk.get_action("package_show")(dict(context), {"id": res["package_id"]})
    except tk.ObjectNotFound:
        model.delete([resource_id])
        ckan_model.Session.commit()
        return "deleted"
    try:
        result = validate_resource(res, pkg)
    except Exception:  # noqa: BLE001 - a crash must not leave "pending" forever
        log.exception("Validation of resource %s failed", resource_id)
        result = model.Result(
            resource_id=resource_id,
            package_id=pkg["id"],
            status="unchecked",
            schema_url=declared_schema(pkg, res),
            reason="internal-error",
            fingerprint=fingerprint(res, declared_schema(pkg, res)),
        )
    model.save(result)
    ckan_model.Session.commit()
    _reindex(pkg["id"])
    _verdict_changed()
    log.info(
        "Resource %s: %s (%s errors)", resource_id, result.status, result.error_count
    )
    return result.status
