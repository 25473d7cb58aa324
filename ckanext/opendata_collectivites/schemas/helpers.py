"""Template helpers of the schemas room (choices of the select fields, labels)."""

from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opendata_collectivites import vocabularies as voc
from ckanext.opendata_collectivites.schemas import validators as v

COLLECTIVITE_TYPE_LABELS = {
    "commune": "Commune",
    "epci": "EPCI (intercommunality)",
    "departement": "Département",
    "region": "Région",
    "syndicat": "Syndicat (joint authority)",
    "autre": "Other public body",
}
EPCI_KIND_LABELS = {
    "METRO": "Métropole",
    "CU": "Communauté urbaine",
    "CA": "Communauté d'agglomération",
    "CC": "Communauté de communes",
    "EPT": "Établissement public territorial",
}


def _english() -> bool:
    try:
        return tk.h.lang() == "en"
    except Exception:  # no request: default locale (fr)
        return False


def _concept_choices(concepts: list[voc.Concept]) -> list[dict[str, str]]:
    en = _english()
    return [{"value": c.code, "label": c.label_en if en else c.label} for c in concepts]


def theme_choices(field: Any = None) -> list[dict[str, str]]:
    en = _english()
    return [
        {"value": t.slug, "label": t.label_en if en else t.label}
        for t in voc.portal_themes()
    ]


def frequency_choices(field: Any = None) -> list[dict[str, str]]:
    return _concept_choices(voc.frequencies())


def granularity_choices(field: Any = None) -> list[dict[str, str]]:
    return _concept_choices(voc.granularities())


def language_choices(field: Any = None) -> list[dict[str, str]]:
    return _concept_choices(voc.languages())


def access_rights_choices(field: Any = None) -> list[dict[str, str]]:
    return _concept_choices(voc.access_rights())


def hvd_choices(field: Any = None) -> list[dict[str, str]]:
    return _concept_choices(voc.hvd_categories())


def licence_choices(field: Any = None) -> list[dict[str, str]]:
    en = _english()
    return [
        {"value": x.id, "label": x.title_en if en else x.title} for x in voc.licences()
    ]


def collectivite_type_choices(field: Any = None) -> list[dict[str, str]]:
    return [
        {"value": k, "label": tk._(COLLECTIVITE_TYPE_LABELS[k])}
        for k in v.COLLECTIVITE_TYPES
    ]


def epci_kind_choices(field: Any = None) -> list[dict[str, str]]:
    return [{"value": k, "label": tk._(EPCI_KIND_LABELS[k])} for k in v.EPCI_KINDS]


def territory_labels(value: Any) -> list[dict[str, str]]:
    """[{id, label}] for stored territory ids (unknown ids are shown as they are)."""
    out = []
    for tid in v._as_list(value):
        t = voc.territory(tid)
        out.append({"id": tid, "label": t.label if t else tid})
    return out


def schema_choices() -> list[dict[str, Any]]:
    """Schemas grouped by name, latest version first: [{name, title, versions}]."""
    groups: dict[str, dict[str, Any]] = {}
    for ref in voc.schemas():
        g = groups.setdefault(
            ref.name,
            {"name": ref.name, "title": ref.title, "scdl": ref.is_scdl, "versions": []},
        )
        g["versions"].insert(0, {"url": ref.url, "version": ref.version})
    return sorted(groups.values(), key=lambda g: (not g["scdl"], g["title"].lower()))


def schema_ref(url: str) -> voc.SchemaRef | None:
    return voc.schema_by_url(url)


def organization_label(name: str) -> str:
    """Title of an organisation by name (the name itself when unknown)."""
    if not name:
        return ""
    from ckan import model

    group = model.Group.get(name)
    return (group.title or group.name) if group else name


def obligation_threshold() -> int:
    return v.OBLIGATION_THRESHOLD


def format_population(value: Any) -> str:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return ""
    return f"{n:,}".replace(",", "\u202f")


def _is_empty(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return all(_is_empty(item) for item in value)
    return value is None


def shown_fields(
    fields: list[dict[str, Any]], data: dict[str, Any]
) -> list[dict[str, Any]]:
    """The schema fields of ``data`` worth a row on its page: those with a
    value (an empty optional field would be an empty row)."""
    return [f for f in fields if not _is_empty(data.get(f["field_name"]))]


_DURATION = re.compile(
    r"^P(?:(?P<Y>\d+)Y)?(?:(?P<M>\d+)M)?(?:(?P<W>\d+)W)?(?:(?P<D>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?$"
)


def duration_label(value: str) -> str:
    """An ISO 8601 duration in words (P1D → "1 day", PT15M → "15 minutes");
    the code itself when it is not one."""
    match = _DURATION.match(str(value or "").strip().upper())
    if not match or not any(match.groupdict().values()):
        return str(value or "")
    units = {
        "Y": ("{n} year", "{n} years"),
        "M": ("{n} month", "{n} months"),
        "W": ("{n} week", "{n} weeks"),
        "D": ("{n} day", "{n} days"),
        "h": ("{n} hour", "{n} hours"),
        "m": ("{n} minute", "{n} minutes"),
        "s": ("{n} second", "{n} seconds"),
    }
    parts = [
        tk.ungettext(one, many, int(n)).format(n=int(n))
        for key, (one, many) in units.items()
        if (n := match.group(key))
    ]
    return ", ".join(parts)


def get_helpers() -> dict[str, Any]:
    return {
        "collectivites_duration_label": duration_label,
        "collectivites_shown_fields": shown_fields,
        "collectivites_theme_choices": theme_choices,
        "collectivites_frequency_choices": frequency_choices,
        "collectivites_granularity_choices": granularity_choices,
        "collectivites_language_choices": language_choices,
        "collectivites_access_rights_choices": access_rights_choices,
        "collectivites_hvd_choices": hvd_choices,
        "collectivites_licence_choices": licence_choices,
        "collectivites_collectivite_type_choices": collectivite_type_choices,
        "collectivites_epci_kind_choices": epci_kind_choices,
        "collectivites_territory_labels": territory_labels,
        "collectivites_schema_choices": schema_choices,
        "collectivites_schema_ref": schema_ref,
        "collectivites_organization_label": organization_label,
        "collectivites_obligation_threshold": obligation_threshold,
        "collectivites_format_population": format_population,
    }
