"""The normalised record: what every platform adapter produces.

Values are kept as the source wrote them (labels, free text); the mapper
turns them into the project's controlled values. A record is JSON-able and is
stored as the content of a ckanext-harvest object.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
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
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Record:
        data = json.loads(text)
        data["resources"] = [Resource(**r) for r in data.get("resources", [])]
        return cls(**data)

    def fingerprint(self) -> str:
        """Content hash: equal fingerprints mean nothing changed remotely."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    def dedup_keys(self) -> list[str]:
        """Keys under which two paths to the same dataset meet."""
        keys = []
        for value in (self.identifier, self.landing_page):
            if value:
                keys.append(value.strip().rstrip("/").lower())
        return keys


@dataclass
class RecordError:
    """A remote record the adapter could not read; becomes an object error."""

    guid: str
    msgid: str
    params: dict[str, Any] = field(default_factory=dict)
