"""The single HTTP client of the harvester.

Every remote request goes through :class:`HttpClient`, which enforces:
connect/read timeouts and an overall deadline, a maximum response size
(checked on ``Content-Length`` and while streaming), retries with
exponential backoff on 429/5xx and connection errors, redirects followed by
hand (each hop checked, bounded, loops detected) and the address check:
no request to loopback, private, link-local, multicast or reserved
addresses unless the site configuration allows the host or network
explicitly (``ckanext.collectivites.harvest.allowed_hosts``).

The address is checked on the resolved IPs before any byte is sent.
Residual risk, documented: a DNS answer may change between the check and
the connection (rebinding); deployments exposed to that should resolve
through a trusted resolver.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from ckanext.opendata_collectivites.harvest.errors import HarvestError, TransportError

USER_AGENT = "ckanext-opendata-collectivites harvester (+https://github.com/)"


@dataclass
class Limits:
    """Bounds applied to every request."""

    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    deadline: float = 120.0  # whole request, body included
    max_bytes: int = 50 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 3
    backoff: float = 0.5  # seconds, doubled at each retry
    max_backoff: float = 10.0


@dataclass
class Response:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self) -> str:
        return self.body.decode("utf-8-sig", errors="replace")

    def json(self) -> Any:
        import json

        try:
            return json.loads(self.body.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise HarvestError(
                "The response of %(url)s is not valid JSON: %(error)s",
                url=self.url,
                error=str(exc)[:200],
            ) from exc


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_allowed(values: Iterable[str]) -> tuple[set[str], list[Network]]:
    """Split an allow-list into host names and networks (``127.0.0.1``,
    ``10.0.0.0/8``, ``localhost``)."""
    hosts: set[str] = set()
    networks: list[Network] = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            hosts.add(value.lower())
    return hosts, networks


def is_public_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True when the address is globally routable (not loopback, private,
    link-local such as cloud metadata 169.254.169.254, CGNAT, multicast,
    documentation or otherwise reserved)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        return is_public_address(ip.ipv4_mapped)
    return ip.is_global and not (
        ip.is_multicast
        or ip.is_reserved
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_private
        or ip.is_unspecified
    )


@dataclass
class AddressPolicy:
    """Which resolved addresses the client may connect to."""

    allowed_hosts: set[str] = field(default_factory=set)
    allowed_networks: list[Network] = field(default_factory=list)
    resolver: Callable[[str, int], list[str]] | None = None

    @classmethod
    def from_strings(cls, values: Iterable[str]) -> AddressPolicy:
        hosts, networks = parse_allowed(values)
        return cls(hosts, networks)

    def resolve(self, host: str, port: int) -> list[str]:
        if self.resolver:
            return self.resolver(host, port)
        try:
            infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
        except socket.gaierror as exc:
            raise TransportError(
                "The host %(host)s cannot be resolved: %(error)s",
                host=host,
                error=str(exc),
            ) from exc
        return sorted({info[4][0] for info in infos})

    def check_url(self, url: str) -> None:
        """Raise :class:`HarvestError` unless every address of the URL's host
        may be contacted. Sends no traffic to the host."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise TransportError(
                "Only http and https URLs can be harvested (got %(url)s).", url=url
            )
        host = parts.hostname.lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        for address in self.resolve(host, port):
            ip = ipaddress.ip_address(address.split("%")[0])
            if is_public_address(ip):
                continue
            if host in self.allowed_hosts and ip.is_loopback:
                continue
            if any(ip in net for net in self.allowed_networks):
                continue
            raise TransportError(
                "Refused to contact %(host)s (%(ip)s): private, loopback, "
                "link-local or reserved addresses are not harvested unless "
                "the site configuration allows them "
                "(ckanext.collectivites.harvest.allowed_hosts).",
                host=host,
                ip=str(ip),
            )


RETRY_STATUSES = {429, 500, 502, 503, 504}


