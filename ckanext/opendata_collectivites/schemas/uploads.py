"""Size, media type and SHA-256 checksum of uploaded resource files.

CKAN sets ``mimetype`` only when the key is absent from the resource dict, but
the scheming resource form always posts the (empty) ``mimetype`` and ``size``
fields: uploads lost their media type. These hooks run in
``before_resource_create``/``before_resource_update``, read the uploaded stream
once (then rewind it for CKAN's uploader) and fill ``size``, ``mimetype``,
``hash`` and ``hash_algorithm`` (SPDX URI, the ckanext-dcat convention).
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
from typing import IO, Any
from urllib.parse import urlparse

from ckanext.opendata_collectivites.dcat import mapping

SHA256_URI = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
_CHUNK = 1 << 16
_SNIFF = 8192
_SAME_FILE_KEYS = ("hash", "hash_algorithm")


def _uploaded(resource: dict[str, Any]) -> Any:
    """The uploaded file (werkzeug ``FileStorage``) or None when none was sent."""
    upload = resource.get("upload")
    if upload is None or isinstance(upload, str) or not getattr(upload, "filename", ""):
        return None
    return upload if getattr(upload, "stream", None) is not None else None


def _digest(stream: IO[bytes]) -> tuple[str, int, bytes]:
    """(sha256 hex, size in bytes, first bytes) of a stream, rewound afterwards."""
    stream.seek(0)
    sha = hashlib.sha256()
    size = 0
    head = b""
    while chunk := stream.read(_CHUNK):
        if len(head) < _SNIFF:
            head += chunk[: _SNIFF - len(head)]
        sha.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return sha.hexdigest(), size, head


def media_type(filename: str, head: bytes = b"") -> str | None:
    """Media type of a file: the portal's format table, Python's, then its content."""
    ext = os.path.splitext(filename)[1]
    ftype = mapping.file_type(ext) if ext else None
    if ftype is not None and ftype.media_type:
        return ftype.media_type
    guessed = mimetypes.guess_type(filename, strict=False)[0]
    if guessed:
        return guessed
    if head:
        try:
            import magic

            sniffed = magic.from_buffer(head, mime=True)
        except (ImportError, OSError):  # libmagic missing: not essential
            sniffed = None
        if sniffed and sniffed not in ("application/x-empty", "inode/x-empty"):
            return sniffed
    return None


def fill_from_upload(resource: dict[str, Any]) -> None:
    """Set size, checksum and (when not given) media type from the uploaded file."""
    upload = _uploaded(resource)
    if upload is None:
        return
    digest, size, head = _digest(upload.stream)
    resource["size"] = size
    resource["hash"] = digest
    resource["hash_algorithm"] = SHA256_URI
    if not (resource.get("mimetype") or "").strip():
        resource["mimetype"] = media_type(upload.filename, head) or ""


def _file_name(url: Any) -> str:
    return os.path.basename(urlparse(str(url or "")).path)


def keep_for_same_file(current: dict[str, Any], resource: dict[str, Any]) -> None:
    """On an update, keep the checksum of an unchanged file and drop a stale one.

    The resource form has no checksum field and posts size and media type empty
    when they were unknown: without this, editing a title would drop them.
    CKAN keeps a core column (``hash``) that an update omits, so a checksum of a
    file replaced by a link must be cleared explicitly.
    """
    if _uploaded(resource) is not None:
        return
    if current.get("url_type") == "upload":
        same = (
            not resource.get("clear_upload")
            and resource.get("url_type", "upload") == "upload"
            and _file_name(resource.get("url")) == _file_name(current.get("url"))
        )
    else:
        same = (resource.get("url") or "") == (current.get("url") or "")
    if not same:
        # ``hash`` is a column CKAN keeps when omitted; the extra goes by itself
        resource.setdefault("hash", "")
        return
    for key in _SAME_FILE_KEYS:
        if key not in resource and current.get(key):
            resource[key] = current[key]
    for key in ("size", "mimetype"):
        if resource.get(key) in (None, "") and current.get(key) not in (None, ""):
            resource[key] = current[key]


def before_resource_create(resource: dict[str, Any]) -> None:
    fill_from_upload(resource)


def before_resource_update(current: dict[str, Any], resource: dict[str, Any]) -> None:
    fill_from_upload(resource)
    keep_for_same_file(current, resource)
