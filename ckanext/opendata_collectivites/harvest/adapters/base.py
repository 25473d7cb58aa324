"""What every platform adapter shares: the interface, paging guards, text
helpers. Adapters read remote catalogues into records; they never write."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from ckanext.opendata_collectivites.harvest.config import SourceConfig
from ckanext.opendata_collectivites.harvest.errors import HarvestError
from ckanext.opendata_collectivites.harvest.http import HttpClient
from ckanext.opendata_collectivites.harvest.record import Record, RecordError

MAX_PAGES = 2000
PAGE_SIZE = 100

Item = Record | RecordError


@dataclass
class Detected:
    """What detection found behind a source URL."""

    platform: str
    api_url: str  # the endpoint the adapter reads
    version: str = ""  # e.g. ODS "v2.1", "v2.0", "v1"
    total: int | None = None  # datasets announced by the source, if any
    organization: str = ""  # remote organisation filter in effect

    def describe(self) -> dict[str, object]:
        return {
            "platform": self.platform,
            "api_url": self.api_url,
            "version": self.version,
            "total": self.total,
            "organization": self.organization,
        }


class Adapter(Protocol):
    platform: str

    def records(
        self, client: HttpClient, detected: Detected, config: SourceConfig
    ) -> Iterator[Item]:
        """Every record of the catalogue; raises :class:`HarvestError` when
        the catalogue cannot be read completely."""


class PageGuard:
    """Stops paging loops: a page that repeats an earlier one, or too many
    pages."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.pages = 0
        self.seen_pages: set[tuple[str, ...]] = set()

    def check(self, ids: list[str]) -> None:
        self.pages += 1
        if self.pages > MAX_PAGES:
            raise HarvestError(
                "Paging of %(url)s does not end (more than %(n)s pages).",
                url=self.url,
                n=MAX_PAGES,
            )
        key = tuple(ids)
        if ids and key in self.seen_pages:
            raise HarvestError(
                "Paging of %(url)s repeats the same page: the catalogue cannot be "
                "read completely.",
                url=self.url,
            )
        self.seen_pages.add(key)


def base_url(url: str, markers: tuple[str, ...]) -> str:
    """The portal root of ``url``: everything before the first marker path."""
    parts = urlsplit(url)
    path = parts.path
    for marker in markers:
        index = path.find(marker)
        if index >= 0:
            path = path[:index]
            break
    return f"{parts.scheme}://{parts.netloc}{path.rstrip('/')}"


_TAG = re.compile(r"<[^>]+>")


def html_to_text(html: str | None) -> str:
    """Plain text (with paragraphs) from remote HTML descriptions."""
    if not html:
        return ""
    if "<" not in html:
        return html.strip()
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    blocks = [
        el.get_text(" ", strip=True)
        for el in soup.find_all(["p", "li", "h1", "h2", "h3", "h4"])
    ]
    blocks = [b for b in blocks if b]
    if not blocks:
        return soup.get_text(" ", strip=True)
    return "\n\n".join(blocks)


def as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v is not None and str(v).strip()]
    return [str(value)]


def text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value if v)
    return str(value).strip()


def record_or_error(
    convert: Callable[[], Record], guid: str, message: str
) -> Record | RecordError:
    """Run ``convert``; a malformed remote record becomes an error on that record only.

    ``message`` is the platform's msgid, with ``%(id)s`` and ``%(error)s``.
    """
    try:
        return convert()
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return RecordError(
            guid, message, {"id": guid, "error": f"{type(exc).__name__}: {exc}"}
        )
