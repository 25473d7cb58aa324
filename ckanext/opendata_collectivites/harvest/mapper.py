"""The single mapper: normalised record → the project's dataset dict.

Controlled values come from ``vocabularies`` only. What cannot be mapped is
kept where it is useful (unmatched themes become keywords) and reported in
``Mapping.notes`` (English msgids rendered later in the site's language).
"""

from __future__ import annotations

import functools
import hashlib
import pathlib
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import yaml
from slugify import slugify
from stdnum.fr import siren

from ckanext.opendata_collectivites import vocabularies as voc
from ckanext.opendata_collectivites.harvest.config import SourceConfig
from ckanext.opendata_collectivites.harvest.errors import translate
from ckanext.opendata_collectivites.harvest.extent import bbox_of
from ckanext.opendata_collectivites.harvest.record import Record
from ckanext.opendata_collectivites.vocabularies.geometry import territory_for_bbox

DATA = pathlib.Path(__file__).parent / "data"
NO_DESCRIPTION = "No description was provided by the source catalogue."
DEFAULT_LICENCE = "notspecified"
NAMESPACE = uuid.UUID("6f1c8a52-3d0e-4c57-9a56-0c3b3f7c2e11")
TAG_MAX = 100
_TAG_BAD = re.compile(r"[^\w \-.]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
GRANULARITY_KINDS = {
    "fr:commune": "Communale",
    "fr:epci": "Intercommunale",
    "fr:departement": "Départementale",
    "fr:region": "Régionale",
}


@dataclass
class Owner:
    """The collectivité that owns the source (its CKAN organisation)."""

    id: str
    name: str
    title: str = ""
    territory: str = ""


@dataclass
class Mapping:
    dataset: dict[str, Any]
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def local_id(source_id: str, guid: str) -> str:
    """Local dataset id: derived from the source and the stable remote id."""
    return str(uuid.uuid5(NAMESPACE, f"{source_id}|{guid}"))


def local_name(source_id: str, guid: str, title: str) -> str:
    """Readable, unique URL name: title slug plus a hash of source and id."""
    digest = hashlib.sha1(f"{source_id}|{guid}".encode()).hexdigest()[:8]
    stem = slugify(title, max_length=80, word_boundary=True) or "jeu-de-donnees"
    return f"{stem}-{digest}"


def _fold(value: str) -> str:
    value = unicodedata.normalize("NFKD", value)
    return "".join(c for c in value if not unicodedata.combining(c)).casefold().strip()


def clean_tag(keyword: str) -> str:
    """A CKAN-valid tag keeping the French label (accents and case kept):
    apostrophes and other punctuation become spaces, length 2..100."""
    tag = keyword.replace("’", " ").replace("'", " ").replace("/", "-")
    tag = _TAG_BAD.sub(" ", tag)
    tag = _SPACES.sub(" ", tag).strip(" -.")
    return tag[:TAG_MAX].strip()


def iso_date(value: str) -> str:
    """``YYYY-MM-DD`` from ISO dates/datetimes or ``DD/MM/YYYY``; "" otherwise."""
    value = (value or "").strip()
    if not value:
        return ""
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value)
    if match:
        try:
            return date(*map(int, match.groups())).isoformat()
        except ValueError:
            return ""
    match = re.match(r"^(\d{2})/(\d{2})/(\d{4})$", value)
    if match:
        d, m, y = map(int, match.groups())
        try:
            return date(y, m, d).isoformat()
        except ValueError:
            return ""
    if re.match(r"^\d{4}$", value):
        return f"{value}-01-01"
    try:
        return datetime.fromisoformat(value).date().isoformat()
    except ValueError:
        return ""


def _themes(
    record: Record, config: SourceConfig, notes: list[tuple[str, dict[str, Any]]]
) -> tuple[list[str], list[str]]:
    """Portal themes of the record, and the labels kept as keywords.

    A value is matched as a portal theme (the source's overrides, labels,
    synonyms), then as a concept of a known remote vocabulary (EU data themes,
    HVD categories, EuroVoc domains, INSPIRE themes), then split on commas.
    An unmatched label is kept as a keyword; an unmatched URI is dropped (a
    URI is no keyword). Both are reported.
    """
    slugs: list[str] = []
    unmatched: list[str] = []
    for label in record.themes:
        found = _theme_slugs(label, config)
        if found is None:
            if _is_uri(label):
                notes.append(
                    (
                        "Theme not recognised: %(value)s (dropped).",
                        {"value": label},
                    )
                )
                continue
            unmatched.append(label)
            notes.append(
                (
                    "Theme not recognised: %(value)s (kept as a keyword).",
                    {"value": label},
                )
            )
            continue
        for slug in found:
            if slug not in slugs:
                slugs.append(slug)
    for slug in config.default_themes:
        if slug not in slugs:
            slugs.append(slug)
    return slugs, unmatched


