"""The file of a resource, for the jobs and views that read it.

An uploaded file is read in place from CKAN's storage; a remote file is
fetched through the harvester's HTTP client (:mod:`.harvest.http`: address
policy of the site configuration, timeouts, retries, redirects checked and a
size limit) and streamed into a file. Every failure is one
:class:`FileError` whose ``code`` each caller words for its users.
"""

from __future__ import annotations

import os
import tempfile
from typing import IO, Any

from ckanext.opendata_collectivites.harvest.http import Limits


class FileError(Exception):
    """The file could not be obtained. ``code``:

    - ``no-file``: neither an upload nor an http(s) address;
    - ``file-missing``: the upload is not in CKAN's storage;
    - ``too-large``: ``size`` (bytes, ``None`` when a download was cut) is
      over ``limit`` (bytes);
    - ``fetch-failed``: the download failed.

    Failures of a download (``too-large`` included) carry ``error``, the HTTP
    client's message (site language, 300 characters at most)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def limits(max_bytes: int | None = None) -> Limits:
    """The site's HTTP limits (``ckanext.collectivites.harvest.*``), with
    ``max_bytes`` as the size limit when given."""
    from ckanext.opendata_collectivites.harvest.config import site_limits

    found = site_limits()
    if max_bytes is not None:
        found.max_bytes = max_bytes
    return found


def upload_path(res: dict[str, Any]) -> str:
    """The path of an uploaded resource's file in CKAN's storage."""
    from ckan.lib import uploader

    path = uploader.get_resource_uploader(res).get_path(res["id"])
    if not path or not os.path.exists(path):
        raise FileError("file-missing")
    return path


def local_path(
    res: dict[str, Any], sink: IO[bytes], bounds: Limits | None = None
) -> str:
    """The path of the resource's file: the upload itself, else ``sink`` (a
    named file) filled from the resource URL. ``bounds`` default to
    :func:`limits`; raises :class:`FileError`."""
    bounds = bounds or limits()
    if res.get("url_type") == "upload":
        path = upload_path(res)
        size = os.path.getsize(path)
        if size > bounds.max_bytes:
            raise FileError("too-large", size=size, limit=bounds.max_bytes)
        return path
    url = res.get("url") or ""
    if not url.startswith(("http://", "https://")):
        raise FileError("no-file")
    download(url, sink, bounds)
    return sink.name


def download(url: str, sink: IO[bytes], bounds: Limits) -> None:
    """Stream ``url`` into ``sink`` (flushed) with the site's address policy;
    raises :class:`FileError` (``too-large`` or ``fetch-failed``)."""
    from ckanext.opendata_collectivites.harvest.config import site_policy
    from ckanext.opendata_collectivites.harvest.errors import HarvestError
    from ckanext.opendata_collectivites.harvest.http import HttpClient

    try:
        HttpClient(site_policy(), bounds).get(url, sink=sink)
    except HarvestError as exc:
        error = str(exc)[:300]
        if "limit" in exc.params:  # Content-Length or streamed bytes over the cap
            size = str(exc.params.get("size") or "")
            raise FileError(
                "too-large",
                size=int(size) if size.isdigit() else None,
                limit=bounds.max_bytes,
                error=error,
            ) from None
        raise FileError("fetch-failed", error=error) from None
    sink.flush()


def fetch_bytes(url: str, bounds: Limits) -> bytes:
    """The body at ``url`` (see :func:`download`), through a temporary file."""
    with tempfile.TemporaryFile(prefix="resource-") as sink:
        download(url, sink, bounds)
        sink.seek(0)
        return sink.read()


def read_bytes(res: dict[str, Any], bounds: Limits | None = None) -> bytes:
    """The bytes of the resource's file (see :func:`local_path`)."""
    with tempfile.NamedTemporaryFile(prefix="resource-") as sink:
        with open(local_path(res, sink, bounds), "rb") as f:
            return f.read()
