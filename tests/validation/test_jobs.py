"""The real job through CKAN's jobs queue (Redis) and an rq worker: uploads,
remote files, unreachable files, re-validation on demand, visibility."""

from __future__ import annotations

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

from .conftest import FIXTURES, STATIONNEMENT, SUBVENTIONS, run_jobs


@pytest.fixture
def show(app):
    """``collectivites_resource_validation_show`` over HTTP (French, as the
    portal serves it): ``show(id)`` anonymous, ``show(id, token, status=403)``."""

    def call(resource_id: str, token: str = "", status: int = 200) -> dict:
        headers = {"Authorization": token} if token else {}
        resp = app.get(
            "/api/3/action/collectivites_resource_validation_show",
            query_string={"id": resource_id},
            headers=headers,
            status=status,
        )
        return resp.json["result"] if status == 200 else resp.json["error"]

    return call


def test_remote_valid_and_invalid_files(dataset, files, queue, show):
    pkg = dataset(
        "stationnement-antibes",
        [
            {
                "name": "valide",
                "url": f"{files}/stationnement-exemple-valide.csv",
                "format": "CSV",
            },
            {
                "name": "invalide",
                "url": f"{files}/stationnement-exemple-invalide.csv",
                "format": "CSV",
            },
        ],
        conforms_to=STATIONNEMENT,
    )
    valid, invalid = (r["id"] for r in pkg["resources"])
    assert show(valid)["status"] == "pending"
    assert sorted(run_jobs(queue)) == ["invalid", "valid"]

    ok = show(valid)
    assert ok["status"] == "valid"
    assert ok["badge"]["label"] == "Conforme au schéma Lieux de stationnement 0.1.5"
    assert ok["schema_version"] == "0.1.5"

    ko = show(invalid)
    assert ko["status"] == "invalid" and ko["error_count"] == 3
    assert ko["badge"]["label"] == "Non conforme : 3 erreurs"
    siret = next(e for e in ko["report"]["errors"] if e["code"] == "french-siret-value")
    assert siret["row"] == 2 and siret["column"] == "num_siret"
    assert siret["message"] == "« 80295478500028 » n'est pas un numéro SIRET valide."
    assert "14 chiffres" in siret["fix"]


def test_package_badges_in_one_call(app, dataset, files, queue):
    pkg = dataset(
        "stationnement-liste",
        [
            {"name": "v", "url": f"{files}/stationnement-exemple-valide.csv"},
            {"name": "i", "url": f"{files}/stationnement-exemple-invalide.csv"},
        ],
        conforms_to=STATIONNEMENT,
    )
    run_jobs(queue)
    url = "/api/3/action/collectivites_package_validation_list"
    badges = app.get(url, query_string={"id": pkg["name"]}).json["result"]
    valid, invalid = (r["id"] for r in pkg["resources"])
    assert badges[valid]["status"] == "valid"
    assert badges[invalid]["label"] == "Non conforme : 3 erreurs"


def test_unreachable_file_is_not_checked_not_invalid(dataset, files, queue, show):
    pkg = dataset(
        "stationnement-disparu",
        [{"name": "absent", "url": f"{files}/introuvable.csv", "format": "CSV"}],
        conforms_to=STATIONNEMENT,
    )
    assert run_jobs(queue) == ["unchecked"]
    result = show(pkg["resources"][0]["id"])
    assert result["status"] == "unchecked"
    assert result["reason"] == "fetch-failed"
    assert result["badge"]["label"] == "Non vérifié"
    assert result["reason_text"] == "Le fichier n'a pas pu être téléchargé."


def test_private_address_is_refused(dataset, queue, show):
    """The HTTP client's address policy applies: 10.0.0.1 is never fetched."""
    pkg = dataset(
        "adresse-privee",
        [{"name": "interne", "url": "http://10.0.0.1/export.csv", "format": "CSV"}],
        conforms_to=STATIONNEMENT,
    )
    assert run_jobs(queue) == ["unchecked"]
    assert show(pkg["resources"][0]["id"])["reason"] == "fetch-failed"


def test_upload_is_read_from_storage(dataset, org, queue, create_with_upload, show):
    pkg = dataset("subventions-antibes", [])
    body = (
        FIXTURES / "validata" / "exemple_invalide_subventions_french_siret_error2.csv"
    ).read_bytes()
    res = create_with_upload(
        body,
        "subventions.csv",
        package_id=pkg["id"],
        name="Subventions 2015",
        format="CSV",
        conforms_to=SUBVENTIONS,
        context={"user": org["admin"]["name"]},
    )
    assert run_jobs(queue) == ["invalid"]
    result = show(res["id"])
    assert result["schema_name"] == "scdl/subventions"
    assert result["badge"]["label"] == "Non conforme : 1 erreur"
    warning_codes = [w["code"] for w in result["report"]["warnings"]]
    assert "missing-optional-column" in warning_codes
    assert result["report"]["warnings"][0]["message"].startswith(
        "La colonne facultative"
    )


def test_unchanged_update_queues_nothing_and_a_new_file_queues_again(
    dataset, files, queue
):
    pkg = dataset(
        "stationnement-maj",
        [
            {
                "name": "f",
                "url": f"{files}/stationnement-exemple-valide.csv",
                "format": "CSV",
            }
        ],
        conforms_to=STATIONNEMENT,
    )
    run_jobs(queue)
    rid = pkg["resources"][0]["id"]
    user = {"user": factories.Sysadmin()["name"]}
    call_action(
        "resource_patch", dict(user), id=rid, description="Mise à jour du texte"
    )
    assert queue.count == 0
    call_action(
        "resource_patch",
        dict(user),
        id=rid,
        url=f"{files}/stationnement-exemple-invalide.csv",
    )
    assert queue.count == 1
    assert run_jobs(queue) == ["invalid"]


