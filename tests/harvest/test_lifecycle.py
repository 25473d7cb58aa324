"""Lifecycle of harvested datasets across runs (real stages, local servers)."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from ckan import model
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra

from ckanext.opendata_collectivites.harvest import lifecycle
from tests.harvest import payloads as P
from tests.harvest.conftest import action, by_title, datasets_of, harvest


def snapshot(org):
    return {d["id"]: d["metadata_modified"] for d in datasets_of(org)}


def test_second_run_without_remote_change_modifies_nothing(server, commune, source):
    org = commune("ville-de-rennes")
    src = source(server.mount("rennes", P.ods("rennes")), org)
    assert harvest(src).counts["added"] == 4
    before = snapshot(org)
    second = harvest(src)
    assert second.counts == {
        "added": 0,
        "updated": 0,
        "withdrawn": 0,
        "errors": 0,
        "unchanged": 4,
    }
    assert snapshot(org) == before


def test_remote_change_updates_only_that_dataset(server, commune, source):
    org = commune("ville-de-rennes")
    catalogue = P.ods("rennes")
    src = source(server.mount("rennes", catalogue), org)
    harvest(src)
    before = snapshot(org)
    changed = catalogue.datasets[1]
    changed["metas"]["default"]["title"] = "Qualité de l'air (indices ATMO)"
    changed["metas"]["default"]["keyword"].append("santé")
    summary = harvest(src)
    assert summary.counts["updated"] == 1 and summary.counts["unchanged"] == 3
    after = snapshot(org)
    assert set(after) == set(before)  # same local ids: no duplicate created
    moved = [i for i in after if after[i] != before[i]]
    assert len(moved) == 1
    dataset = action("package_show", id=moved[0])
    assert dataset["title"] == "Qualité de l'air (indices ATMO)"
    assert "santé" in [t["name"] for t in dataset["tags"]]


def test_local_edit_is_kept_until_newer_remote_data(server, commune, source):
    org = commune("ville-de-rennes")
    catalogue = P.ods("rennes")
    src = source(server.mount("rennes", catalogue), org)
    harvest(src)
    vote = by_title(datasets_of(org))["Bureaux de vote de Rennes"]
    action("package_patch", id=vote["id"], title="Bureaux de vote (corrigé)",
           hvd_category=["c_ac64a52d"])
    harvest(src)  # no remote change: the local edit stays
    assert action("package_show", id=vote["id"])["title"] == "Bureaux de vote (corrigé)"
    catalogue.datasets[0]["metas"]["default"]["modified"] = "2025-01-01T00:00:00+00:00"
    harvest(src)  # newer remote data wins
    shown = action("package_show", id=vote["id"])
    assert shown["title"] == "Bureaux de vote de Rennes"
    assert shown["hvd_category"] == ["c_ac64a52d"]  # a field the harvest never writes


def _age_missing_marks(source_id, days):
    """Pretend the missing datasets were first missed ``days`` ago."""
    past = (dt.datetime.utcnow() - dt.timedelta(days=days)).isoformat()
    ids = [
        i
        for (i,) in model.Session.query(HarvestObject.id).filter(
            HarvestObject.harvest_source_id == source_id
        )
    ]
    model.Session.query(HarvestObjectExtra).filter(
        HarvestObjectExtra.key == lifecycle.MISSING_SINCE,
        HarvestObjectExtra.harvest_object_id.in_(ids),
    ).update({"value": past}, synchronize_session=False)
    model.Session.commit()


def test_remote_deletion_withdraws_after_the_grace_period_only(server, commune, source):
    org = commune("ville-de-rennes")
    catalogue = P.ods("rennes")
    src = source(server.mount("rennes", catalogue), org, {"grace_days": 3})
    harvest(src)
    gone = catalogue.datasets.pop(2)  # "Équipements sportifs"
    first = harvest(src)
    assert first.counts["withdrawn"] == 0
    assert "Équipements sportifs" in by_title(datasets_of(org))
    _age_missing_marks(src["id"], 2)
    assert harvest(src).counts["withdrawn"] == 0
    assert "Équipements sportifs" in by_title(datasets_of(org))
    _age_missing_marks(src["id"], 4)
    summary = harvest(src)
    assert summary.counts["withdrawn"] == 1
    assert sorted(by_title(datasets_of(org))) == [
        "Bureaux de vote de Rennes",
        "Menus des cantines scolaires",
        "Qualité de l'air : mesures quotidiennes",
    ]
    # Coming back later: the same local dataset is restored, not duplicated.
    catalogue.datasets.append(gone)
    back = harvest(src)
    assert back.counts["updated"] == 1  # the withdrawn dataset is restored
    assert len(datasets_of(org)) == 4
    assert (
        model.Session.query(model.Package)
        .filter(model.Package.title == "Équipements sportifs")
        .count()
        == 1
    )


def test_dataset_back_before_the_grace_period_is_not_withdrawn(server, commune, source):
    org = commune("ville-de-rennes")
    catalogue = P.ods("rennes")
    src = source(server.mount("rennes", catalogue), org, {"grace_days": 1})
    harvest(src)
    gone = catalogue.datasets.pop(0)
    harvest(src)
    catalogue.datasets.insert(0, gone)
    harvest(src)
    _age_missing_marks(src["id"], 5)  # no mark left to age
    catalogue.datasets.pop(1)
    summary = harvest(src)
    assert summary.counts["withdrawn"] == 0
    assert len(datasets_of(org)) == 4


def test_unreachable_source_withdraws_nothing(server, commune, source):
    org = commune("ville-de-rennes")
    catalogue = P.ods("rennes")
    src = source(server.mount("rennes", catalogue), org, {"grace_days": 0})
    harvest(src)
    before = snapshot(org)
    del server.mounts["rennes"]  # the portal now answers 404 everywhere
    summary = harvest(src)
    assert not summary.ok
    assert "Aucun catalogue reconnu" in summary.gather_errors[0]
    assert snapshot(org) == before


@pytest.mark.ckan_config("ckanext.collectivites.harvest.retries", "0")
def test_partly_read_source_withdraws_nothing(server, commune, source):
    org = commune("ville-de-rennes")
    template = P.ods("rennes").datasets[0]
    datasets = []
    for n in range(130):
        d = copy.deepcopy(template)
        d["dataset_uid"] = f"da_{n:04d}"
        d["dataset_id"] = f"jeu-{n}"
        d["metas"]["default"]["title"] = f"Jeu de données {n}"
        datasets.append(d)
    catalogue = P.ods("rennes")
    catalogue.datasets = datasets
    src = source(server.mount("big", catalogue), org, {"grace_days": 0})
    assert harvest(src).counts["added"] == 130
    before = snapshot(org)
    catalogue.broken_offsets = {100}  # page 2 fails
    summary = harvest(src)
    assert not summary.ok
    assert (
        "a répondu avec le statut HTTP 500" in summary.gather_errors[0]
        or "indisponible" in summary.gather_errors[0]
    )
    assert snapshot(org) == before


def test_two_sources_carrying_the_same_dataset_give_one(server, commune, source):
    rennes = commune("ville-de-rennes")
    brest = commune("ville-de-brest")
    ods_url = server.mount("rennes", P.ods("rennes"))
    mirror = P.ckan("quimper")
    # A CKAN portal that re-publishes one of the Rennes datasets under its
    # stable identifier (its Opendatasoft URI); another one only shares a
    # landing page with a Rennes dataset: a distinct dataset, imported.
    page = f"{ods_url}/explore/dataset/bureaux-de-vote-rennes/"
    mirror.datasets[0]["identifier"] = page
    mirror.datasets[1]["url"] = page
    ods_src = source(ods_url, rennes)
    ckan_src = source(server.mount("mirror", mirror), brest)
    harvest(ods_src)
    summary = harvest(ckan_src)
    assert summary.counts["added"] == 1 and summary.counts["unchanged"] == 1
    assert any("Déjà moissonné par un autre chemin" in e for e in summary.object_errors)
    titles = [d["title"] for d in datasets_of(rennes) + datasets_of(brest)]
    assert len(titles) == 5
    assert "Marchés publics attribués" not in titles
    # Running again changes nothing and still imports it once.
    again = harvest(ckan_src)
    assert again.counts["added"] == 0
    assert len(datasets_of(brest)) == 1
