"""The normalised record: what every platform adapter produces.

Values are kept as the source wrote them (labels, free text); the mapper
turns them into the project's controlled values. A record is JSON-able and is
stored as the content of a ckanext-harvest object.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass
class Resource:
    url: str
    name: str = ""
    description: str = ""
    format: str = ""
    mimetype: str = ""
    size: int | None = None
    access_url: str = ""
    conforms_to: str = ""
    key: str = ""  # stable key within the dataset (format, attachment id)


@dataclass
class Record:
    """One remote dataset, platform-neutral."""

    guid: str  # stable remote id (ODS dataset_uid, CKAN id, udata id, URI)
    title: str
    platform: str
    description: str = ""
    themes: list[str] = field(default_factory=list)  # remote labels
    keywords: list[str] = field(default_factory=list)
    licence: str = ""  # remote label, id or URL
    licence_alt: list[str] = field(default_factory=list)  # other spellings
    frequency: str = ""
    temporal_start: str = ""
    temporal_end: str = ""
    spatial: list[str] = field(default_factory=list)  # remote labels / codes
    spatial_granularity: str = ""
    contact_name: str = ""
    contact_email: str = ""
    producer_name: str = ""
    producer_siren: str = ""
    conforms_to: list[str] = field(default_factory=list)
    landing_page: str = ""
    identifier: str = ""  # remote public identifier / URI
    issued: str = ""
    modified: str = ""
    language: list[str] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    remote_org: str = ""

    def to_json(self) -> str:
        return json.dumps(_plain(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Record:
        data = json.loads(text)
        data["resources"] = [Resource(**r) for r in data.get("resources", [])]
        return cls(**data)

    def normalised(self) -> dict[str, Any]:
        """The record as compared between runs: text trimmed, unordered
        lists (themes, keywords, places, ...) as sorted sets, resources in
        a fixed order. Equal for two reads of the same remote content."""
        data = _plain(self, trim=True)
        for name in UNORDERED:
            data[name] = sorted(set(data[name]))
        data["resources"] = sorted(
            data["resources"], key=lambda r: json.dumps(r, sort_keys=True)
        )
        return data

    def fingerprint(self) -> str:
        """Content hash of the normalised record: equal fingerprints mean
        nothing changed remotely."""
        text = json.dumps(self.normalised(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def dedup_keys(self) -> list[str]:
        """Keys under which two paths to the same dataset meet: stable
        identifiers only (the public identifier / URI). A landing page is not
        an identity: distinct datasets may share one."""
        value = self.identifier.strip().rstrip("/").lower()
        return [value] if value else []

    def landing_key(self) -> str:
        """The landing page, compared loosely (for the near-duplicate notes)."""
        return self.landing_page.strip().rstrip("/").lower()


UNORDERED = (
    "themes",
    "keywords",
    "licence_alt",
    "spatial",
    "conforms_to",
    "language",
)


def _plain(value: Any, trim: bool = False) -> Any:
    """``dataclasses.asdict`` for records (Record, Resource; lists and dicts
    of them), without its deep copies; strings stripped when ``trim``."""
    if isinstance(value, str):
        return value.strip() if trim else value
    if isinstance(value, list):
        return [_plain(v, trim) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v, trim) for k, v in value.items()}
    names = _FIELDS.get(type(value))
    if names is not None:
        return {name: _plain(getattr(value, name), trim) for name in names}
    return value


@dataclass
class RecordError:
    """A remote record the adapter could not read; becomes an object error."""

    guid: str
    msgid: str
    params: dict[str, Any] = field(default_factory=dict)


_FIELDS = {cls: tuple(f.name for f in fields(cls)) for cls in (Record, Resource)}
