"""The background job: load one tabular resource into the DataStore.

Queued on CKAN's ``datastore`` jobs queue (Redis, ``ckan jobs worker default
datastore``) by :mod:`.hooks`
and by the ``collectivites_datastore_load`` action. Uploaded files are read
from CKAN's storage; remote files (harvested resources included) are
streamed to a temporary file through the harvester's HTTP client (address
policy and time limits of the site configuration) with the DataStore's own
size cap. Every failure ends as an ``error`` status with a French message on
the resource page, never as an exception in a web request.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opendata_collectivites import resource_files
from ckanext.opendata_collectivites.datastore import csvfile, loader, sheets, status
from ckanext.opendata_collectivites.logic.context import site_context as _context

log = logging.getLogger(__name__)

JOB_TIMEOUT = 1800  # seconds
FORMATS = {
    "csv",
    "tsv",
    "text/csv",
    "text/tab-separated-values",
    "xlsx",
    "ods",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.spreadsheet",
}
EXTENSIONS = (".csv", ".tsv", ".xlsx", ".ods")
MAX_BYTES_KEY = "ckanext.collectivites.datastore.max_bytes"
MAX_ROWS_KEY = "ckanext.collectivites.datastore.max_spreadsheet_rows"
QUEUE_KEY = "ckanext.collectivites.datastore.queue"


class Failed(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def is_tabular(res: dict[str, Any]) -> bool:
    """CSV/TSV/XLSX/ODS by declared format, else by the file name."""
    fmt = (res.get("format") or "").strip().lower()
    if fmt:
        return fmt in FORMATS
    path = (res.get("url") or "").split("?")[0].lower()
    return path.endswith(EXTENSIONS)


def fingerprint(res: dict[str, Any]) -> str:
    """Changes when the file changes."""
    parts = [
        str(res.get(k) or "")
        for k in ("url", "url_type", "last_modified", "size", "hash", "format")
    ]
    return hashlib.sha1(json.dumps(parts).encode()).hexdigest()


def queue_name() -> str:
    """The jobs queue of the loads (``ckan jobs worker default datastore``):
    a long load never delays the default queue's jobs (validation…)."""
    return tk.config.get(QUEUE_KEY) or "datastore"


def enqueue(resource_id: str) -> Any:
    return tk.enqueue_job(
        run,
        [resource_id],
        title=f"Chargement dans le DataStore de la ressource {resource_id}",
        queue=queue_name(),
        rq_kwargs={"timeout": JOB_TIMEOUT},
    )


def max_bytes() -> int:
    return tk.asint(tk.config.get(MAX_BYTES_KEY) or 200 * 1024 * 1024)


def max_rows() -> int:
    """Largest number of data rows read from a spreadsheet."""
    return tk.asint(tk.config.get(MAX_ROWS_KEY) or 1_000_000)


def _human(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} Mo"


def fetch(res: dict[str, Any], sink: Any) -> str:
    """The path of the file to load: the upload itself, or ``sink`` filled
    from the resource URL (:mod:`..resource_files`)."""
    try:
        return resource_files.local_path(res, sink, resource_files.limits(max_bytes()))
    except resource_files.FileError as exc:
        if "error" in exc.params:  # a download, too large or not
            raise Failed("fetch-failed", error=exc.params["error"]) from None
        if exc.code == "too-large":
            size, limit = exc.params["size"], exc.params["limit"]
            raise Failed("too-large", size=_human(size), limit=_human(limit)) from None
        raise Failed(exc.code) from None


def declared_types(res: dict[str, Any], pkg: dict[str, Any]) -> dict[str, str]:
    """Field name → Table Schema type of the schema the resource declares
    (offline copies of the validation room), else ``{}``."""
    from ckanext.opendata_collectivites.validation import jobs as vjobs
    from ckanext.opendata_collectivites.validation import schemas

    ref = schemas.resolve(vjobs.declared_schema(pkg, res))
    schema = schemas.load(ref) if ref else None
    if not schema:
        return {}
    return {
        f["name"]: f.get("type", "string")
        for f in schema.get("fields") or []
        if f.get("name")
    }


