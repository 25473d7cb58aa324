"""Harvest errors carrying an English msgid, rendered in the portal's language.

Messages end up stored in ckanext-harvest's error tables and are read later
by users, outside of any request: they are rendered in the site's default
locale (``ckan.locale_default``, French here) from the extension's catalogue.
"""

from __future__ import annotations

import functools
import os
from typing import Any

DOMAIN = "ckanext-opendata_collectivites"
_I18N = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n")


@functools.lru_cache(maxsize=4)
def _catalogue(locale: str) -> Any:
    from babel.support import Translations

    return Translations.load(_I18N, [locale], DOMAIN)


def site_locale() -> str:
    try:
        import ckan.plugins.toolkit as tk

        return tk.config.get("ckan.locale_default") or "fr"
    except Exception:  # noqa: BLE001 - outside CKAN (benchmarks, unit tests)
        return "fr"


def translate(msgid: str, locale: str | None = None, **params: Any) -> str:
    """``msgid`` translated into ``locale`` (default: the site's) and
    formatted with ``params``."""
    text = _catalogue(locale or site_locale()).gettext(msgid)
    try:
        return text % params if params else text
    except (KeyError, ValueError, TypeError):
        return msgid % params if params else msgid


class HarvestError(Exception):
    """A failure explained to the source's administrators."""

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = msgid
        self.params = params
        super().__init__(msgid % params if params else msgid)

    def message(self, locale: str | None = None) -> str:
        return translate(self.msgid, locale, **self.params)

    def __str__(self) -> str:
        return self.message()


class TransportError(HarvestError):
    """The source could not be reached or read safely (refused address,
    timeout, size limit, redirects, repeated server errors)."""
