"""Badges on the dataset and resource pages, the French report page, the
"check again" button (editors only)."""

from __future__ import annotations

import html
import re

from ckan.tests import factories
from ckan.tests.helpers import call_action

from .conftest import STATIONNEMENT, run_jobs


def _text(body: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def test_badges_and_report(app, dataset, org, files, queue):
    pkg = dataset(
        "stationnement-pages",
        [
            {
                "name": "Parkings valides",
                "url": f"{files}/stationnement-exemple-valide.csv",
                "format": "CSV",
            },
            {
                "name": "Parkings invalides",
                "url": f"{files}/stationnement-exemple-invalide.csv",
                "format": "CSV",
            },
        ],
        conforms_to=STATIONNEMENT,
    )
    valid, invalid = (r["id"] for r in pkg["resources"])
    page = _text(app.get(f"/dataset/{pkg['name']}").body)
    assert page.count("Vérification en cours") == 2
    run_jobs(queue)

    page = _text(app.get(f"/dataset/{pkg['name']}").body)
    assert "Conforme au schéma Lieux de stationnement 0.1.5" in page
    assert "Non conforme : 3 erreurs" in page
    resource_page = _text(app.get(f"/dataset/{pkg['name']}/resource/{invalid}").body)
    assert "Non conforme : 3 erreurs" in resource_page

    report = app.get(f"/dataset/{pkg['name']}/resource/{invalid}/validation").body
    text = _text(report)
    assert "Rapport de validation" in text
    assert "Erreurs à corriger" in text
    assert "« 80295478500028 » n'est pas un numéro SIRET valide." in text
    assert (
        "Utilisez exactement l'une de ces valeurs : "
        "gratuit ; normal_payant ; tarif_special." in text
    )
    assert "« P-001 » n'a pas la forme attendue." in text
    # errors by row and column
    assert re.search(r"<td>2</td>\s*<td><code>num_siret</code></td>", report)
    assert "Vérifier de nouveau" not in text  # anonymous: no button

    ok = _text(app.get(f"/dataset/{pkg['name']}/resource/{valid}/validation").body)
    assert "Conforme au schéma Lieux de stationnement 0.1.5" in ok
    assert "Erreurs à corriger" not in ok


def test_check_again_button_for_editors(app, dataset, org, files, queue):
    pkg = dataset(
        "stationnement-bouton",
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
    editor = factories.UserWithToken()
    call_action(
        "organization_member_create",
        {"user": org["admin"]["name"]},
        id=org["id"],
        username=editor["name"],
        role="editor",
    )
    url = f"/dataset/{pkg['name']}/resource/{rid}/validation"
    headers = {"Authorization": editor["token"]}
    assert "Vérifier de nouveau" in _text(app.get(url, headers=headers).body)
    resp = app.post(url, headers=headers, follow_redirects=True)
    assert "Le fichier sera vérifié de nouveau dans quelques instants." in _text(
        resp.body
    )
    assert queue.count == 1
    app.post(url, status=403)  # anonymous
    assert queue.count == 1


def test_report_of_private_dataset_is_hidden(app, dataset, files, queue):
    pkg = dataset(
        "stationnement-cache",
        [
            {
                "name": "f",
                "url": f"{files}/stationnement-exemple-valide.csv",
                "format": "CSV",
            }
        ],
        conforms_to=STATIONNEMENT,
        private=True,
    )
    rid = pkg["resources"][0]["id"]
    app.get(f"/dataset/{pkg['name']}/resource/{rid}/validation", status=403)
    app.get(f"/dataset/{pkg['name']}/resource/pas-une-ressource/validation", status=404)
