"""Source configuration (the JSON "configuration" of a harvest source) and
site settings of the harvester."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ckanext.opendata_collectivites.harvest.errors import HarvestError
from ckanext.opendata_collectivites.harvest.http import AddressPolicy, Limits

PLATFORMS = ("ckan", "ods", "udata", "dcat", "scdl")
ALLOWED_HOSTS_KEY = "ckanext.collectivites.harvest.allowed_hosts"
DEFAULT_GRACE_DAYS = 7.0


@dataclass
class SourceConfig:
    platform: str | None = None  # forced platform, else detected
    remote_organization: str | None = None  # CKAN org name / udata org slug
    refine: list[str] = field(default_factory=list)  # ODS "facet:value"
    default_themes: list[str] = field(default_factory=list)
    default_keywords: list[str] = field(default_factory=list)
    # territories asserted when a record names none ("owner": the owner's)
    default_territories: list[str] = field(default_factory=list)
    licence: str | None = None  # default licence when the source has none
    theme_overrides: dict[str, str] = field(default_factory=dict)
    grace_days: float = DEFAULT_GRACE_DAYS

    @classmethod
    def parse(cls, text: str | None) -> SourceConfig:
        """Parse and validate; raises :class:`HarvestError` (French message)."""
        if not text or not text.strip():
            return cls()
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise HarvestError(
                "The configuration is not valid JSON: %(error)s", error=str(exc)
            ) from exc
        if not isinstance(data, dict):
            raise HarvestError("The configuration must be a JSON object.")
        unknown = sorted(set(data) - set(cls.__dataclass_fields__))
        if unknown:
            raise HarvestError(
                "Unknown configuration keys: %(keys)s. Allowed: %(allowed)s.",
                keys=", ".join(unknown),
                allowed=", ".join(cls.__dataclass_fields__),
            )
        conf = cls()
        platform = data.get("platform")
        if platform is not None and platform not in PLATFORMS:
            raise HarvestError(
                "Unknown platform %(value)s; use one of: %(allowed)s.",
                value=platform,
                allowed=", ".join(PLATFORMS),
            )
        conf.platform = platform
        conf.remote_organization = _opt_str(data, "remote_organization")
        conf.licence = _opt_str(data, "licence")
        conf.refine = _str_list(data, "refine")
        conf.default_themes = _str_list(data, "default_themes")
        conf.default_keywords = _str_list(data, "default_keywords")
        conf.default_territories = _str_list(data, "default_territories")
        _check_territories(conf)
        overrides = data.get("theme_overrides", {})
        if not isinstance(overrides, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in overrides.items()
        ):
            raise HarvestError(
                "theme_overrides must map remote theme labels to portal theme slugs."
            )
        conf.theme_overrides = overrides
        grace = data.get("grace_days", DEFAULT_GRACE_DAYS)
        if isinstance(grace, bool) or not isinstance(grace, (int, float)) or grace < 0:
            raise HarvestError("grace_days must be a number of days, 0 or more.")
        conf.grace_days = float(grace)
        _check_themes(conf)
        return conf


def _opt_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise HarvestError("%(key)s must be a non-empty text.", key=key)
    return value.strip()


def _str_list(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise HarvestError("%(key)s must be a list of texts.", key=key)
    return [v.strip() for v in value if v.strip()]


def _check_territories(conf: SourceConfig) -> None:
    from ckanext.opendata_collectivites import vocabularies as voc

    for value in conf.default_territories:
        if value != "owner" and voc.territory(value) is None:
            raise HarvestError(
                "Unknown territory %(value)s in default_territories: use official "
                "codes (commune:35238, epci:243500139, departement:35, region:53, "
                'pays:FR) or "owner" for the territory of the owner organisation.',
                value=value,
            )


def _check_themes(conf: SourceConfig) -> None:
    from ckanext.opendata_collectivites import vocabularies as voc

    known = {t.slug for t in voc.portal_themes()}
    for slug in list(conf.default_themes) + list(conf.theme_overrides.values()):
        if slug not in known:
            raise HarvestError(
                "Unknown portal theme %(slug)s; known themes: %(known)s.",
                slug=slug,
                known=", ".join(sorted(known)),
            )


def site_policy() -> AddressPolicy:
    """Address policy from the site configuration (never from a source)."""
    import ckan.plugins.toolkit as tk

    return AddressPolicy.from_strings(tk.aslist(tk.config.get(ALLOWED_HOSTS_KEY, "")))


def site_limits() -> Limits:
    import ckan.plugins.toolkit as tk

    limits = Limits()
    prefix = "ckanext.collectivites.harvest."
    for name, cast in (
        ("max_bytes", int),
        ("read_timeout", float),
        ("connect_timeout", float),
        ("deadline", float),
        ("retries", int),
        ("max_redirects", int),
    ):
        value = tk.config.get(prefix + name)
        if value not in (None, ""):
            setattr(limits, name, cast(value))
    return limits
