"""Offline schema copies: lookup, and refresh through the HTTP client from a
local server serving a real schema file (never schema.data.gouv.fr)."""

from __future__ import annotations

import pathlib
import shutil

import pytest

from ckanext.opendata_collectivites import vocabularies
from ckanext.opendata_collectivites.harvest.http import AddressPolicy, HttpClient
from ckanext.opendata_collectivites.validation import schemas
from tests.local_http import serve_directory

from .conftest import SUBVENTIONS


def test_resolve_exact_url_or_name():
    ref = schemas.resolve(SUBVENTIONS)
    assert (ref.name, ref.version) == ("scdl/subventions", "2.1.1")
    assert schemas.resolve("scdl/deliberations").version == "2.1.5"
    assert schemas.resolve("https://example.org/schema.json") is None
    assert schemas.resolve("") is None


def test_versions_without_copy_are_not_loaded():
    older = [
        r
        for r in vocabularies.schema_versions("scdl/subventions")
        if r.version != "2.1.1"
    ]
    assert older, "the catalogue lists older subventions versions"
    assert schemas.load(older[0]) is None


@pytest.fixture
def mirror(tmp_path):
    """A local server whose /<name>/<version>/schema.json are real copies."""
    root = tmp_path / "served"
    shipped = pathlib.Path(schemas.path_for(schemas.resolve(SUBVENTIONS)))
    for ref in vocabularies.schema_versions("scdl/subventions"):
        target = root / ref.name / ref.version / "schema.json"
        target.parent.mkdir(parents=True)
        shutil.copy(shipped, target)
    (root / "not-a-schema.json").write_text('{"hello": "world"}')
    with serve_directory(root) as server:
        yield server.base_url


def test_refresh_downloads_the_missing_versions(mirror, tmp_path, monkeypatch):
    copies = tmp_path / "copies"
    monkeypatch.setattr(schemas, "SCHEMAS_DIR", str(copies))
    client = HttpClient(AddressPolicy.from_strings(["127.0.0.1"]))
    asked: list[str] = []

    def fetch(url: str) -> bytes:
        asked.append(url)
        path = url.split("/schemas/", 1)[1].rsplit("/", 1)[0]
        return client.get(f"{mirror}/{path}/schema.json").body

    refs = vocabularies.schema_versions("scdl/subventions")
    written = schemas.refresh(fetch, refs)
    assert [r.version for r in written] == [r.version for r in refs]
    assert asked == [r.url for r in refs]
    for ref in refs:
        assert schemas.load(ref)["fields"][0]["name"] == "nomAttribuant"
    # Already there: nothing fetched again.
    asked.clear()
    assert schemas.refresh(fetch, refs) == [] and asked == []


def test_refresh_refuses_what_is_not_a_table_schema(mirror, tmp_path, monkeypatch):
    monkeypatch.setattr(schemas, "SCHEMAS_DIR", str(tmp_path / "copies"))
    client = HttpClient(AddressPolicy.from_strings(["127.0.0.1"]))
    ref = vocabularies.schema_versions("scdl/subventions")[0]
    with pytest.raises(ValueError, match="Table Schema"):
        schemas.refresh(
            lambda url: client.get(f"{mirror}/not-a-schema.json").body, [ref]
        )
    assert not (tmp_path / "copies").exists() or not any(
        (tmp_path / "copies").rglob("*.json")
    )
