"""A local WMS service for the map view's tests: a recorded GetCapabilities
document (tests/fixtures/dataviz) and a 1×1 PNG for every GetMap,
with the requests it received (proof a request was, or was not, made)."""

from __future__ import annotations

import base64
from urllib.parse import parse_qsl, urlsplit

from tests.local_http import Handler, LocalServer

# A 1×1 PNG (one coloured pixel, stretched over each tile).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


class WmsServer(LocalServer):
    def __init__(self, capabilities: bytes) -> None:
        self.capabilities = capabilities
        self.requests: list[dict[str, str]] = []  # query parameters, upper-cased keys
        super().__init__(_Handler)

    def asked(self, request: str) -> list[dict[str, str]]:
        return [r for r in self.requests if r.get("REQUEST", "").lower() == request]


class _Handler(Handler):
    owner: WmsServer

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        query = {k.upper(): v for k, v in parse_qsl(urlsplit(self.path).query)}
        self.owner.requests.append(query)
        request = query.get("REQUEST", "").lower()
        if request == "getcapabilities":
            status, ctype, body = 200, "text/xml", self.owner.capabilities
        elif request == "getmap":
            status, ctype, body = 200, "image/png", PNG
        else:
            status, ctype, body = 400, "text/plain", b"bad request"
        self.reply(status, ctype, body, {"Access-Control-Allow-Origin": "*"})
