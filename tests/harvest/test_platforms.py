"""End to end: real harvest stages against local servers answering like each
platform (two catalogues per platform), datasets checked field by field."""

from __future__ import annotations

from tests.harvest import payloads as P
from tests.harvest.conftest import by_title, datasets_of, harvest


def resources_by_format(dataset):
    return {r["format"]: r for r in dataset["resources"]}


def test_opendatasoft_v21_rennes(server, commune, source):
    org = commune("ville-de-rennes")
    url = server.mount("rennes", P.ods("rennes"))
    summary = harvest(source(url + "/explore/", org))
    assert summary.ok, summary.gather_errors
    assert summary.counts["added"] == 4 and summary.counts["errors"] == 0

    found = by_title(datasets_of(org))
    vote = found["Bureaux de vote de Rennes"]
    assert vote["notes"] == (
        "Liste des 89 bureaux de vote de la ville.\n\n"
        "Mise à jour avant chaque élection."
    )
    assert vote["themes"] == ["administration"]
    assert sorted(t["name"] for t in vote["tags"]) == [
        "bureaux de vote",
        "citoyenneté",
        "élections",
    ]
    assert vote["license_id"] == "lov2"
    assert vote["frequency"] == "ANNUAL"
    assert (vote["temporal_start"], vote["temporal_end"]) == (
        "2019-01-01",
        "2024-12-31",
    )
    assert vote["territories"] == ["commune:35238"]
    assert vote["contact_email"] == "donnees@ville-rennes.fr"
    assert vote["contact_name"] == "Service des élections"
    assert not vote.get("producer_name")  # the publisher is the owner itself
    assert vote["url"] == f"{url}/explore/dataset/bureaux-de-vote-rennes/"
    assert vote["modified"] == "2024-05-06"
    formats = resources_by_format(vote)
    assert set(formats) == {"CSV", "JSON", "GeoJSON", "SHP", "PDF"}
    assert formats["CSV"]["url"] == (
        f"{url}/api/explore/v2.1/catalog/datasets/bureaux-de-vote-rennes/exports/csv"
    )
    assert formats["PDF"]["name"] == "Notice des bureaux de vote"
    assert formats["PDF"]["url"] == (
        f"{url}/api/datasets/1.0/bureaux-de-vote-rennes/attachments/notice_pdf/"
    )

    air = found["Qualité de l'air : mesures quotidiennes"]
    assert air["license_id"] == "odc-odbl"
    assert air["frequency"] == "DAILY"
    assert air["themes"] == ["environnement"]
    assert "qualité de l air" in [t["name"] for t in air["tags"]]
    assert air["producer_name"] == "Air Breizh"
    assert set(resources_by_format(air)) == {"CSV", "JSON"}  # not geo

    sport = found["Équipements sportifs"]
    assert sport["conforms_to"] == (
        "https://schema.data.gouv.fr/schemas/scdl/equipements/0.1.3/schema.json"
    )
    assert "PLU-PLUi" in [t["name"] for t in sport["tags"]]
    assert sport["frequency"] == "IRREG"

    cantine = found["Menus des cantines scolaires"]
    # Unmatched theme: kept as a keyword and reported on the object.
    assert not cantine.get("themes")
    assert "Vie scolaire et périscolaire" in [t["name"] for t in cantine["tags"]]
    assert not cantine.get("territories")  # the source names none (#12)
    assert any(
        "Thème non reconnu" in e and "Vie scolaire" in e for e in summary.object_errors
    )


def test_opendatasoft_v1_fallback_vanves(server, commune, source):
    org = commune("ville-de-vanves")
    url = server.mount("vanves", P.ods("vanves", versions=("v1",)))
    summary = harvest(source(url, org))
    assert summary.ok, summary.gather_errors
    assert summary.counts["added"] == 3
    found = by_title(datasets_of(org))
    arbres = found["Arbres d'alignement"]
    assert arbres["themes"] == ["environnement"]  # English default label
    assert arbres["license_id"] == "lov2"
    # > 50,000 records: no shapefile export; two attachments.
    assert sorted(r["format"] for r in arbres["resources"]) == [
        "CSV",
        "GeoJSON",
        "JSON",
        "PDF",
        "XLSX",
    ]
    assert resources_by_format(arbres)["CSV"]["url"] == (
        f"{url}/explore/dataset/arbres-d-alignement/download/?format=csv"
    )
    parking = found["Plan de stationnement"]
    assert parking["themes"] == ["transports-deplacements", "amenagement-urbanisme"]
    assert [r["format"] for r in parking["resources"]] == ["PDF"]  # no records


