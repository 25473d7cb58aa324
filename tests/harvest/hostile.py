"""A local server (127.0.0.x only) that misbehaves on purpose."""

from __future__ import annotations

import json
import time

from tests.local_http import Handler, LocalServer

XML_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/">
  <dcat:Dataset rdf:about="http://example.org/d"><dct:title>&lol9;</dct:title></dcat:Dataset>
</rdf:RDF>"""


class HostileServer(LocalServer):
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.requests: list[str] = []
        self.counters: dict[str, int] = {}
        self.redirect_target = ""
        # Clients hang up on purpose (size limits, timeouts): no tracebacks.
        super().__init__(_Handler, host, quiet=True)


class _Handler(Handler):
    owner: HostileServer
    protocol_version = "HTTP/1.1"

    def _head(
        self,
        status: int,
        ctype: str = "application/json",
        length: int | None = None,
        **headers: str,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if length is not None:
            self.send_header("Content-Length", str(length))
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        self.end_headers()

    def _body(
        self, status: int, body: bytes, ctype: str = "application/json", **headers: str
    ) -> None:
        self._head(status, ctype, len(body), **headers)
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        owner = self.owner
        owner.requests.append(self.path)
        path = self.path.split("?")[0]
        owner.counters[path] = owner.counters.get(path, 0) + 1
        n = owner.counters[path]
        try:
            self._route(path, n)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _route(self, path: str, n: int) -> None:
        if path == "/slow":
            time.sleep(3)
            self._body(200, b"{}")
        elif path == "/drip":
            self._head(200, "application/json", 1000)
            for _ in range(200):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.05)
        elif path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"[" + b"0," * 32768
            while True:
                self.wfile.write(chunk)
        elif path == "/huge":
            self._head(200, "application/octet-stream", 2 * 1024**3)
            self.wfile.write(b"\0" * 65536)
        elif path == "/loop-a":
            self._body(302, b"", Location="/loop-b")
        elif path == "/loop-b":
            self._body(302, b"", Location="/loop-a")
        elif path.startswith("/hop"):
            depth = int(path[4:] or 0)
            self._body(302, b"", Location=f"/hop{depth + 1}")
        elif path == "/redirect-away":
            self._body(302, b"", Location=self.owner.redirect_target)
        elif path == "/bomb.rdf":
            self._body(200, XML_BOMB, "application/rdf+xml")
        elif path == "/flaky":
            if n <= 2:
                self._body(503, b'{"error": "busy"}')
            else:
                self._body(200, b'{"ok": true}')
        elif path == "/quota":
            if n == 1:
                self._body(429, b'{"errorcode": 10002}', Retry_After="1")
            else:
                self._body(200, b'{"ok": true}')
        elif path == "/down":
            self._body(502, b"bad gateway", "text/plain")
        elif path == "/not-json":
            self._body(200, b'{"results": [', "application/json")
        elif path == "/bad.ttl":
            self._body(
                200,
                b"@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<a> dcat:x ;;; .",
                "text/turtle",
            )
        elif path == "/bad.csv":
            self._body(200, b"NOM;VALEUR\nfoo;1\n", "text/csv")
        elif path == "/badjson/api/explore/v2.1/catalog/datasets":
            if "limit=1&" in self.path or self.path.endswith("limit=1"):
                self._body(200, b'{"total_count": 3, "results": []}')
            else:
                self._body(200, b'{"total_count": 3, "results": [{"dataset_id": ')
        elif path.endswith("/api/explore/v2.1/catalog/datasets"):
            # A listing that returns the same page forever.
            page = {
                "total_count": 1000,
                "results": [
                    {
                        "dataset_id": "toujours",
                        "dataset_uid": "da_loop",
                        "metas": {"default": {"title": "Toujours la même page"}},
                    }
                ],
            }
            self._body(200, json.dumps(page).encode())
        elif path == "/ok":
            self._body(200, b'{"ok": true}')
        else:
            self._body(404, b'{"error": "not found"}')
