"""Validators of the scheming schemas (dataset, resource, collectivité).

Every message names the field and the expected form, in English msgids translated
by ``i18n/src/schemas.fr.po``. Validators only ask :mod:`..vocabularies`.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlparse

import ckan.plugins.toolkit as tk
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from ckanext.opendata_collectivites import vocabularies as voc

_ = tk._
Invalid = tk.Invalid
StopOnError = tk.StopOnError
missing = tk.missing

COLLECTIVITE_TYPES = ("commune", "epci", "departement", "region", "syndicat", "autre")
EPCI_KINDS = ("METRO", "CU", "CA", "CC", "EPT")
#: territory kind a collectivité type must point at (None: any kind, optional)
TYPE_TO_KIND = {
    "commune": "commune",
    "epci": "epci",
    "departement": "departement",
    "region": "region",
}
OBLIGATION_THRESHOLD = 3500
SCHEMA_HOST = "schema.data.gouv.fr"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DURATION = re.compile(
    r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _empty(value: Any) -> bool:
    return value is missing or value is None or value == "" or value == []


def _as_list(value: Any) -> list[str]:
    """A list from a list, a JSON list string or a comma-separated string."""
    if _empty(value):
        return []
    if isinstance(value, (list, tuple)):
        items: Iterable[Any] = value
    else:
        text = str(value).strip()
        if text.startswith("["):
            try:
                items = json.loads(text)
            except ValueError:
                items = text.strip("[]").split(",")
        else:
            items = text.split(",")
    out: list[str] = []
    for item in items:
        s = str(item).strip().strip('"').strip()
        if s and s not in out:
            out.append(s)
    return out


def _dump(values: list[str]) -> str:
    return json.dumps(values, ensure_ascii=False)


# --- identifiers -------------------------------------------------------------------


def check_siren(value: str, label: str) -> str:
    """Normalised SIREN or :class:`Invalid` naming ``label``."""
    compact = re.sub(r"[\s.\-]", "", str(value))
    if not compact.isdigit() or len(compact) != 9:
        raise Invalid(
            _("{field}: expected 9 digits (e.g. 243500139), got “{value}”.").format(
                field=label, value=value
            )
        )
    if not stdnum_siren.is_valid(compact):
        raise Invalid(
            _(
                "{field}: {value} is not a valid SIREN, its check digit (Luhn) is "
                "wrong; check the number on annuaire-entreprises.data.gouv.fr."
            ).format(field=label, value=compact)
        )
    return compact


def collectivites_siren(value: Any, context: Any) -> Any:
    if _empty(value):
        return value
    return check_siren(value, _("SIREN"))


def collectivites_producer_siren(value: Any, context: Any) -> Any:
    if _empty(value):
        return value
    return check_siren(value, _("Producer SIREN"))


# --- territories -------------------------------------------------------------------


def _territory_error(label: str, value: str) -> Invalid:
    kind, _sep, code = value.partition(":")
    hint = ""
    other = voc.territory_by_siren(code) if code else None
    if other is None and not _sep:
        other = voc.territory_by_siren(value)
    if other is not None and other.kind != kind:
        hint = " " + _(
            "{code} is the SIREN of {name} ({kind}), not a {wanted} code: use {id}."
        ).format(
            code=other.siren,
            name=other.name,
            kind=_(voc.territories.KIND_LABELS[other.kind]),
            wanted=kind or _("commune"),
            id=other.id,
        )
    elif kind in voc.TERRITORY_KINDS and code:
        hint = " " + _(
            "No {kind} has the code {code} in the official geography."
        ).format(kind=_(voc.territories.KIND_LABELS[kind]), code=code)
    return Invalid(
        _(
            "{field}: unknown territory “{value}”; expected <kind>:<code> with kind "
            "commune, epci, departement, region or pays (e.g. commune:75056, "
            "epci:243500139, departement:35)."
        ).format(field=label, value=value)
        + hint
    )


def resolve_territory(value: str, label: str) -> voc.Territory:
    """The territory of an id (bare commune codes and EPCI SIRENs are accepted)."""
    text = str(value).strip()
    found = voc.territory(text)
    if found is None and ":" not in text:
        upper = text.upper()
        found = voc.territory(f"commune:{upper}")
        if found is None and upper.isdigit() and len(upper) == 9:
            by_siren = voc.territory_by_siren(upper)
            found = by_siren if by_siren and by_siren.kind == "epci" else None
    if found is None:
        raise _territory_error(label, text)
    return found


def collectivites_territory(value: Any, context: Any) -> Any:
    if _empty(value):
        return value
    return resolve_territory(value, _("Territory")).id


def collectivites_territories(value: Any, context: Any) -> Any:
    if _empty(value):
        return "" if value is not missing else value
    ids = [resolve_territory(v, _("Spatial coverage")).id for v in _as_list(value)]
    return _dump(list(dict.fromkeys(ids)))


# --- vocabularies ------------------------------------------------------------------


def _expected(codes: Iterable[str], limit: int = 50) -> str:
    codes = list(codes)
    more = "…" if len(codes) > limit else ""
    return ", ".join(codes[:limit]) + more


def collectivites_themes(value: Any, context: Any) -> Any:
    if _empty(value):
        return "" if value is not missing else value
    slugs = []
    for item in _as_list(value):
        theme = voc.portal_theme(item) or voc.match_theme(item)
        if theme is None:
            raise Invalid(
                _(
                    "{field}: “{value}” is not a theme of the portal; expected one or "
                    "more of: {expected}."
                ).format(
                    field=_("Themes"),
                    value=item,
                    expected=_expected([t.slug for t in voc.portal_themes()], 20),
                )
            )
        slugs.append(theme.slug)
    return _dump(list(dict.fromkeys(slugs)))


def _concept_validator(
    vocabulary: str, label: str, multiple: bool = False, tolerant: bool = False
) -> Callable[[Any, Any], Any]:
    def validator(value: Any, context: Any) -> Any:
        if _empty(value):
            return "" if multiple and value is not missing else value
        codes = []
        items = _as_list(value) if multiple else [str(value).strip()]
        for item in items:
            found = voc.concept(vocabulary, item) or voc.concept_by_uri(
                vocabulary, item
            )
            if found is None and tolerant:
                found = voc.match_concept(vocabulary, item)
            if found is None:
                raise Invalid(
                    _(
                        "{field}: unknown value “{value}”; expected one of: {expected}."
                    ).format(
                        field=_(label),
                        value=item,
                        expected=_expected(c.code for c in voc.concepts(vocabulary)),
                    )
                )
            codes.append(found.code)
        if multiple:
            return _dump(list(dict.fromkeys(codes)))
        return codes[0]

    validator.__name__ = f"collectivites_{vocabulary}"
    return validator


def collectivites_license_id(value: Any, context: Any) -> Any:
    if _empty(value):
        return value
    text = str(value).strip()
    found = voc.licence(text) or voc.match_licence(text)
    if found is None:
        raise Invalid(
            _(
                "{field}: unknown licence “{value}”; expected one of: {expected}."
            ).format(
                field=_("Licence"),
                value=text,
                expected=_expected((x.id for x in voc.licences()), 20),
            )
        )
    return found.id


def collectivites_conforms_to(value: Any, context: Any) -> Any:
    if _empty(value):
        return value
    url = str(value).strip()
    if voc.schema_by_url(url):
        return url
    label = _("Conforms to schema")
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise Invalid(
            _(
                "{field}: expected the exact URL of a versioned schema, e.g. "
                "https://schema.data.gouv.fr/schemas/scdl/deliberations/2.1.5/schema.json"
            ).format(field=label)
        )
    if parsed.netloc != SCHEMA_HOST:
        return url  # an external schema: kept as is (data.gouv.fr does the same)
    m = re.match(r"^/schemas/([^/]+/[^/]+)/([^/]+)/", parsed.path)
    versions = voc.schema_versions(m.group(1)) if m else []
    if versions:
        raise Invalid(
            _(
                "{field}: version “{version}” of the schema {name} does not exist; "
                "expected one of: {expected} (e.g. {example})."
            ).format(
                field=label,
                version=m.group(2),
                name=m.group(1),
                expected=", ".join(v.version for v in versions),
                example=versions[-1].url,
            )
        )
    raise Invalid(
        _(
            "{field}: “{value}” is not a schema of schema.data.gouv.fr; expected the "
            "exact versioned URL listed in its catalogue (schemas.json)."
        ).format(field=label, value=url)
    )


# --- generic forms -----------------------------------------------------------------


def _field_label(key: Any) -> str:
    name = key[-1] if isinstance(key, tuple) else key
    return _(FIELD_LABELS.get(str(name), str(name)))


FIELD_LABELS = {
    "temporal_start": "Temporal coverage start",
    "temporal_end": "Temporal coverage end",
    "issued": "Issued",
    "modified": "Modified",
    "url": "Landing page",
    "identifier": "Identifier",
    "contact_email": "Contact email",
    "email": "Email",
    "website": "Website",
    "access_url": "Access URL",
    "temporal_resolution": "Temporal resolution",
    "size": "Size",
}


def collectivites_iso_date(key: Any, data: dict, errors: dict, context: Any) -> None:
    value = data.get(key)
    if _empty(value):
        return
    text = str(value).strip()
    if isinstance(value, (datetime.date, datetime.datetime)):
        text = value.isoformat()[:10]
    elif len(text) > 10 and _DATE.match(text[:10]) and text[10] in "T ":
        text = text[:10]
    try:
        if not _DATE.match(text):
            raise ValueError(text)
        datetime.date.fromisoformat(text)
    except ValueError:
        errors[key].append(
            _("{field}: expected a date in the form YYYY-MM-DD, got “{value}”.").format(
                field=_field_label(key), value=value
            )
        )
        return
    data[key] = text


def _is_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return bool(_DATE.match(text))


def collectivites_temporal_end(
    key: Any, data: dict, errors: dict, context: Any
) -> None:
    end = data.get(key)
    start_key = key[:-1] + ("temporal_start",)
    start = data.get(start_key)
    if _empty(end) or _empty(start) or errors.get(key) or errors.get(start_key):
        return
    if not (_is_date(str(start)[:10]) and _is_date(str(end)[:10])):
        return  # the date validators report malformed dates
    if str(end)[:10] < str(start)[:10]:
        errors[key].append(
            _("{field}: the end ({end}) is before the start ({start}).").format(
                field=_("Temporal coverage"), end=end, start=start
            )
        )


def collectivites_url(key: Any, data: dict, errors: dict, context: Any) -> None:
    value = data.get(key)
    if _empty(value):
        return
    text = str(value).strip()
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or " " in text:
        errors[key].append(
            _("{field}: expected an address starting with https:// or http://.").format(
                field=_field_label(key)
            )
        )
        return
    data[key] = text


def collectivites_unique_identifier(
    key: Any, data: dict, errors: dict, context: Any
) -> None:
    """``identifier`` is the dataset's ``dct:identifier`` in the DCAT feed:
    aggregators (data.gouv.fr) refuse a second dataset with the same one, so
    no two datasets of the portal may share it (drafts and deleted ones
    aside)."""
    value = data.get(key)
    if _empty(value) or errors.get(key):
        return
    from ckanext.opendata_collectivites.compat.extras import package_with_extra

    pkg = context.get("package")
    own_id = data.get(("id",)) or (pkg.id if pkg is not None else "")
    other = package_with_extra("identifier", str(value).strip(), own_id or "")
    if other is not None:
        errors[key].append(
            _(
                "{field}: already the identifier of the dataset « {name} »; each "
                "dataset needs its own (aggregators refuse duplicates)."
            ).format(field=_field_label(key), name=other)
        )


def collectivites_email(key: Any, data: dict, errors: dict, context: Any) -> None:
    value = data.get(key)
    if _empty(value):
        return
    text = str(value).strip()
    if not _EMAIL.match(text):
        errors[key].append(
            _("{field}: expected an email address such as contact@ville.fr.").format(
                field=_field_label(key)
            )
        )
        return
    data[key] = text


def collectivites_duration(key: Any, data: dict, errors: dict, context: Any) -> None:
    value = data.get(key)
    if _empty(value):
        return
    text = str(value).strip().upper()
    if not _DURATION.match(text):
        errors[key].append(
            _("{field}: expected an ISO 8601 duration such as P1D, P1M or P1Y.").format(
                field=_field_label(key)
            )
        )
        return
    data[key] = text


def collectivites_json_list_output(value: Any) -> Any:
    """Stored JSON list -> list (output side of the list fields)."""
    if isinstance(value, list):
        return value
    return _as_list(value)


# --- collectivité (organisation) -----------------------------------------------------


def _org_value(data: dict, key: Any, name: str) -> Any:
    value = data.get(key[:-1] + (name,))
    return None if _empty(value) else value


def _org_territory(data: dict, key: Any) -> voc.Territory | None:
    """The collectivité's territory, whatever the order fields are validated in
    (navl validates keys alphabetically: ``siren`` before ``territory``)."""
    value = _org_value(data, key, "territory")
    if value is None:
        return None
    try:
        return resolve_territory(value, "")
    except Invalid:
        return None


def collectivites_collectivite_type(value: Any, context: Any) -> Any:
    if _empty(value):
        raise Invalid(
            _("{field}: required; expected one of: {expected}.").format(
                field=_("Type of collectivité"), expected=", ".join(COLLECTIVITE_TYPES)
            )
        )
    if value not in COLLECTIVITE_TYPES:
        raise Invalid(
            _("{field}: unknown value “{value}”; expected one of: {expected}.").format(
                field=_("Type of collectivité"),
                value=value,
                expected=", ".join(COLLECTIVITE_TYPES),
            )
        )
    return value


def collectivites_epci_kind(key: Any, data: dict, errors: dict, context: Any) -> None:
    value = data.get(key)
    ctype = _org_value(data, key, "collectivite_type")
    if _empty(value):
        data.pop(key, None)
        if ctype == "epci":
            errors[key].append(
                _("{field}: required for an EPCI; expected one of: {expected}.").format(
                    field=_("EPCI kind"), expected=", ".join(EPCI_KINDS)
                )
            )
        raise StopOnError
    if ctype != "epci":
        errors[key].append(
            _("{field}: only for an EPCI; leave it empty for a {type}.").format(
                field=_("EPCI kind"), type=ctype or "?"
            )
        )
        return
    if value not in EPCI_KINDS:
        errors[key].append(
            _("{field}: unknown value “{value}”; expected one of: {expected}.").format(
                field=_("EPCI kind"), value=value, expected=", ".join(EPCI_KINDS)
            )
        )
        return
    territory = _org_territory(data, key)
    if territory is not None and territory.epci_kind and territory.epci_kind != value:
        errors[key].append(
            _("{field}: {name} is a {expected} in the official geography.").format(
                field=_("EPCI kind"), name=territory.name, expected=territory.epci_kind
            )
        )


def collectivites_org_territory(
    key: Any, data: dict, errors: dict, context: Any
) -> None:
    """The territory must exist and be of the kind the collectivité type implies."""
    value = data.get(key)
    ctype = _org_value(data, key, "collectivite_type")
    wanted = TYPE_TO_KIND.get(ctype or "")
    if _empty(value):
        data.pop(key, None)
        if wanted:
            errors[key].append(
                _("{field}: required for a {type}; expected {kind}:<code>.").format(
                    field=_("Territory"), type=ctype, kind=wanted
                )
            )
        raise StopOnError
    try:
        territory = resolve_territory(value, _("Territory"))
    except Invalid as e:
        errors[key].append(e.error)
        return
    if wanted and territory.kind != wanted:
        errors[key].append(
            _(
                "{field}: {name} ({id}) is not a {kind}; a collectivité of type "
                "{type} expects {kind}:<code>."
            ).format(
                field=_("Territory"),
                name=territory.name,
                id=territory.id,
                kind=wanted,
                type=ctype,
            )
        )
        return
    data[key] = territory.id


def collectivites_org_siren(key: Any, data: dict, errors: dict, context: Any) -> None:
    """SIREN: Luhn-valid and consistent with the territory's reference SIREN."""
    value = data.get(key)
    if _empty(value):
        return
    try:
        siren = check_siren(value, _("SIREN"))
    except Invalid as e:
        errors[key].append(e.error)
        return
    data[key] = siren
    territory = _org_territory(data, key)
    ctype = _org_value(data, key, "collectivite_type")
    owner = voc.territory_by_siren(siren)
    if territory is not None and territory.siren and territory.siren != siren:
        errors[key].append(
            _(
                "{field}: {value} does not match {name} ({id}), whose SIREN is "
                "{expected} in the official geography."
            ).format(
                field=_("SIREN"),
                value=siren,
                name=territory.name,
                id=territory.id,
                expected=territory.siren,
            )
        )
    elif owner is not None and territory is None and TYPE_TO_KIND.get(ctype or ""):
        errors[key].append(
            _("{field}: {value} is the SIREN of {name} ({id}).").format(
                field=_("SIREN"), value=siren, name=owner.name, id=owner.id
            )
        )
    elif owner is not None and territory is not None and owner.id != territory.id:
        errors[key].append(
            _("{field}: {value} is the SIREN of {name} ({id}), not of {other}.").format(
                field=_("SIREN"),
                value=siren,
                name=owner.name,
                id=owner.id,
                other=territory.name,
            )
        )


