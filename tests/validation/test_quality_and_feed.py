"""#15: the verdicts reach the quality score and the DCAT feed.

- a dataset with a non-conformant file cannot be rated "excellent", and
  fixing the files comes first among the improvements (the MQA score itself
  stays data.europa.eu's);
- the feed never claims a checked, non-conformant file conforms to the
  dataset's schema; a conformant file keeps the inherited ``dct:conformsTo``.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from .conftest import STATIONNEMENT, run_jobs


def test_verdicts_in_quality_and_feed(app, dataset, files, queue):
    pkg = dataset(
        "stationnement-qualite",
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
    url = "/api/3/action/collectivites_dataset_quality"
    before = app.get(url, query_string={"id": pkg["name"]}).json["result"]
    assert before["conformity"]["status"] == "unchecked"
    run_jobs(queue)
    after = app.get(url, query_string={"id": pkg["name"]}).json["result"]
    assert after["score"] == before["score"]  # the MQA grid is unchanged
    assert after["conformity"] == {
        "status": "invalid",
        "label": "Des fichiers ne sont pas conformes à leur schéma déclaré",
    }
    assert after["rating"] != "excellent"
    assert after["improvements"][0]["hint"].startswith(
        "Corriger les fichiers non conformes"
    )

    ttl = app.get(f"/dataset/{pkg['name']}.ttl").get_data(as_text=True)
    graph = Graph().parse(data=ttl, format="turtle")
    by_title = {
        str(t): d
        for d, t in graph.subject_objects(DCTERMS.title)
        if (d, DCTERMS.conformsTo, None) in graph or True
    }
    valid, invalid = by_title["valide"], by_title["invalide"]
    assert (valid, DCTERMS.conformsTo, URIRef(STATIONNEMENT)) in graph
    assert (invalid, DCTERMS.conformsTo, None) not in graph
