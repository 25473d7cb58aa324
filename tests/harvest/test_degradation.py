"""#12 defect 4: an invalid optional value is dropped with a note on the
record (French, in the harvest report); the dataset is still created. Only a
missing title or identity rejects a record."""

from __future__ import annotations

from ckanext.opendata_collectivites.harvest.degrade import drop_invalid
from ckanext.opendata_collectivites.harvest.payload_server import FileCatalogue
from tests.harvest.conftest import by_title, datasets_of, harvest
from tests.harvest.payloads import FIXTURES

DEGRADED = FIXTURES / "dcat" / "degraded.ttl"


def test_invalid_optional_values_are_dropped_not_the_record(server, commune, source):
    org = commune("ville-de-rennes")
    url = server.mount(
        "geo", FileCatalogue({"catalog.ttl": ("text/turtle", DEGRADED.read_bytes())})
    )
    src = source(url + "/catalog.ttl", org)
    first = harvest(src)
    found = by_title(datasets_of(org))
    assert set(found) == {"Bancs publics", "Toilettes publiques"}
    bancs = found["Bancs publics"]
    assert bancs["contact_name"] == "Service voirie"
    assert not bancs.get("contact_email")
    assert [r["url"] for r in bancs["resources"]] == [
        "https://data.example.fr/files/bancs.csv"
    ]
    assert [t["name"] for t in bancs["tags"]] == ["mobilier urbain"]
    dropped = [e for e in first.object_errors if "Valeur invalide ignorée" in e]
    assert any("contact_email" in e and "voirie at example" in e for e in dropped)
    assert all("le jeu de données est importé sans elle" in e for e in dropped)
    assert any(
        "sans titre" in e.lower() or "dct:title" in e for e in first.object_errors
    )
    second = harvest(src)
    assert (second.counts["added"], second.counts["updated"]) == (0, 0)


def test_drop_invalid_keeps_essential_errors_fatal():
    dataset = {
        "title": "x",
        "contact_email": "bad",
        "resources": [{"url": "a", "format": "?"}, {"url": "b"}, {"url": ""}],
        "tags": [{"name": "ok"}, {"name": "!"}],
    }
    errors = {
        "contact_email": ["Adresse invalide"],
        "resources": [{"format": ["bad"]}, {}, {"url": ["Missing value"]}],
        "tags": [{}, {"name": ["bad tag"]}],
    }
    dropped = drop_invalid(dataset, errors)
    assert dropped is not None
    assert {d.field for d in dropped} == {
        "contact_email",
        "resources[0].format",
        "resources[2]",
        "tags[1]",
    }
    assert dataset == {
        "title": "x",
        "resources": [{"url": "a"}, {"url": "b"}],
        "tags": [{"name": "ok"}],
    }
    assert drop_invalid({"title": ""}, {"title": ["Missing value"]}) is None
    assert drop_invalid({"name": "x"}, {"name": ["URL already in use"]}) is None
