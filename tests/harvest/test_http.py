"""The harvester's HTTP client against real misbehaving local servers, and the
address check on its own (no traffic to non-loopback addresses, ever)."""

from __future__ import annotations

import ipaddress
import time

import pytest

from ckanext.opendata_collectivites.harvest.errors import HarvestError, TransportError
from ckanext.opendata_collectivites.harvest.http import (
    AddressPolicy,
    HttpClient,
    Limits,
    is_public_address,
    parse_xml_safely,
)
from tests.harvest.hostile import XML_BOMB, HostileServer

LOCAL = AddressPolicy.from_strings(["127.0.0.1"])


@pytest.fixture(scope="module")
def hostile():
    server = HostileServer()
    yield server
    server.stop()


def client(**limits) -> HttpClient:
    base = {
        "connect_timeout": 1.0,
        "read_timeout": 0.5,
        "deadline": 2.0,
        "max_bytes": 1024 * 1024,
        "retries": 0,
        "backoff": 0.01,
    }
    base.update(limits)
    return HttpClient(LOCAL, Limits(**base), sleep=lambda s: None)


def test_plain_get_works(hostile):
    assert client().get(hostile.url("/ok")).json() == {"ok": True}


def test_slow_server_times_out(hostile):
    started = time.monotonic()
    with pytest.raises(TransportError) as err:
        client().get(hostile.url("/slow"))
    assert time.monotonic() - started < 2.5
    assert "indisponible" in err.value.message()


def test_dripping_server_hits_the_deadline(hostile):
    started = time.monotonic()
    with pytest.raises(TransportError) as err:
        client(deadline=1.0).get(hostile.url("/drip"))
    assert time.monotonic() - started < 3
    assert "plus de 1.0 secondes" in err.value.message()


def test_endless_response_is_cut_at_the_size_limit(hostile):
    with pytest.raises(TransportError) as err:
        client(deadline=10).get(hostile.url("/endless"))
    assert "dépasse la taille maximale" in err.value.message()


def test_two_gigabyte_response_is_refused_from_its_length(hostile):
    with pytest.raises(TransportError) as err:
        client().get(hostile.url("/huge"))
    message = err.value.message()
    assert "trop volumineuse" in message and "2147483648" in message


def test_redirect_loop_is_detected(hostile):
    with pytest.raises(TransportError) as err:
        client().get(hostile.url("/loop-a"))
    assert "Boucle de redirections" in err.value.message()


def test_redirect_chain_is_bounded(hostile):
    with pytest.raises(TransportError) as err:
        client(max_redirects=3).get(hostile.url("/hop0"))
    assert "Trop de redirections" in err.value.message()


def test_redirect_to_a_refused_address_sends_nothing_there(hostile):
    target = HostileServer("127.0.0.2")  # loopback, but not in the allow-list
    try:
        hostile.redirect_target = target.url("/ok")
        with pytest.raises(TransportError) as err:
            client().get(hostile.url("/redirect-away"))
        assert "127.0.0.2" in err.value.message()
        assert target.requests == []
    finally:
        target.stop()


def test_loopback_without_permission_sends_no_request(hostile):
    before = len(hostile.requests)
    strict = HttpClient(AddressPolicy(), Limits(retries=0))
    with pytest.raises(TransportError) as err:
        strict.get(hostile.url("/ok"))
    assert "Adresse refusée" in err.value.message() or "refus" in err.value.message()
    assert len(hostile.requests) == before


def test_retries_with_backoff_on_5xx_then_succeeds(hostile):
    delays: list[float] = []
    c = HttpClient(LOCAL, Limits(retries=3, backoff=0.1), sleep=delays.append)
    assert c.get(hostile.url("/flaky")).json() == {"ok": True}
    assert delays == [0.1, 0.2]


def test_429_honours_retry_after(hostile):
    delays: list[float] = []
    c = HttpClient(LOCAL, Limits(retries=2, backoff=0.1), sleep=delays.append)
    assert c.get(hostile.url("/quota")).json() == {"ok": True}
    assert delays == [1.0]


def test_persistent_5xx_gives_up_with_a_clear_error(hostile):
    c = HttpClient(LOCAL, Limits(retries=2, backoff=0.01), sleep=lambda s: None)
    with pytest.raises(TransportError) as err:
        c.get(hostile.url("/down"))
    assert "après 3 tentatives" in err.value.message()


def test_malformed_json_is_a_harvest_error(hostile):
    with pytest.raises(HarvestError) as err:
        client().get(hostile.url("/not-json")).json()
    assert "n'est pas du JSON valide" in err.value.message()


def test_xml_bomb_is_refused_before_parsing():
    started = time.monotonic()
    with pytest.raises(HarvestError) as err:
        parse_xml_safely(XML_BOMB, "http://127.0.0.1/bomb.rdf")
    assert time.monotonic() - started < 1
    assert "DTD" in err.value.message()


# The address check itself: resolution is replaced by fixed answers so that no
# packet is ever sent to these ranges.
@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.0.0.2",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata (link-local)
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "192.0.2.10",  # reserved, doc ranges
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
    ],
)
def test_address_check_refuses_non_public_ranges(address):
    policy = AddressPolicy(resolver=lambda host, port: [address])
    with pytest.raises(TransportError):
        policy.check_url("https://portail.example.fr/api")


@pytest.mark.parametrize("address", ["91.198.174.192", "2a00:1450:4007:80e::200e"])
def test_address_check_accepts_public_addresses(address):
    policy = AddressPolicy(resolver=lambda host, port: [address])
    policy.check_url("https://data.example.fr/api")
    assert is_public_address(ipaddress.ip_address(address))


def test_allow_list_is_exact():
    policy = AddressPolicy.from_strings(["127.0.0.1", "10.0.0.0/8"])
    policy.resolver = lambda host, port: {
        "a": ["127.0.0.1"],
        "b": ["127.0.0.2"],
        "c": ["10.9.9.9"],
        "d": ["192.168.0.1"],
    }[host]
    policy.check_url("http://a/")
    policy.check_url("http://c/")
    for host in ("b", "d"):
        with pytest.raises(TransportError):
            policy.check_url(f"http://{host}/")


def test_one_bad_address_among_several_is_refused():
    policy = AddressPolicy(resolver=lambda host, port: ["91.198.174.192", "10.0.0.1"])
    with pytest.raises(TransportError):
        policy.check_url("https://mixed.example.fr/")


def test_only_http_schemes():
    for url in ("file:///etc/passwd", "ftp://example.fr/x", "gopher://x/"):
        with pytest.raises(TransportError):
            AddressPolicy().check_url(url)