def test_dataset_without_schema_is_not_queued(dataset, files, queue, show):
    pkg = dataset(
        "sans-schema",
        [{"name": "f", "url": f"{files}/stationnement-exemple-valide.csv"}],
    )
    assert queue.count == 0
    assert show(pkg["resources"][0]["id"])["badge"]["label"] == "Non vérifié"


def test_validate_on_demand_editor_only(dataset, org, files, queue, show):
    pkg = dataset(
        "stationnement-demande",
        [
            {
                "name": "f",
                "url": f"{files}/stationnement-exemple-valide.csv",
                "format": "CSV",
            }
        ],
        conforms_to=STATIONNEMENT,
    )
    run_jobs(queue)
    rid = pkg["resources"][0]["id"]
    editor, member, outsider = factories.User(), factories.User(), factories.User()
    for user, role in ((editor, "editor"), (member, "member")):
        call_action(
            "organization_member_create",
            {"user": org["admin"]["name"]},
            id=org["id"],
            username=user["name"],
            role=role,
        )
    import ckan.plugins.toolkit as tk

    for user in (member, outsider):
        with pytest.raises(tk.NotAuthorized):
            call_action(
                "collectivites_resource_validate",
                {"user": user["name"], "ignore_auth": False},
                id=rid,
            )
    with pytest.raises(tk.NotAuthorized):
        call_action(
            "collectivites_resource_validate",
            {"user": "", "ignore_auth": False},
            id=rid,
        )
    out = call_action(
        "collectivites_resource_validate",
        {"user": editor["name"], "ignore_auth": False},
        id=rid,
    )
    assert out["status"] == "pending" and out["job_id"]
    assert queue.count == 1
    assert run_jobs(queue) == ["valid"]


def test_private_dataset_result_is_not_shown_to_anonymous(
    app, dataset, org, files, queue, show
):
    pkg = dataset(
        "stationnement-prive",
        [
            {
                "name": "f",
                "url": f"{files}/stationnement-exemple-invalide.csv",
                "format": "CSV",
            }
        ],
        conforms_to=STATIONNEMENT,
        private=True,
    )
    run_jobs(queue)
    rid = pkg["resources"][0]["id"]
    error = show(rid, status=403)
    assert error["__type"] == "Authorization Error"
    app.get(
        "/api/3/action/collectivites_package_validation_list",
        query_string={"id": pkg["id"]},
        status=403,
    )
    show(rid, factories.UserWithToken()["token"], status=403)
    member = factories.UserWithToken()
    call_action(
        "organization_member_create",
        {"user": org["admin"]["name"]},
        id=org["id"],
        username=member["name"],
        role="member",
    )
    assert show(rid, member["token"])["status"] == "invalid"


def test_ckan_jobs_worker_command_runs_the_job(dataset, files, queue, show):
    """The production path: ``ckan jobs worker --burst`` (CKAN's forking
    worker, its own process and database connection) runs the queued check."""
    import os
    import pathlib
    import subprocess
    import sys

    pkg = dataset(
        "stationnement-worker",
        [
            {
                "name": "f",
                "url": f"{files}/stationnement-exemple-invalide.csv",
                "format": "CSV",
            }
        ],
        conforms_to=STATIONNEMENT,
    )
    assert queue.count == 1
    ckan = pathlib.Path(sys.executable).with_name("ckan")
    ini = pathlib.Path(__file__).parents[2] / "test.ini"
    done = subprocess.run(
        [str(ckan), "-c", str(ini), "jobs", "worker", "--burst"],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert queue.count == 0
    result = show(pkg["resources"][0]["id"])
    assert result["status"] == "invalid" and result["error_count"] == 3


def test_search_facet_follows_the_verdicts(app, dataset, files, queue):
    """Facet "Conformité au schéma": the job re-indexes the dataset with its
    verdict; anonymous search never sees private datasets."""
    ok = dataset(
        "facette-conforme",
        [{"name": "f", "url": f"{files}/stationnement-exemple-valide.csv"}],
        conforms_to=STATIONNEMENT,
    )
    ko = dataset(
        "facette-non-conforme",
        [
            {"name": "v", "url": f"{files}/stationnement-exemple-valide.csv"},
            {"name": "i", "url": f"{files}/stationnement-exemple-invalide.csv"},
        ],
        conforms_to=STATIONNEMENT,
    )
    dataset(
        "facette-privee",
        [{"name": "i", "url": f"{files}/stationnement-exemple-invalide.csv"}],
        conforms_to=STATIONNEMENT,
        private=True,
    )
    dataset("facette-sans-schema", [{"name": "f", "url": f"{files}/x.csv"}])

    def search(**params) -> dict:
        return app.get(
            "/api/3/action/package_search",
            query_string={"facet.field": '["vocab_validation"]', **params},
        ).json["result"]

    pending = search()["search_facets"]["vocab_validation"]["items"]
    assert {i["name"]: i["count"] for i in pending} == {"unchecked": 2}
    run_jobs(queue)
    items = search()["search_facets"]["vocab_validation"]["items"]
    assert {i["name"]: i["count"] for i in items} == {"valid": 1, "invalid": 1}
    assert {i["name"]: i["display_name"] for i in items} == {
        "valid": "Conforme",
        "invalid": "Non conforme",
    }
    found = search(fq="vocab_validation:invalid")["results"]
    assert [d["name"] for d in found] == [ko["name"]]
    assert ok["name"] in {
        d["name"] for d in search(fq="vocab_validation:valid")["results"]
    }
    page = app.get("/dataset/").body
    assert "Conformité au schéma" in page