def load_resource(res: dict[str, Any], pkg: dict[str, Any]) -> loader.LoadResult:
    """Fetch and load (the job and the benchmark call it); raises
    :class:`Failed`."""
    with tempfile.NamedTemporaryFile(prefix="datastore-", suffix=".csv") as sink:
        path = fetch(res, sink)
        try:
            spreadsheet = sheets.kind(path)
            if spreadsheet is None:
                return loader.load_csv(
                    path, res["id"], declared_types(res, pkg), _context()
                )
            header, rows = sheets.read(path, spreadsheet, max_rows())
            return loader.load_rows(
                header, rows, res["id"], declared_types(res, pkg), _context(),
                kind=spreadsheet,
            )  # fmt: skip
        except csvfile.CsvError as exc:
            raise Failed(exc.code, **exc.params) from None


def _create_views(res: dict[str, Any], pkg: dict[str, Any]) -> None:
    """The default views that need the DataStore (``datatables_view``,
    ``collectivites_chart``) and the map of tables with positions; the
    default map of a table reloaded without positions is deleted."""
    from ckanext.opendata_collectivites.dataviz.views import MAP, drop_stale_maps

    res = tk.get_action("resource_show")(_context(), {"id": res["id"]})
    drop_stale_maps(res, _context())
    tk.get_action("resource_create_default_resource_views")(
        _context(),
        {"resource": res, "package": pkg, "create_datastore_views": True},
    )
    # The map of a table with positions does not need the DataStore for
    # every resource (GeoJSON files), so CKAN's call above skips it.
    if MAP in tk.aslist(tk.config.get("ckan.views.default_views")):
        from ckan.lib import datapreview

        datapreview.add_views_to_resource(_context(), res, pkg, view_types=[MAP])


def run(resource_id: str) -> str:
    """Job entry point; returns the stored state."""
    from ckan import model
    from sqlalchemy.exc import SQLAlchemyError

    context = _context()
    try:
        res = tk.get_action("resource_show")(dict(context), {"id": resource_id})
        pkg = tk.get_action("package_show")(dict(context), {"id": res["package_id"]})
    except tk.ObjectNotFound:
        return "deleted"
    fp = fingerprint(res)
    status.save(resource_id, "running", {"fingerprint": fp})
    model.Session.commit()
    try:
        result = load_resource(res, pkg)
    except Failed as exc:
        value = {"fingerprint": fp, "code": exc.code, "params": exc.params}
        model.Session.rollback()
        status.save(resource_id, "error", value, exc.code)
        model.Session.commit()
        log.info("Resource %s not loaded: %s %s", resource_id, exc.code, exc.params)
        return "error"
    except SQLAlchemyError as exc:
        log.exception("DataStore load of resource %s failed", resource_id)
        model.Session.rollback()
        detail = str(getattr(exc, "orig", exc)).splitlines()[0][:200]
        value = {"fingerprint": fp, "code": "database", "params": {"error": detail}}
        status.save(resource_id, "error", value, "database")
        model.Session.commit()
        return "error"
    except Exception:  # noqa: BLE001 - a crash must not leave "running" forever
        log.exception("DataStore load of resource %s failed", resource_id)
        model.Session.rollback()
        value = {"fingerprint": fp, "code": "internal-error", "params": {}}
        status.save(resource_id, "error", value, "internal-error")
        model.Session.commit()
        return "error"
    status.save(
        resource_id,
        "complete",
        {
            "fingerprint": fp,
            "rows": result.rows,
            "columns": len(result.fields),
            "encoding": result.encoding,
            "delimiter": result.delimiter,
            "seconds": round(result.seconds, 3),
            "phases": result.phases,
        },
    )
    model.Session.commit()
    _create_views(res, pkg)
    log.info("Resource %s: %s rows in %.1f s", resource_id, result.rows, result.seconds)
    return "complete"
