"""#12 defects 7 and 8: vocabulary gaps and platform shapes.

- EU data themes, HVD categories, EuroVoc domains and INSPIRE themes (by URI
  or label) become portal themes; an unknown theme URI is no keyword;
- every spelling of the Licence Ouverte, UK OGL, CC variants and licence
  texts holding a known URL are recognised;
- BCP 47 tags and EU authority URIs give the language (``en-US`` → ENG);
- unmatched values are reported once per harvest, not once per record;
- data.gouv.fr API v2 records (resources as a link object) are read, their
  resource pages followed;
- a harvested dataset without a publication date gets none in the DCAT feed.
"""

from __future__ import annotations

import pathlib

import pytest
import yaml
from ckan import model
from ckanext.harvest.model import HarvestObject, HarvestObjectError
from rdflib import Graph
from rdflib.namespace import DCTERMS

from ckanext.opendata_collectivites import vocabularies as voc
from ckanext.opendata_collectivites.harvest.config import SourceConfig
from ckanext.opendata_collectivites.harvest.mapper import Owner, map_record
from ckanext.opendata_collectivites.harvest.payload_server import (
    FileCatalogue,
    UdataCatalogue,
)
from ckanext.opendata_collectivites.harvest.record import Record
from tests.harvest.conftest import by_title, datasets_of, harvest

ROOT = pathlib.Path(__file__).resolve().parents[2]
OWNER = Owner("org-id", "ville-de-rennes", "Ville de Rennes", "commune:35238")


def _map(**fields):
    record = Record(guid="g", title="T", platform="dcat", **fields)
    return map_record(record, "src", OWNER, SourceConfig())


@pytest.mark.parametrize(
    ("value", "slug"),
    [
        (
            "http://publications.europa.eu/resource/authority/data-theme/ECON",
            "economie-emploi",
        ),
        (
            "https://publications.europa.eu/resource/authority/data-theme/TRAN/",
            "transports-deplacements",
        ),
        (
            "http://publications.europa.eu/mdr/authority/data-theme/ENVI",
            "environnement",
        ),
        ("Économie et finances", "economie-emploi"),
        ("Economy and finance", "economie-emploi"),
        ("http://data.europa.eu/bna/c_b79e35eb", "transports-deplacements"),
        ("http://eurovoc.europa.eu/100142", "administration"),
        ("http://eurovoc.europa.eu/100155", "environnement"),
        ("http://inspire.ec.europa.eu/theme/hy", "environnement"),
        ("https://inspire.ec.europa.eu/theme/ad/", "referentiels-geographiques"),
        ("Hydrographie", "environnement"),
        ("Transport networks", "transports-deplacements"),
    ],
)
def test_remote_theme_vocabularies_become_portal_themes(value, slug):
    mapped = _map(themes=[value])
    assert mapped.dataset["themes"] == [slug]
    assert mapped.dataset["tags"] == []


def test_unknown_theme_uris_are_dropped_and_reported_never_made_keywords():
    mapped = _map(
        themes=[
            "http://eurovoc.europa.eu/100142/x",
            "http://aims.fao.org/aos/agrovoc/c_2821",
        ],
        keywords=["vélo"],
    )
    assert [t["name"] for t in mapped.dataset["tags"]] == ["vélo"]
    assert [n[0] for n in mapped.notes] == [
        "Theme not recognised: %(value)s (dropped)."
    ] * 2
    known_without_theme = _map(themes=["http://eurovoc.europa.eu/100143"])
    assert known_without_theme.dataset["themes"] == []
    assert known_without_theme.notes == []


@pytest.mark.parametrize(
    ("text", "licence_id"),
    [
        ("Licence Ouverte Version 2.0", "lov2"),
        ("Licence Ouverte version 2.0 (Etalab)", "lov2"),
        ("Licence Ouverte / Open Licence version 2.0", "lov2"),
        ("licence ouverte v2", "lov2"),
        ("https://www.etalab.gouv.fr/licence-ouverte-open-licence/", "lov2"),
        (
            "<p>Soumis à la licence : https://www.etalab.gouv.fr/licence-ouverte-open-licence</p>",
            "lov2",
        ),
        ("Licence Ouverte Version 1.0", "fr-lo"),
        ("Licence Ouverte / Open Licence", "fr-lo"),
        ("Open Government Licence v3.0", "other-at"),
        (
            "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
            "other-at",
        ),
        ("CC BY 3.0", "cc-by"),
        ("https://creativecommons.org/licenses/by/3.0/fr/", "cc-by"),
        ("Creative Commons Attribution-ShareAlike 4.0 International", "cc-by-sa"),
        ("http://dcat-ap.de/def/licenses/cc-zero", "cc-zero"),
        ("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0", "cc-by"),
    ],
)
def test_licence_spellings(text, licence_id):
    found = voc.match_licence(text)
    assert found is not None and found.id == licence_id


def test_licence_text_without_a_known_name_stays_unrecognised():
    assert voc.match_licence("Soumis à la licence de la collectivité") is None
    assert voc.match_licence("copyright") is None


