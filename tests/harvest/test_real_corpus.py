"""The harvester on real-world payloads no one here wrote (issue #12).

Each document of ``tests/fixtures/harvest/real`` (provenance in its
``PROVENANCE.md``) is served by a local server the way its platform serves
it, harvested twice through the real harvest stages, and compared with the
field-by-field expectations of ``expectations.yaml``:

- how many datasets are created, and that none is lost without a report;
- per dataset (matched by title): licence id, portal themes, keywords that
  must be there (and values that must not), territories, dates, resources
  with their formats;
- the second harvest of the same document writes nothing.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import pytest
from ckan import model
from ckanext.harvest.model import HarvestObject, HarvestObjectError

from ckanext.opendata_collectivites.harvest.adapters.udata import UdataAdapter
from ckanext.opendata_collectivites.harvest.config import SourceConfig
from ckanext.opendata_collectivites.harvest.mapper import Owner, map_record
from tests.harvest.conftest import by_title, datasets_of, harvest
from tests.harvest.real_corpus import (
    RECORDED_OBJECTS,
    expectations,
    mount,
    record_expectations,
)

EXPECTED = expectations()
RECORDS = record_expectations()
BNODE_ID = re.compile(r"\bN[0-9a-f]{32}\b")


def _report(source_id: str) -> list[str]:
    rows = (
        model.Session.query(HarvestObjectError.message)
        .join(HarvestObject, HarvestObject.id == HarvestObjectError.harvest_object_id)
        .filter(HarvestObject.harvest_source_id == source_id)
        .all()
    )
    return [r[0] for r in rows]


def _tags(dataset: dict[str, Any]) -> set[str]:
    return {t["name"] for t in dataset.get("tags", [])}


def _summary(dataset: dict[str, Any]) -> dict[str, Any]:
    return {
        "license_id": dataset.get("license_id"),
        "themes": dataset.get("themes") or [],
        "tags": sorted(_tags(dataset)),
        "territories": dataset.get("territories") or [],
        "issued": dataset.get("issued") or "",
        "modified": dataset.get("modified") or "",
        "language": dataset.get("language") or [],
        "formats": sorted(r.get("format") or "" for r in dataset.get("resources", [])),
    }


def _check_dataset(title: str, got: dict[str, Any], want: dict[str, Any]) -> None:
    summary = _summary(got)
    for key in ("license_id", "issued", "modified"):
        if key in want:
            assert summary[key] == (want[key] or ""), (title, key, summary)
    for key in ("themes", "territories", "language", "formats"):
        if key in want:
            assert sorted(summary[key]) == sorted(want[key]), (title, key, summary)
    tags = _tags(got)
    for tag in want.get("tags_include", []):
        assert tag in tags, (title, "missing keyword", tag, sorted(tags))
    for fragment in want.get("tags_exclude", []):
        assert not [t for t in tags if fragment in t], (title, fragment, sorted(tags))
    if "resources" in want:
        assert len(got.get("resources", [])) == want["resources"], (title, summary)
    for key, value in (want.get("fields") or {}).items():
        assert got.get(key) == value, (title, key, got.get(key))
    blob = json.dumps(got, ensure_ascii=False)
    # rdflib blank-node ids (N + 32 hex digits) never reach a stored value.
    assert not BNODE_ID.search(blob), (title, BNODE_ID.search(blob).group(0))
    assert not [t for t in tags if t.startswith("http")], (title, sorted(tags))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_document(name, server, commune, source):
    want = EXPECTED[name]
    org = commune("ville-de-rennes")
    src = source(mount(server, name), org, want.get("config"))

    first = harvest(src)
    datasets = datasets_of(org)
    report = _report(src["id"])
    if os.environ.get("REAL_CORPUS_DUMP"):
        with open(os.environ["REAL_CORPUS_DUMP"], "a", encoding="utf-8") as f:
            dump = {
                "name": name,
                "summary": first.__dict__ if hasattr(first, "__dict__") else str(first),
                "report": report,
                "datasets": {d["title"]: _summary(d) for d in datasets},
            }
            f.write(json.dumps(dump, ensure_ascii=False, default=str) + "\n")

    assert len(datasets) == want["count"], (
        name,
        [d["title"] for d in datasets],
        report,
    )
    found = by_title(datasets)
    for title, fields in (want.get("datasets") or {}).items():
        assert title in found, (name, title, sorted(found))
        _check_dataset(title, found[title], fields or {})
    for fragment in want.get("report_includes", []):
        assert any(fragment in line for line in report), (name, fragment, report)
    # Nothing lost silently: every remote record is a dataset or a reported error.
    remote = want.get("remote_records", want["count"])
    errored = {
        o.guid
        for o in model.Session.query(HarvestObject)
        .filter(
            HarvestObject.harvest_source_id == src["id"],
            HarvestObject.package_id.is_(None),
        )
        .all()
    }
    assert len(datasets) + len(errored) >= remote, (name, report)

    before = {d["id"]: d["metadata_modified"] for d in datasets}
    second = harvest(src)
    after = {d["id"]: d["metadata_modified"] for d in datasets_of(org)}
    assert after == before, (name, "second harvest rewrote datasets", second)


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_recorded_objects(name):
    """Recorded dataset objects whose linked pages were not recorded (a
    data.gouv.fr API v2 search answer without its resource pages): the udata
    reader's record step and the mapper, field by field."""
    want = RECORDS[name]
    owner = Owner("org", "ville-de-rennes", "Ville de Rennes", "commune:35238")
    datasets: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    for raw in RECORDED_OBJECTS[name]():
        mapping = map_record(
            UdataAdapter().to_record(raw), "real", owner, SourceConfig.parse("{}")
        )
        datasets[mapping.dataset["title"]] = mapping.dataset
        notes += [msgid % params for msgid, params in mapping.notes]
    assert len(datasets) == want["count"], sorted(datasets)
    for title, fields in want["datasets"].items():
        assert title in datasets, (name, title, sorted(datasets))
        _check_dataset(title, datasets[title], fields or {})
    for fragment in want.get("notes_include", []):
        assert any(fragment in line for line in notes), (name, fragment, notes)