def _theme_slugs(label: str, config: SourceConfig) -> list[str] | None:
    """Portal theme slugs for one remote value; [] for a known concept with no
    portal theme; None when nothing is known of it."""
    theme = voc.match_theme(label, overrides=config.theme_overrides)
    if theme:
        return [theme.slug]
    remote = voc.match_remote_theme(label)
    if remote is not None:
        return [remote.slug] if remote.slug else []
    if _is_uri(label):
        return None
    parts = [
        voc.match_theme(p, overrides=config.theme_overrides)
        for p in re.split(r"[,;/]", label)
        if p.strip()
    ]
    found = [t.slug for t in parts if t]
    return found or None


def _is_uri(value: str) -> bool:
    return bool(re.match(r"^[a-z][a-z0-9+.-]*://", value.strip(), re.IGNORECASE))


def _tags(values: list[str]) -> list[dict[str, str]]:
    seen: set[str] = set()
    out = []
    for value in values:
        tag = clean_tag(value)
        if len(tag) < 2 or _fold(tag) in seen:
            continue
        seen.add(_fold(tag))
        out.append({"name": tag})
    return out


def _licence(
    record: Record, config: SourceConfig, notes: list[tuple[str, dict[str, Any]]]
) -> str | None:
    candidates = [record.licence, *record.licence_alt]
    for text in candidates:
        if text:
            found = voc.match_licence(text)
            if found:
                return found.id
    if record.licence:
        notes.append(("Licence not recognised: %(value)s.", {"value": record.licence}))
    if config.licence:
        found = voc.match_licence(config.licence) or voc.licence(config.licence)
        if found:
            return found.id
    return None


def _territories(
    record: Record,
    owner: Owner,
    config: SourceConfig,
    notes: list[tuple[str, dict[str, Any]]],
) -> list[str]:
    """Territories the source names (zone ids, INSEE URIs, official names);
    none when it names none: the owner's territory only if the source
    configuration says so (``default_territories``)."""
    out: list[str] = []
    ignored: list[str] = []
    for value in record.spatial:
        found = place(value)
        if found and found not in out:
            out.append(found)
        elif not found:
            ignored.append(value)
    if ignored:
        # Reported even when no place at all is recognised (udata's
        # ``country-subset:fr:metro``): nothing the source says is dropped
        # silently.
        notes.append(
            (
                "Place not recognised as a territory: %(value)s.",
                {"value": ", ".join(v[:80] for v in ignored[:3])},
            )
        )
    if not out:
        for value in config.default_territories:
            found = owner.territory if value == "owner" else value
            if found and found not in out:
                out.append(found)
    return out


@functools.lru_cache(maxsize=8192)
def place(value: str) -> str | None:
    """The portal territory id of a remote place (udata zone id, INSEE or
    GeoNames URI, portal id, official name, or a geometry whose extent is a
    territory's), or None."""
    value = value.strip()
    for pattern, template in _place_patterns():
        match = pattern.match(value)
        if match:
            found = voc.territory(match.expand(template))
            return found.id if found else None
    box = bbox_of(value)
    if box is not None:
        return territory_for_bbox(tuple(round(v, 3) for v in box))
    if (
        value.startswith(("http", "{", "<", "POLYGON", "POINT", "MULTI"))
        or ":" in value
    ):
        return None
    found = _territory_named(value)
    return found.id if found else None


@functools.lru_cache(maxsize=1)
def _place_patterns() -> list[tuple[re.Pattern[str], str]]:
    data = yaml.safe_load((DATA / "places.yaml").read_text(encoding="utf-8"))
    return [(re.compile(p["match"], re.IGNORECASE), p["id"]) for p in data["patterns"]]