@pytest.mark.parametrize(
    ("values", "codes"),
    [
        (["en-US"], ["ENG"]),
        (["fr-FR", "br"], ["FRA", "BRE"]),
        (["http://publications.europa.eu/resource/authority/language/DEU"], ["DEU"]),
        (["es_ES"], ["SPA"]),
        ([], ["FRA"]),
    ],
)
def test_languages_from_bcp47_and_eu_uris(values, codes):
    assert _map(language=values).dataset["language"] == codes


def test_unknown_language_is_reported_not_replaced_by_french():
    mapped = _map(language=["tlh"])
    assert mapped.dataset["language"] == []
    assert mapped.notes == [("Language not recognised: %(value)s.", {"value": "tlh"})]


def test_shipped_theme_mappings_point_at_portal_themes():
    data = ROOT / "ckanext/opendata_collectivites/vocabularies/data/theme_mappings.yaml"
    assert (ROOT / "config/theme_mappings.yaml").read_text() == data.read_text()
    slugs = {t.slug for t in voc.portal_themes()}
    for scheme in yaml.safe_load(data.read_text())["schemes"].values():
        for target in scheme["map"].values():
            slug = target.get("theme") if isinstance(target, dict) else target
            assert slug is None or slug in slugs, slug


TTL = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<http://example.fr/c> a dcat:Catalog ; dcat:dataset {refs} .
{datasets}
"""


def _catalogue(n: int) -> bytes:
    refs = ", ".join(f"<http://example.fr/d/{i}>" for i in range(n))
    datasets = "\n".join(
        f'<http://example.fr/d/{i}> a dcat:Dataset ; dct:title "Jeu {i}" ; '
        f'dct:license "Licence maison de la commune" ; '
        f"dcat:theme <http://example.fr/themes/maison> ."
        for i in range(n)
    )
    return TTL.format(refs=refs, datasets=datasets).encode()


def test_unmatched_values_are_reported_once_per_harvest(server, commune, source):
    org = commune("ville-de-rennes")
    url = server.mount(
        "maison", FileCatalogue({"c.ttl": ("text/turtle", _catalogue(4))})
    )
    src = source(url + "/c.ttl", org)
    harvest(src)
    assert len(datasets_of(org)) == 4
    messages = [
        m
        for (m,) in model.Session.query(HarvestObjectError.message)
        .join(HarvestObject, HarvestObject.id == HarvestObjectError.harvest_object_id)
        .filter(HarvestObject.harvest_source_id == src["id"])
    ]
    licence = [m for m in messages if "Licence maison" in m]
    theme = [m for m in messages if "themes/maison" in m]
    assert len(licence) == 1 and len(theme) == 1, messages
    assert "une seule fois" in licence[0]


def _udata_dataset(n_resources: int) -> dict:
    return {
        "id": "5f00000000000000000000a1",
        "title": "Arrêts de bus",
        "description": "Arrêts du réseau.",
        "tags": ["bus"],
        "license": "lov2",
        "organization": {"id": "org-1", "slug": "ville-test", "name": "Ville test"},
        "page": "https://www.data.gouv.fr/fr/datasets/arrets/",
        "spatial": {"zones": ["fr:commune:35238"], "granularity": "fr:commune"},
        "resources": [
            {
                "id": f"r{i}",
                "title": f"Fichier {i}",
                "url": f"https://exemple.fr/{i}.csv",
                "format": "csv",
            }
            for i in range(n_resources)
        ],
    }


def test_udata_api_v2_resources_link_is_followed_page_by_page(server, commune, source):
    org = commune("ville-de-rennes")
    catalogue = UdataCatalogue(
        [{"id": "org-1", "slug": "ville-test", "metrics": {"datasets": 1}}],
        [_udata_dataset(120)],  # three pages of 50 resources
        ("2",),
    )
    url = server.mount("dgf2", catalogue)
    src = source(url + "/api/2/datasets/search/?organization=org-1", org)
    harvest(src)
    (dataset,) = datasets_of(org)
    assert len(dataset["resources"]) == 120
    assert dataset["territories"] == ["commune:35238"]
    pages = [p for p in server.requests if "/resources/" in p]
    assert len(pages) == 3, pages


def test_harvested_dataset_without_issued_has_no_issued_in_the_feed(
    app, server, commune, source
):
    org = commune("ville-de-rennes")
    body = (
        "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"
        "@prefix dct: <http://purl.org/dc/terms/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "<http://example.fr/c> a dcat:Catalog ;\n"
        "  dcat:dataset <http://example.fr/a>, <http://example.fr/b> .\n"
        '<http://example.fr/a> a dcat:Dataset ; dct:title "Sans date" .\n'
        '<http://example.fr/b> a dcat:Dataset ; dct:title "Datée" ; '
        'dct:issued "2019-04-19"^^xsd:date .\n'
    ).encode()
    url = server.mount("dates", FileCatalogue({"c.ttl": ("text/turtle", body)}))
    harvest(source(url + "/c.ttl", org))
    found = by_title(datasets_of(org))
    for title, issued in (("Sans date", None), ("Datée", "2019-04-19")):
        response = app.get(f"/dataset/{found[title]['name']}.ttl")
        assert response.status_code == 200
        graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
        values = [str(v)[:10] for v in graph.objects(None, DCTERMS.issued)]
        assert values == ([issued] if issued else []), (title, values)
