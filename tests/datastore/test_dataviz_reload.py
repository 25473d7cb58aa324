"""A table reloaded without coordinate columns: its default maps are
deleted, an administrator's map stays and explains in French why it is
empty (real CKAN app, DataStore and jobs queue)."""

from __future__ import annotations

from bs4 import BeautifulSoup
from ckan.tests.helpers import call_action

from .conftest import run_jobs

WITHOUT_POSITIONS = (
    b"EQUIP_NOM;EQUIP_TYPE;ADR_COMMUNE\n"
    b"Centre aquatique du Naye;Piscine;Saint-Malo\n"
    b"Stade de Marville;Stade;Saint-Malo\n"
)
MESSAGE = (
    "Ce tableau ne contient plus de colonnes de coordonnées : "
    "la carte ne peut pas être affichée."
)


def maps_of(res_id: str) -> dict[str, str]:
    """Title → id of the resource's map views."""
    found = call_action("resource_view_list", {"ignore_auth": True}, id=res_id)
    return {v["title"]: v["id"] for v in found if v["view_type"] == "collectivites_map"}


def test_reload_without_positions_drops_default_maps(
    app, equipements, serve, queue, org
):
    pkg, res_id = equipements()
    admin = {"user": org["admin"]["name"]}
    default_id = maps_of(res_id)["Carte"]  # made by the worker, in French
    # A map made by an English-speaking administrator keeps CKAN's title:
    # a default title too.
    english = call_action(
        "resource_view_create",
        dict(admin),
        resource_id=res_id,
        view_type="collectivites_map",
        title="Map",
    )
    # An administrator's renamed map.
    own = call_action(
        "resource_view_create",
        dict(admin),
        resource_id=res_id,
        view_type="collectivites_map",
        title="Carte",
    )
    call_action(
        "resource_view_update",
        dict(admin),
        id=own["id"],
        resource_id=res_id,
        view_type="collectivites_map",
        title="Équipements de Saint-Malo",
    )
    assert set(maps_of(res_id).values()) == {default_id, english["id"], own["id"]}

    call_action(
        "resource_patch",
        dict(admin),
        id=res_id,
        url=serve("equip-sans-positions.csv", WITHOUT_POSITIONS),
    )
    assert run_jobs(queue) == ["complete"]

    assert maps_of(res_id) == {"Équipements de Saint-Malo": own["id"]}
    for url in (
        f"/dataset/{pkg['name']}/resource/{res_id}?view_id={own['id']}",
        f"/dataset/{pkg['name']}/resource/{res_id}/view/{own['id']}",
    ):
        page = app.get(url, status=200)
        soup = BeautifulSoup(page.body, "html.parser")
        view = soup.select_one(".collectivites-dataviz--map")
        assert view.select_one(".alert-warning").get_text(strip=True) == MESSAGE
        assert view.select_one("[data-collectivites-map]") is None


def test_reload_with_positions_keeps_the_map(app, equipements, serve, queue, org):
    pkg, res_id = equipements()
    default_id = maps_of(res_id)["Carte"]
    csv = b"EQUIP_NOM;EQUIP_LAT;EQUIP_LONG\nCentre aquatique du Naye;48.6433;-2.0115\n"
    call_action(
        "resource_patch",
        {"user": org["admin"]["name"]},
        id=res_id,
        url=serve("equip-court.csv", csv),
    )
    assert run_jobs(queue) == ["complete"]
    assert maps_of(res_id) == {"Carte": default_id}
    page = app.get(f"/dataset/{pkg['name']}/resource/{res_id}?view_id={default_id}")
    rows = BeautifulSoup(page.body, "html.parser").select(
        "table.collectivites-map__list tbody th"
    )
    assert [r.get_text() for r in rows] == ["Centre aquatique du Naye"]
