"""Real HTTP servers on a loopback address for the tests (127.0.0.1 is allowed
by test.ini's address policy; 127.0.0.x addresses are not): one place for
starting, addressing and stopping them."""

from __future__ import annotations

import functools
import pathlib
import threading
from http.server import (
    BaseHTTPRequestHandler,
    SimpleHTTPRequestHandler,
    ThreadingHTTPServer,
)
from typing import Any


class LocalServer:
    """A threaded server on ``host`` (free port), started at once.

    ``handler`` is a request handler class; a subclass of :class:`Handler`
    reaches the server object as ``self.owner``."""

    def __init__(self, handler: Any, host: str = "127.0.0.1", quiet: bool = False):
        self.host = host
        if isinstance(handler, type):
            handler = type(handler.__name__, (handler,), {"owner": self})
        self.httpd = ThreadingHTTPServer((host, 0), handler)
        self.httpd.daemon_threads = True
        if quiet:  # clients hang up on purpose (size limits, timeouts)
            self.httpd.handle_error = lambda request, client_address: None
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


class Handler(BaseHTTPRequestHandler):
    """Silent handler with a one-call answer."""

    owner: Any

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def reply(
        self,
        status: int,
        ctype: str,
        body: bytes,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def serve_directory(directory: str | pathlib.Path) -> LocalServer:
    """The files of ``directory`` on 127.0.0.1."""
    return LocalServer(functools.partial(_QuietFiles, directory=str(directory)))