def test_ckan_portal_with_organisation_filter(server, commune, source):
    org = commune("ville-de-brest")
    url = server.mount("brest", P.ckan("brest"))
    summary = harvest(source(url + "/organization/ville-de-brest", org))
    assert summary.ok, summary.gather_errors
    found = by_title(datasets_of(org))
    # Brest Métropole's dataset and the remote harvest source are left out.
    assert sorted(found) == [
        "Délibérations du conseil municipal",
        "Horaires des piscines municipales",
    ]
    pool = found["Horaires des piscines municipales"]
    assert pool["frequency"] == "WEEKLY"
    assert pool["contact_name"] == "Direction des sports"
    assert pool["territories"] == ["commune:29019"]
    assert pool["url"] == f"{url}/dataset/horaires-piscines"
    assert pool["notes"].startswith("Horaires d'ouverture **hebdomadaires**")
    sizes = {r["format"]: r.get("size") for r in pool["resources"]}
    assert sizes == {"CSV": 2048, "JSON": 4096}
    # Remote ids are never reused as local ids.
    assert pool["id"] != "0a6f1f1e-1c1b-4d4e-9a0a-2f1e0d6b7a01"
    delib = found["Délibérations du conseil municipal"]
    assert delib["license_id"] == "odc-odbl"
    assert delib["themes"] == ["administration"]  # group "Citoyenneté"
    assert delib["conforms_to"] == (
        "https://schema.data.gouv.fr/schemas/scdl/deliberations/2.1.3/schema.json"
    )
    assert delib["url"] == "https://www.brest.example.fr/deliberations"
    assert len(delib["resources"]) == 3


def test_ckan_portal_scheming_fields(server, commune, source):
    org = commune("ville-de-brest")
    url = server.mount("quimper", P.ckan("quimper"))
    summary = harvest(source(url, org))
    assert summary.ok and summary.counts["added"] == 2
    found = by_title(datasets_of(org))
    decp = found["Marchés publics attribués"]
    assert decp["themes"] == ["economie-emploi"]
    assert decp["frequency"] == "QUARTERLY"
    assert (decp["temporal_start"], decp["temporal_end"]) == (
        "2019-01-01",
        "2024-06-30",
    )
    assert decp["license_id"] == "fr-lo"
    assert found["Toilettes publiques"]["themes"] == ["services-social"]


def test_udata_organisation(server, commune, source):
    org = commune("ville-de-saint-malo")
    url = server.mount("dgf", P.udata("saint-malo"))
    summary = harvest(source(url + "/fr/organizations/ville-de-saint-malo/", org))
    assert summary.ok, summary.gather_errors
    assert summary.counts["added"] == 3
    found = by_title(datasets_of(org))
    tides = found["Horaires des marées"]
    assert tides["license_id"] == "lov2"
    assert tides["frequency"] == "ANNUAL"
    assert tides["territories"] == ["commune:35288"]
    assert tides["spatial_granularity"] == "communale"
    assert tides["contact_email"] == "port@saint-malo.example.fr"
    assert {r["format"] for r in tides["resources"]} == {"CSV", "PDF"}
    delib = found["Délibérations du conseil municipal de Saint-Malo"]
    assert delib["conforms_to"] == (
        "https://schema.data.gouv.fr/schemas/scdl/deliberations/2.1.3/schema.json"
    )
    plages = found["Fréquentation des plages"]
    # Harvested by data.gouv.fr from elsewhere: the original landing page.
    assert (
        plages["url"]
        == "https://saint-malo.example.fr/explore/dataset/frequentation-plages/"
    )


def test_udata_second_organisation_epci(server, commune, source):
    org = commune("ville-de-vanves")
    url = server.mount("dgf2", P.udata("lorient"))
    summary = harvest(source(url + "/fr/organizations/lorient-agglomeration/", org))
    assert summary.ok and summary.counts["added"] == 2
    found = by_title(datasets_of(org))
    verre = found["Points de collecte du verre"]
    assert verre["territories"] == ["epci:200042174"]
    assert verre["frequency"] == "ANNUAL_2"
    assert verre["spatial_granularity"] == "intercommunale"


