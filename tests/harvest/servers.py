"""A small file server bound to any loopback address (127.0.0.x) that records
every request it receives: proof that a request left (or never left)."""

from __future__ import annotations

from tests.local_http import Handler, LocalServer


class RecordingServer(LocalServer):
    """``server.files["/ctx.jsonld"] = ("application/ld+json", b"...")``."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.files: dict[str, tuple[str, bytes]] = {}
        self.requests: list[tuple[str, str]] = []  # (path, User-Agent)
        super().__init__(_Handler, host)

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


class _Handler(Handler):
    owner: RecordingServer

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        self.owner.requests.append((self.path, self.headers.get("User-Agent", "")))
        found = self.owner.files.get(self.path)
        status, (ctype, body) = (200, found) if found else (404, ("text/plain", b""))
        self.reply(status, ctype, body)
