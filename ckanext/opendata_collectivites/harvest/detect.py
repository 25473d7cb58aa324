"""Which platform is behind a source URL.

URL hints decide the probing order; each probe is one cheap request. Only
"this is not that platform" answers (HTTP 4xx, unexpected body) move on to
the next probe: a refused address, a timeout or an oversized answer stops
detection at once with that error.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from ckanext.opendata_collectivites.harvest.adapters import ckan, dcat, ods, scdl, udata
from ckanext.opendata_collectivites.harvest.adapters.base import Detected
from ckanext.opendata_collectivites.harvest.config import SourceConfig
from ckanext.opendata_collectivites.harvest.errors import HarvestError, TransportError
from ckanext.opendata_collectivites.harvest.http import HttpClient, Response

PLATFORM_LABELS = {
    "ckan": "CKAN",
    "ods": "Opendatasoft",
    "udata": "data.gouv.fr / udata",
    "dcat": "DCAT (RDF)",
    "scdl": "SCDL catalogue CSV",
}


def _order(url: str) -> list[str]:
    path = urlsplit(url).path.lower()
    if path.endswith(".csv"):
        return ["scdl", "dcat", "ckan", "ods", "udata"]
    if (
        path.endswith((".rdf", ".ttl", ".xml", ".jsonld"))
        or "catalog" in path
        and "/api/3" not in path
    ):
        return ["dcat", "ods", "ckan", "udata", "scdl"]
    if "/organizations/" in path or "/api/1/" in path:
        return ["udata", "ckan", "ods", "dcat", "scdl"]
    if "/explore" in path or "/api/v2" in path or "/api/datasets/1.0" in path:
        return ["ods", "ckan", "udata", "dcat", "scdl"]
    return ["ckan", "ods", "udata", "dcat", "scdl"]


def detect(
    client: HttpClient, url: str, config: SourceConfig | None = None
) -> Detected:
    """The platform behind ``url``; raises :class:`HarvestError` if none."""
    config = config or SourceConfig()
    client.policy.check_url(url)
    fetched: dict[str, Response | None] = {}

    def document() -> Response | None:
        # DCAT and SCDL read the URL itself: fetch it once for both probes.
        if "doc" not in fetched:
            try:
                fetched["doc"] = client.get(
                    url, accept=dcat.ACCEPT + ", text/csv;q=0.5"
                )
            except TransportError:
                raise
            except HarvestError:
                fetched["doc"] = None
        return fetched["doc"]

    probes: dict[str, Callable[[], Detected | None]] = {
        "ckan": lambda: ckan.detect(client, url),
        "ods": lambda: ods.detect(client, url),
        "udata": lambda: udata.detect(client, url, config.remote_organization),
        "dcat": lambda: dcat.detect(client, url, document()) if document() else None,
        "scdl": lambda: scdl.detect(client, url, document()) if document() else None,
    }
    if config.platform in ("dcat", "scdl"):
        # Forced file formats: let the adapter report exactly what is wrong.
        return Detected(config.platform, url, "")
    if config.platform in ("dcat", "scdl"):
        # Forced file formats: let the adapter report exactly what is wrong.
        return Detected(config.platform, url, "")
    order = [config.platform] if config.platform else _order(url)
    for platform in order:
        found = probes[platform]()
        if found:
            if config.remote_organization and platform == "ckan":
                found.organization = config.remote_organization
            return found
    if config.platform:
        raise HarvestError(
            "No %(platform)s catalogue found at %(url)s (the platform is forced by "
            "the source configuration).",
            platform=PLATFORM_LABELS[config.platform],
            url=url,
        )
    raise HarvestError(
        "No supported catalogue found at %(url)s. Tried: CKAN API, Opendatasoft "
        "Explore API (v2.1, v2.0, v1), data.gouv.fr/udata organisation, DCAT "
        "(RDF/XML, Turtle, JSON-LD) and SCDL catalogue CSV.",
        url=url,
    )