class HttpClient:
    """Bounded, address-checked HTTP GET."""

    def __init__(
        self,
        policy: AddressPolicy | None = None,
        limits: Limits | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.policy = policy or AddressPolicy()
        self.limits = limits or Limits()
        self.session = session or requests.Session()
        self.session.trust_env = False  # no proxy from the environment
        self.sleep = sleep
        self.requests_sent = 0

    def get(
        self,
        url: str,
        params: dict[str, Any] | None = None,
        accept: str | None = None,
        sink: IO[bytes] | None = None,
    ) -> Response:
        """GET with retries; raises :class:`HarvestError` on any failure,
        including a final HTTP status >= 400. With ``sink`` the body is
        streamed into that file (rewound and truncated at each attempt) and
        the returned ``body`` is empty."""
        if params:
            url = requests.Request("GET", url, params=params).prepare().url or url
        attempt = 0
        while True:
            try:
                response = self._follow(url, accept, sink)
            except _Retryable as exc:
                if attempt >= self.limits.retries:
                    raise TransportError(
                        "%(url)s is unavailable after %(n)s attempts: %(error)s",
                        url=url,
                        n=attempt + 1,
                        error=exc.message,
                    ) from None
                self.sleep(self._delay(attempt, exc.retry_after))
                attempt += 1
                continue
            if response.status >= 400:
                raise HarvestError(
                    "%(url)s answered with HTTP status %(status)s.",
                    url=response.url,
                    status=response.status,
                )
            return response

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        delay = self.limits.backoff * (2**attempt)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return min(delay, self.limits.max_backoff)

    def _follow(
        self, url: str, accept: str | None, sink: IO[bytes] | None = None
    ) -> Response:
        seen: set[str] = set()
        for _ in range(self.limits.max_redirects + 1):
            if url in seen:
                raise TransportError("Redirect loop detected at %(url)s.", url=url)
            seen.add(url)
            self.policy.check_url(url)
            response = self._once(url, accept, sink)
            if response.status in (301, 302, 303, 307, 308):
                location = response.headers.get("location")
                if not location:
                    return response
                url = urljoin(url, location)
                continue
            if response.status in RETRY_STATUSES:
                raise _Retryable(
                    f"HTTP {response.status}",
                    _retry_after(response.headers.get("retry-after")),
                )
            return response
        raise TransportError(
            "Too many redirects (more than %(n)s) starting from %(url)s.",
            n=self.limits.max_redirects,
            url=url,
        )

    def _once(
        self, url: str, accept: str | None, sink: IO[bytes] | None = None
    ) -> Response:
        limits = self.limits
        headers = {"User-Agent": USER_AGENT}
        if accept:
            headers["Accept"] = accept
        started = time.monotonic()
        self.requests_sent += 1
        try:
            raw = self.session.get(
                url,
                headers=headers,
                stream=True,
                allow_redirects=False,
                timeout=(limits.connect_timeout, limits.read_timeout),
            )
        except requests.Timeout:
            raise _Retryable("timeout") from None
        except requests.ConnectionError as exc:
            raise _Retryable(f"connection error ({type(exc).__name__})") from None
        with raw:
            length = raw.headers.get("content-length")
            if length and length.isdigit() and int(length) > limits.max_bytes:
                raise TransportError(
                    "The response of %(url)s is too large (%(size)s bytes, "
                    "limit %(limit)s).",
                    url=url,
                    size=length,
                    limit=limits.max_bytes,
                )
            chunks: list[bytes] = []
            size = 0
            if sink is not None:
                sink.seek(0)
                sink.truncate()
            try:
                while True:
                    # read1: whatever has arrived (at most 64 KiB), so the
                    # deadline is checked even when the server drips bytes.
                    chunk = raw.raw.read1(64 * 1024, decode_content=True)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > limits.max_bytes:
                        raise TransportError(
                            "The response of %(url)s exceeds the size limit of "
                            "%(limit)s bytes.",
                            url=url,
                            limit=limits.max_bytes,
                        )
                    if time.monotonic() - started > limits.deadline:
                        raise TransportError(
                            "%(url)s took longer than %(s)s seconds to answer.",
                            url=url,
                            s=limits.deadline,
                        )
                    if sink is not None:
                        sink.write(chunk)
                    else:
                        chunks.append(chunk)
            except (
                requests.ConnectionError,
                requests.Timeout,
                OSError,
                urllib3.exceptions.HTTPError,
            ) as exc:
                raise _Retryable(f"read error ({type(exc).__name__})") from None
            headers_out = {k.lower(): v for k, v in raw.headers.items()}
            return Response(url, raw.status_code, headers_out, b"".join(chunks))


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None


def parse_xml_safely(body: bytes, url: str) -> None:
    """Reject XML with DTDs, entity declarations or external references
    (billion laughs, XXE) before any other parser sees it."""
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    try:
        DET.fromstring(
            body, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as exc:
        raise HarvestError(
            "Refused XML from %(url)s: it declares a DTD or entities (%(error)s).",
            url=url,
            error=type(exc).__name__,
        ) from exc
    except Exception as exc:  # noqa: BLE001 - any parse error is the source's
        raise HarvestError(
            "The XML of %(url)s is malformed: %(error)s", url=url, error=str(exc)[:200]
        ) from exc
