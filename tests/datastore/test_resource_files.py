"""The file of a resource (``resource_files``): an upload read in place from
CKAN's storage, a remote file streamed from a real local HTTP server through
the site's address policy (test.ini allows 127.0.0.1), the size limit both
ways, and the callers' codes (DataStore load, validation)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

from ckanext.opendata_collectivites import resource_files
from ckanext.opendata_collectivites.datastore import jobs as djobs
from ckanext.opendata_collectivites.validation import jobs as vjobs
from tests.local_http import Handler, LocalServer

CSV = b"code;nom\n01004;Amb\xe9rieu-en-Bugey\n35238;Rennes\n"


class Server(LocalServer):
    """127.0.0.1 serving ``files`` (path → body); ``/stream/…`` without a
    Content-Length. ``hits`` lists the paths asked for."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.hits: list[str] = []
        super().__init__(_Handler)


class _Handler(Handler):
    owner: Server

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        self.owner.hits.append(self.path)
        body = self.owner.files.get(self.path.removeprefix("/stream"))
        if body is None:
            self.reply(404, "text/plain", b"")
        elif self.path.startswith("/stream"):  # no Content-Length
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Connection", "close")
            self.close_connection = True
            self.end_headers()
            self.wfile.write(body)
        else:
            self.reply(200, "text/csv", body)


@pytest.fixture
def server() -> Iterator[Server]:
    with Server() as found:
        yield found


@pytest.fixture
def upload(dataset, org, create_with_upload, tmp_path, ckan_config, monkeypatch):
    """An uploaded CSV resource (CKAN's storage in ``tmp_path``)."""
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    pkg = dataset("depot-fichier", [])
    return create_with_upload(
        CSV,
        "communes.csv",
        package_id=pkg["id"],
        format="CSV",
        context={"user": org["admin"]["name"]},
    )


def remote(url: str) -> dict[str, Any]:
    return {"id": "r1", "url": url, "url_type": "", "format": "CSV"}


def test_upload_is_read_in_place(upload):
    with tempfile.NamedTemporaryFile() as sink:
        path = resource_files.local_path(upload, sink)
        assert path != sink.name and os.path.getsize(sink.name) == 0
        with open(path, "rb") as f:
            assert f.read() == CSV
    assert resource_files.read_bytes(upload) == CSV


def test_missing_upload(upload):
    os.remove(resource_files.upload_path(upload))
    with pytest.raises(resource_files.FileError) as caught:
        resource_files.read_bytes(upload)
    assert caught.value.code == "file-missing"
    with pytest.raises(djobs.Failed) as failed:
        djobs.fetch(upload, None)
    assert failed.value.code == "file-missing"


def test_upload_over_the_limit(upload, ckan_config, monkeypatch):
    with pytest.raises(resource_files.FileError) as caught:
        resource_files.read_bytes(upload, resource_files.limits(max_bytes=10))
    assert (caught.value.code, caught.value.params) == (
        "too-large",
        {"size": len(CSV), "limit": 10},
    )
    # The DataStore's own limit, worded in megabytes.
    monkeypatch.setitem(ckan_config, djobs.MAX_BYTES_KEY, 10)
    with pytest.raises(djobs.Failed) as failed:
        djobs.fetch(upload, None)
    assert failed.value.code == "too-large"
    assert failed.value.params == {"size": "0 Mo", "limit": "0 Mo"}
    # The validation's: the harvester's limit.
    monkeypatch.setitem(ckan_config, "ckanext.collectivites.harvest.max_bytes", "10")
    with pytest.raises(vjobs.Unreadable) as unreadable:
        vjobs.read_body(upload)
    assert (unreadable.value.reason, unreadable.value.detail) == (
        "file-too-large",
        "10",
    )


def test_remote_file_is_streamed_into_the_sink(server):
    server.files["/communes.csv"] = CSV
    res = remote(server.base_url + "/communes.csv")
    with tempfile.NamedTemporaryFile() as sink:
        assert resource_files.local_path(res, sink) == sink.name
        with open(sink.name, "rb") as f:
            assert f.read() == CSV
    assert resource_files.read_bytes(res) == CSV
    assert vjobs.read_body(res) == CSV
    assert server.hits == ["/communes.csv"] * 3


@pytest.mark.parametrize("prefix", ["", "/stream"], ids=["content-length", "stream"])
def test_remote_file_over_the_limit(server, prefix):
    server.files["/communes.csv"] = CSV
    res = remote(server.base_url + prefix + "/communes.csv")
    with pytest.raises(resource_files.FileError) as caught:
        resource_files.read_bytes(res, resource_files.limits(max_bytes=10))
    error = caught.value
    assert error.code == "too-large"
    assert error.params["limit"] == 10
    assert error.params["size"] == (len(CSV) if not prefix else None)
    assert "10" in error.params["error"] and "127.0.0.1" in error.params["error"]


def test_remote_too_large_keeps_the_callers_fetch_failed(
    server, ckan_config, monkeypatch
):
    """Both jobs word a download over the limit as a failed download, with
    the client's message, as before."""
    server.files["/communes.csv"] = CSV
    res = remote(server.base_url + "/communes.csv")
    monkeypatch.setitem(ckan_config, djobs.MAX_BYTES_KEY, 10)
    monkeypatch.setitem(ckan_config, "ckanext.collectivites.harvest.max_bytes", "10")
    with tempfile.NamedTemporaryFile() as sink, pytest.raises(djobs.Failed) as failed:
        djobs.fetch(res, sink)
    assert failed.value.code == "fetch-failed"
    assert "/communes.csv" in failed.value.params["error"]
    with pytest.raises(vjobs.Unreadable) as unreadable:
        vjobs.read_body(res)
    assert unreadable.value.reason == "fetch-failed"
    assert unreadable.value.detail == failed.value.params["error"]


def test_private_address_is_refused_before_any_request(
    server, ckan_config, monkeypatch
):
    server.files["/communes.csv"] = CSV
    monkeypatch.setitem(ckan_config, "ckanext.collectivites.harvest.allowed_hosts", "")
    with pytest.raises(resource_files.FileError) as caught:
        resource_files.read_bytes(remote(server.base_url + "/communes.csv"))
    assert caught.value.code == "fetch-failed"
    assert "127.0.0.1" in caught.value.params["error"]
    assert "allowed_hosts" in caught.value.params["error"]
    assert server.hits == []


def test_no_file_address():
    for url in ("", "ftp://example.org/communes.csv", "file:///etc/passwd"):
        with pytest.raises(resource_files.FileError) as caught:
            resource_files.read_bytes(remote(url))
        assert caught.value.code == "no-file"