@functools.lru_cache(maxsize=4096)
def _territory_named(name: str) -> Any:
    """The territory whose official name is exactly ``name`` (accents and
    case aside); cached: a catalogue repeats the same few names."""
    hits = voc.search_territories(name, limit=3)
    return next((t for t in hits if _fold(t.name) == _fold(name)), None)


def _granularity(value: str, notes: list[tuple[str, dict[str, Any]]]) -> str:
    """The SCDL granularity of a remote one: code, label, SCDL value or a
    synonym of the vocabulary (udata's ``poi``, ``fr:iris``, ``country``,
    ``other``); reported when none matches."""
    if not value:
        return ""
    concept = voc.match_concept("granularities", GRANULARITY_KINDS.get(value, value))
    if concept is None:
        notes.append(
            ("Spatial granularity not recognised: %(value)s.", {"value": value})
        )
        return ""
    return concept.code


def _schema(urls: list[str]) -> str:
    for url in urls:
        if voc.schema_by_url(url):
            return url
    return ""


def _languages(values: list[str], notes: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """EU language codes of BCP 47 tags (``en-US``), ISO 639 codes, EU
    authority URIs or names; French when the source names none."""
    out: list[str] = []
    for value in values:
        concept = voc.match_concept("languages", value) or voc.match_concept(
            "languages", re.split(r"[-_]", value.strip().rsplit("/", 1)[-1])[0]
        )
        if concept is None:
            notes.append(("Language not recognised: %(value)s.", {"value": value}))
        elif concept.code not in out:
            out.append(concept.code)
    return out or ([] if values else ["FRA"])


def map_record(
    record: Record, source_id: str, owner: Owner, config: SourceConfig
) -> Mapping:
    """The dataset dict for ``package_create``/``package_update``."""
    notes: list[tuple[str, dict[str, Any]]] = []
    themes, unmatched = _themes(record, config, notes)
    frequency = ""
    if record.frequency:
        concept = voc.match_frequency(record.frequency)
        if concept:
            frequency = concept.code
        else:
            notes.append(
                (
                    "Update frequency not recognised: %(value)s.",
                    {"value": record.frequency},
                )
            )
    dataset: dict[str, Any] = {
        "id": local_id(source_id, record.guid),
        "name": local_name(source_id, record.guid, record.title),
        "title": record.title[:500],
        "notes": record.description or translate(NO_DESCRIPTION),
        "owner_org": owner.id,
        "private": False,
        "url": record.landing_page,
        "identifier": record.identifier or record.landing_page,
        "themes": themes,
        "tags": _tags(record.keywords + unmatched + config.default_keywords),
        "territories": _territories(record, owner, config, notes),
        "language": _languages(record.language, notes),
        "access_rights": "PUBLIC",
    }
    dataset["license_id"] = _licence(record, config, notes) or DEFAULT_LICENCE
    optional = {
        "frequency": frequency,
        "temporal_start": iso_date(record.temporal_start),
        "temporal_end": iso_date(record.temporal_end),
        "issued": iso_date(record.issued),
        "modified": iso_date(record.modified),
        "contact_name": record.contact_name,
        "contact_email": record.contact_email,
        "spatial_granularity": _granularity(record.spatial_granularity, notes),
        "conforms_to": _schema(record.conforms_to),
    }
    if record.producer_name and _fold(record.producer_name) not in (
        _fold(owner.title),
        _fold(owner.name),
    ):
        optional["producer_name"] = record.producer_name
        if record.producer_siren and siren.is_valid(record.producer_siren):
            optional["producer_siren"] = record.producer_siren
        elif record.producer_siren:
            notes.append(
                (
                    "Invalid producer SIREN ignored: %(value)s.",
                    {"value": record.producer_siren},
                )
            )
    dataset.update({k: v for k, v in optional.items() if v})
    dataset["resources"] = [_resource(r) for r in record.resources]
    return Mapping(dataset, notes)


def _resource(resource: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "url": resource.url,
        "name": resource.name or resource.url,
        "description": resource.description,
        "format": resource.format,
    }
    if resource.mimetype:
        out["mimetype"] = resource.mimetype
    if resource.size is not None:
        out["size"] = resource.size
    if resource.access_url:
        out["access_url"] = resource.access_url
    if resource.conforms_to and voc.schema_by_url(resource.conforms_to):
        out["conforms_to"] = resource.conforms_to
    return out
