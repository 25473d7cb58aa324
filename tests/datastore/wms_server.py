"""A local WMS service for the map view's tests: a recorded GetCapabilities
document (tests/fixtures/dataviz) and a 1×1 PNG for every GetMap,
with the requests it received (proof a request was, or was not, made)."""

from __future__ import annotations

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# A 1×1 PNG (one coloured pixel, stretched over each tile).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


class WmsServer:
    def __init__(self, capabilities: bytes) -> None:
        self.capabilities = capabilities
        self.requests: list[dict[str, str]] = []  # query parameters, upper-cased keys
        handler = type("Handler", (_Handler,), {"owner": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def asked(self, request: str) -> list[dict[str, str]]:
        return [r for r in self.requests if r.get("REQUEST", "").lower() == request]

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    owner: WmsServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

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
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(body)