def collectivites_org_siret(key: Any, data: dict, errors: dict, context: Any) -> None:
    """SIRET of the collectivité's seat: 14 digits, Luhn-valid, within its SIREN."""
    value = data.get(key)
    if _empty(value):
        return
    label = _("SIRET")
    compact = re.sub(r"[\s.\-]", "", str(value))
    if not compact.isdigit() or len(compact) != 14:
        errors[key].append(
            _("{field}: expected 14 digits (SIREN + NIC), got “{value}”.").format(
                field=label, value=value
            )
        )
        return
    if not stdnum_siret.is_valid(compact):
        errors[key].append(
            _(
                "{field}: {value} is not a valid SIRET, its check digit (Luhn) is "
                "wrong; check the number on annuaire-entreprises.data.gouv.fr."
            ).format(field=label, value=compact)
        )
        return
    siren = re.sub(r"\D", "", str(_org_value(data, key, "siren") or ""))
    if siren and not compact.startswith(siren):
        errors[key].append(
            _("{field}: {value} does not belong to SIREN {siren}.").format(
                field=label, value=compact, siren=siren
            )
        )
        return
    data[key] = compact


def collectivites_population(key: Any, data: dict, errors: dict, context: Any) -> None:
    """Read-only: the population of the territory in the reference data."""
    territory = _org_territory(data, key)
    data[key] = str(territory.population) if territory and territory.population else ""