def test_dcat_turtle_with_hydra_paging(server, commune, source):
    org = commune("ville-de-rennes")
    server.mount("lannion", P.lannion(server))
    summary = harvest(source(server.url("lannion") + "/catalog.ttl", org))
    assert summary.ok, summary.gather_errors
    found = by_title(datasets_of(org))
    assert sorted(found) == [
        "Marchés de plein air",
        "Parkings publics",
        "Écoles maternelles et élémentaires",
    ]
    parkings = found["Parkings publics"]
    assert parkings["themes"] == ["transports-deplacements"]
    assert parkings["frequency"] == "MONTHLY"
    assert parkings["contact_email"] == "mobilite@lannion.example.fr"
    assert parkings["producer_name"] == "Ville de Lannion"
    assert sorted(t["name"] for t in parkings["tags"]) == ["parking", "stationnement"]
    csv = resources_by_format(parkings)["CSV"]
    assert (
        csv["access_url"] == "https://data.lannion.example.fr/explore/dataset/parkings/"
    )
    ecoles = found["Écoles maternelles et élémentaires"]
    assert ecoles["license_id"] == "lov2"
    assert ecoles["frequency"] == "ANNUAL"
    assert (ecoles["temporal_start"], ecoles["temporal_end"]) == (
        "2023-09-01",
        "2024-07-06",
    )
    # EU theme label "Éducation, culture et sport": its parts are matched.
    assert ecoles["themes"] == ["education-recherche"]
    assert resources_by_format(ecoles)["CSV"]["size"] == 12345
    assert ecoles["conforms_to"].endswith("/scdl/equipements/0.1.3/schema.json")


def test_dcat_rdf_xml(server, commune, source):
    org = commune("ville-de-vanves")
    url = server.mount("morlaix", P.morlaix())
    summary = harvest(source(url + "/catalog.xml", org))
    assert summary.ok, summary.gather_errors
    found = by_title(datasets_of(org))
    cimetieres = found["Cimetières communaux"]
    assert cimetieres["license_id"] == "odc-odbl"
    assert cimetieres["frequency"] == "ANNUAL"
    assert cimetieres["contact_name"] == "État civil"
    assert (cimetieres["temporal_start"], cimetieres["temporal_end"]) == (
        "2022-01-01",
        "2022-12-31",
    )
    assert {r["format"] for r in cimetieres["resources"]} == {"CSV", "KML"}
    assert found["Monuments historiques"]["themes"] == ["culture-patrimoine"]


def test_scdl_csv_semicolon(server, commune, source):
    org = commune("ville-de-rennes")
    url = server.mount("dinan", P.scdl("dinan"))
    summary = harvest(source(url + "/catalogue.csv", org))
    assert summary.ok and summary.counts["added"] == 3
    found = by_title(datasets_of(org))
    subv = found["Subventions aux associations"]
    assert subv["license_id"] == "lov2"
    assert subv["frequency"] == "ANNUAL"
    assert subv["spatial_granularity"] == "communale"
    assert sorted(t["name"] for t in subv["tags"]) == ["associations", "subventions"]
    # one address in the catalogue: one resource (the page), its formats in words
    (page,) = subv["resources"]
    assert page["format"] == "" and page["description"] == "Formats : CSV, JSON."
    assert subv["url"] == "https://www.dinan.example.fr/donnees/subventions"
    dae = found["Défibrillateurs"]
    assert dae["producer_name"] == "Dinan Agglomération"
    assert dae["producer_siren"] == "200068989"
    assert dae["themes"] == ["sante"]
    assert dae["frequency"] == "IRREG"


def test_scdl_csv_comma_with_a_bad_line(server, commune, source):
    org = commune("ville-de-rennes")
    url = server.mount("pleneuf", P.scdl("pleneuf"))
    summary = harvest(source(url + "/catalogue.csv", org))
    assert summary.ok
    assert summary.counts == {
        "added": 2,
        "updated": 0,
        "withdrawn": 0,
        "errors": 1,
        "unchanged": 0,
    }
    assert any(
        "La ligne 3 du catalogue SCDL est invalide" in e and "31/09/2024" in e
        for e in summary.object_errors
    )
    found = by_title(datasets_of(org))
    assert sorted(found) == ["Marché estival", "Plages surveillées"]
