"""DCAT-specific mappings read from ``data/dcat.yaml`` (publisher types, file types)."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from typing import Any

import yaml

DATA_FILE = os.path.join(os.path.dirname(__file__), "data", "dcat.yaml")


@dataclass(frozen=True)
class FileType:
    """A CKAN format label mapped to the EU file-type NAL and IANA."""

    label: str
    code: str | None
    uri: str | None
    media_type: str | None
    open: bool
    machine_readable: bool
    service: bool


@functools.lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    with open(DATA_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)


@functools.lru_cache(maxsize=1)
def _file_types() -> tuple[
    dict[str, FileType], dict[str, FileType], dict[str, FileType]
]:
    raw = _data()["file_types"]
    base = raw["base"]
    by_label: dict[str, FileType] = {}
    for label, v in raw["formats"].items():
        code = v.get("code")
        by_label[label] = FileType(
            label=label,
            code=code,
            uri=f"{base}{code}" if code else None,
            media_type=v.get("media_type"),
            open=bool(v.get("open")),
            machine_readable=bool(v.get("machine_readable")),
            service=bool(v.get("service")),
        )
    for alias, target in raw.get("aliases", {}).items():
        by_label[alias] = by_label[target]
    by_uri = {ft.uri: ft for ft in by_label.values() if ft.uri}
    by_media = {ft.media_type: ft for ft in by_label.values() if ft.media_type}
    return by_label, by_uri, by_media


def file_type(fmt: str | None) -> FileType | None:
    """File type of a CKAN format label (case-insensitive, ``.csv`` accepted)."""
    if not fmt:
        return None
    key = str(fmt).strip().lstrip(".").upper()
    by_label, by_uri, by_media = _file_types()
    return (
        by_label.get(key)
        or by_uri.get(str(fmt).strip())
        or by_media.get(str(fmt).strip().lower())
    )


def file_type_by_uri(uri: str) -> FileType | None:
    return _file_types()[1].get(uri)


def schema_fits(schema_type: str, ftype: FileType | None) -> bool:
    """Whether a file of type ``ftype`` can follow a schema of ``schema_type``."""
    formats = _data().get("schema_formats", {}).get(schema_type or "", [])
    return ftype is not None and ftype.code in formats


def file_types_scheme() -> str:
    return _data()["file_types"]["scheme"]


def iana_base() -> str:
    return _data()["iana_media_types_base"]


def publisher_type(collectivite_type: str | None) -> tuple[str, str] | None:
    """(URI, label) of the ADMS publisher type of a collectivité type."""
    raw = _data()["publisher_types"]
    code = raw["by_collectivite_type"].get(collectivite_type or "")
    if not code:
        return None
    return f"{raw['base']}{code}", raw["labels"][code]


def publisher_types_scheme() -> str:
    return _data()["publisher_types"]["scheme"]