def collectivites_opendata_obligation(
    key: Any, data: dict, errors: dict, context: Any
) -> None:
    """Derived: local authorities of 3,500 inhabitants or more must open their data."""
    territory = _org_territory(data, key)
    ctype = _org_value(data, key, "collectivite_type")
    pop = territory.population if territory else None
    applies = bool(pop and pop >= OBLIGATION_THRESHOLD and ctype in TYPE_TO_KIND)
    data[key] = "true" if applies else "false"


def collectivites_boolean_output(value: Any) -> Any:
    return str(value).lower() in ("true", "1", "yes", "on")


def collectivites_int_output(value: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def collectivites_parent(key: Any, data: dict, errors: dict, context: Any) -> None:
    value = data.get(key)
    if _empty(value):
        return
    from ckan import model

    name = str(value).strip()
    group = model.Group.get(name)
    own = _org_value(data, key, "name")
    own_id = _org_value(data, key, "id")
    if group is None or not group.is_organization or group.state != "active":
        errors[key].append(
            _(
                "{field}: no collectivité named “{value}” on the portal; expected the "
                "name (URL slug) of an existing organisation, e.g. rennes-metropole."
            ).format(field=_("Parent collectivité"), value=name)
        )
        return
    if group.name == own or (own_id and group.id == own_id):
        errors[key].append(
            _("{field}: a collectivité cannot be its own parent.").format(
                field=_("Parent collectivité")
            )
        )
        return
    data[key] = group.name


def get_validators() -> dict[str, Callable[..., Any]]:
    return {
        "collectivites_siren": collectivites_siren,
        "collectivites_producer_siren": collectivites_producer_siren,
        "collectivites_territory": collectivites_territory,
        "collectivites_territories": collectivites_territories,
        "collectivites_themes": collectivites_themes,
        "collectivites_frequency": _concept_validator(
            "frequencies", "Update frequency", tolerant=True
        ),
        "collectivites_access_rights": _concept_validator(
            "access_rights", "Access rights"
        ),
        "collectivites_languages": _concept_validator(
            "languages", "Language", multiple=True, tolerant=True
        ),
        "collectivites_hvd_categories": _concept_validator(
            "hvd_categories", "High-value dataset category", multiple=True
        ),
        "collectivites_granularity": _concept_validator(
            "granularities", "Spatial granularity", tolerant=True
        ),
        "collectivites_license_id": collectivites_license_id,
        "collectivites_conforms_to": collectivites_conforms_to,
        "collectivites_iso_date": collectivites_iso_date,
        "collectivites_temporal_end": collectivites_temporal_end,
        "collectivites_url": collectivites_url,
        "collectivites_unique_identifier": collectivites_unique_identifier,
        "collectivites_email": collectivites_email,
        "collectivites_duration": collectivites_duration,
        "collectivites_json_list_output": collectivites_json_list_output,
        "collectivites_collectivite_type": collectivites_collectivite_type,
        "collectivites_epci_kind": collectivites_epci_kind,
        "collectivites_org_territory": collectivites_org_territory,
        "collectivites_org_siren": collectivites_org_siren,
        "collectivites_org_siret": collectivites_org_siret,
        "collectivites_population": collectivites_population,
        "collectivites_opendata_obligation": collectivites_opendata_obligation,
        "collectivites_boolean_output": collectivites_boolean_output,
        "collectivites_int_output": collectivites_int_output,
        "collectivites_parent": collectivites_parent,
    }
