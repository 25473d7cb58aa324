"""The vocabulary API other rooms code against (no CKAN app needed)."""

from __future__ import annotations

import filecmp
import os

import pytest

from ckanext.opendata_collectivites import vocabularies as voc
from ckanext.opendata_collectivites.vocabularies.themes import DEFAULT_FILE

REPO = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))


def test_portal_themes_have_labels_icons_and_valid_eu_mapping():
    themes = voc.portal_themes()
    assert len(themes) >= 12
    eu = {c.code for c in voc.eu_themes()}
    assert len(eu) == 14  # 13 + OP_DATPRO
    slugs = [t.slug for t in themes]
    assert len(slugs) == len(set(slugs))
    for t in themes:
        assert t.label and t.label_en and t.description.endswith(".")
        assert t.icon and t.icon_class.startswith("ri-")
        assert t.eu_themes and set(t.eu_themes) <= eu
    assert voc.portal_theme("environnement").eu_themes == ("ENVI",)
    assert voc.portal_theme("nope") is None


def test_config_themes_file_is_the_shipped_default():
    assert filecmp.cmp(
        os.path.join(REPO, "config", "themes.yaml"),
        DEFAULT_FILE,
        shallow=False,
    )


@pytest.mark.parametrize(
    "vocab,code,label,uri",
    [
        (
            "eu_themes",
            "ENVI",
            "Environnement",
            "http://publications.europa.eu/resource/authority/data-theme/ENVI",
        ),
        (
            "frequencies",
            "ANNUAL",
            "Annuelle",
            "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
        ),
        (
            "access_rights",
            "PUBLIC",
            "Public",
            "http://publications.europa.eu/resource/authority/access-right/PUBLIC",
        ),
        (
            "languages",
            "FRA",
            "Français",
            "http://publications.europa.eu/resource/authority/language/FRA",
        ),
        (
            "hvd_categories",
            "c_ac64a52d",
            "Géospatiales",
            "http://data.europa.eu/bna/c_ac64a52d",
        ),
    ],
)
def test_concepts(vocab, code, label, uri):
    c = voc.concept(vocab, code)
    assert (c.label, c.uri) == (label, uri)
    assert c.label_en and c.scheme.startswith("http")
    assert voc.concept_by_uri(vocab, uri) == c
    assert voc.concept(vocab, "NOPE") is None


def test_frequencies_map_scdl_udata_and_ods_values():
    scdl = [c.scdl for c in voc.frequencies() if c.scdl]
    assert len(scdl) == 15
    cases = {
        "Semestrielle": "ANNUAL_2",
        "Quotidienne ou plusieurs fois par jour": "DAILY",
        "Irrégulière": "IRREG",
        "irreguliere": "IRREG",
        "Continuelle": "UPDATE_CONT",
        "semiannual": "ANNUAL_2",
        "biweekly": "BIWEEKLY",
        "punctual": "AS_NEEDED",
        "Sans régularité": "IRREG",
        "Deux fois par an": "ANNUAL_2",
        "Triennal": "TRIENNIAL",
        "http://purl.org/cld/freq/monthly": "MONTHLY",
        "http://publications.europa.eu/resource/authority/frequency/WEEKLY": "WEEKLY",
        "annual": "ANNUAL",
    }
    for text, code in cases.items():
        assert voc.match_frequency(text).code == code, text
    assert voc.match_frequency("toutes les lunes") is None


def test_licences_are_the_data_gouv_ids_and_urls():
    ids = [lic.id for lic in voc.licences()]
    assert {"lov2", "odc-odbl", "cc-by", "fr-lo", "notspecified"} <= set(ids)
    lo = voc.licence("lov2")
    assert lo.url == "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
    assert (
        voc.licence("odc-odbl").url
        == "http://opendatacommons.org/licenses/odbl/summary/"
    )
    for text, lid in {
        "Licence Ouverte v2.0 (Etalab)": "lov2",
        "etalab-2.0": "lov2",
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/": "lov2",
        "licence ouverte 2.0": "lov2",
        "ODbL": "odc-odbl",
        "https://opendatacommons.org/licenses/odbl/1-0/": "odc-odbl",
        "CC-BY-4.0": "cc-by",
        "Open Database License-ODBL": "odc-odbl",
    }.items():
        assert voc.match_licence(text).id == lid, text
    assert voc.match_licence("licence propriétaire maison") is None


def test_schema_catalogue_exact_versioned_urls():
    url = "https://schema.data.gouv.fr/schemas/scdl/deliberations/2.1.5/schema.json"
    ref = voc.schema_by_url(url)
    assert (ref.name, ref.version, ref.title) == (
        "scdl/deliberations",
        "2.1.5",
        "Délibérations",
    )
    assert ref.is_scdl
    assert voc.schema_by_url(url.replace("2.1.5", "2.1.9")) is None
    assert any(r.name == "scdl/subventions" and r.latest for r in voc.schemas())


@pytest.mark.parametrize(
    "tid,name,siren,kind",
    [
        ("commune:75056", "Paris", "217500016", "commune"),
        ("commune:2A004", "Ajaccio", "212000046", "commune"),
        ("commune:97411", "Saint-Denis", "219740115", "commune"),
        ("epci:243500139", "Rennes Métropole", "243500139", "epci"),
        ("departement:35", "Ille-et-Vilaine", None, "departement"),
        ("region:53", "Bretagne", None, "region"),
    ],
)
def test_territories(tid, name, siren, kind):
    t = voc.territory(tid)
    assert (t.name, t.siren, t.kind) == (name, siren, kind)
    assert t.population > 0
    if siren:
        assert voc.territory_by_siren(siren) == t


def test_territory_parents_and_uris():
    rennes = voc.territory("commune:35238")
    assert {"epci:243500139", "departement:35", "region:53"} <= set(rennes.parents)
    assert rennes.insee_uri == "http://id.insee.fr/geo/commune/35238"
    assert voc.territory("epci:243500139").epci_kind == "METRO"
    assert voc.territory("departement:2A").parents == ("region:94",)
    assert voc.territory("commune:99999") is None


def test_search_territories():
    assert (
        voc.search_territories("saint-denis")[0].id == "commune:97411"
    )  # largest first
    assert voc.search_territories("ajaccio")[0].id == "commune:2A004"
    assert voc.search_territories("2a004")[0].id == "commune:2A004"
    assert voc.search_territories("243500139")[0].id == "epci:243500139"
    assert voc.search_territories("35000")[0].id == "commune:35238"  # postcode
    only_epci = voc.search_territories("rennes", kinds=["epci"])
    assert only_epci and all(t.kind == "epci" for t in only_epci)
    assert len(voc.search_territories("saint", limit=7)) == 7
    assert voc.search_territories("") == []


def test_match_theme():
    assert voc.match_theme("Transport, Movements").slug == "transports-deplacements"
    assert voc.match_theme("Transports, Déplacements").slug == "transports-deplacements"
    assert (
        voc.match_theme("EDUCATION, FORMATION, RECHERCHE, ENSEIGNEMENT").slug
        == "education-recherche"
    )
    assert voc.match_theme("Sport, Loisirs").slug == "sports-loisirs"
    assert voc.match_theme("Thème inconnu") is None
    assert (
        voc.match_theme("Closed Data", overrides={"closed data": "administration"}).slug
        == "administration"
    )
    assert voc.eu_themes_for(["administration", "sante", "nope"]) == [
        "GOVE",
        "ECON",
        "HEAL",
    ]
