"""French CSV files as portals publish them, loaded by the real job through
CKAN's jobs queue (Redis) and an rq worker into the DataStore: exact row
counts, codes (INSEE, postcodes, SIRET) untouched, comma decimals and French
dates typed, failures in French on the resource page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from ckan.tests.helpers import call_action

from . import french_csv
from .conftest import FIXTURES, run_jobs


def search(resource_id: str, **params: Any) -> dict[str, Any]:
    return call_action(
        "datastore_search", {"ignore_auth": True}, resource_id=resource_id, **params
    )


def types_of(resource_id: str) -> dict[str, str]:
    found = search(resource_id, limit=0)
    return {f["id"]: f["type"] for f in found["fields"] if f["id"] != "_id"}


def status_text(app, dataset_name: str, resource_id: str) -> str:
    """The load status shown on the resource page (HTTP 200)."""
    from bs4 import BeautifulSoup

    page = app.get(f"/dataset/{dataset_name}/resource/{resource_id}", status=200)
    found = BeautifulSoup(page.body, "html.parser").select_one(
        ".collectivites-datastore-status"
    )
    assert found is not None
    return " ".join(found.get_text().split())


def load(dataset, url: str, name: str = "donnees", **res: Any) -> str:
    pkg = dataset(name, [{"name": name, "url": url, "format": "CSV", **res}])
    return pkg["resources"][0]["id"]


@pytest.mark.parametrize(
    ("shape", "options"),
    [
        ("point-virgule-latin1-crlf", {"sep": ";", "encoding": "cp1252"}),
        ("virgule-utf8-bom", {"sep": ",", "encoding": "utf-8", "bom": True}),
        ("point-virgule-utf8-lf", {"sep": ";", "encoding": "utf-8", "newline": "\n"}),
        ("tabulation-latin1", {"sep": "\t", "encoding": "latin-1"}),
    ],
)
def test_shapes_keep_codes_and_type_numbers(dataset, serve, queue, shape, options):
    if options["encoding"] == "latin-1":  # no € in Latin-1
        header = [h.replace("€", "euros") for h in french_csv.HEADER]
    else:
        header = french_csv.HEADER
    table = french_csv.rows(300)
    url = serve(f"{shape}.csv", french_csv.render(table, header=header, **options))
    res_id = load(dataset, url, shape)
    assert run_jobs(queue) == ["complete"]

    found = search(res_id, limit=1000, sort="_id")
    assert found["total"] == 300
    first = found["records"][0]
    assert first["Code INSEE"] == "01004" and first["Code postal"] == "01500"
    assert first["Commune"] == "Ambérieu-en-Bugey"
    assert first["SIRET bénéficiaire"] == table[0][3]
    assert first["Objet de la subvention"] == table[0][4]  # ; and , inside quotes
    assert [r["Code INSEE"] for r in found["records"][:6]] == [
        c[0] for c in french_csv.COMMUNES
    ]
    types = types_of(res_id)
    money = header[5]
    assert types["Code INSEE"] == types["Code postal"] == "text"
    assert types["SIRET bénéficiaire"] == "text"
    assert types[money] == "numeric" and types["Taux"] == "numeric"
    assert types["Date de décision"] == "date"
    assert types["Nombre de bénéficiaires"] == "int8"
    euros = table[0][5].replace(",", ".")
    assert str(first[money]) == str(float(euros)) or str(first[money]) == euros
    day, month, year = table[0][6].split("/")
    assert first["Date de décision"].startswith(f"{year}-{month}-{day}")


def test_fifty_thousand_rows_semicolon_latin1(dataset, serve, queue):
    table = french_csv.rows(50_000, seed=50)
    url = serve("subventions-50000.csv", french_csv.render(table))
    res_id = load(dataset, url, "subventions-50000")
    assert run_jobs(queue) == ["complete"]
    assert search(res_id, limit=0)["total"] == 50_000
    sql = (
        'SELECT "Code INSEE" AS code, count(*) AS n, min("SIRET bénéficiaire") AS s '
        f'FROM "{res_id}" GROUP BY 1 ORDER BY 1'
    )
    by_code = call_action("datastore_search_sql", {"ignore_auth": True}, sql=sql)
    counts = {r["code"]: int(r["n"]) for r in by_code["records"]}
    expected: dict[str, int] = {}
    for row in table:
        expected[row[0]] = expected.get(row[0], 0) + 1
    assert counts == expected  # 01004, 2A004, 05061 intact
    assert all(r["s"].startswith("0") and len(r["s"]) == 14 for r in by_code["records"])
    ajaccio = search(res_id, filters={"Code INSEE": "2A004"}, limit=0)
    assert ajaccio["total"] == expected["2A004"]
    # Loaded in parallel parts: _id is still the row's place in the file.
    first = search(res_id, sort="_id", limit=3)["records"]
    assert [r["_id"] for r in first] == [1, 2, 3]
    assert [r["SIRET bénéficiaire"] for r in first] == [r[3] for r in table[:3]]
    last = search(res_id, sort="_id desc", limit=1)["records"][0]
    assert last["_id"] == 50_000 and last["SIRET bénéficiaire"] == table[-1][3]
    # A row added later through the API follows the file's rows.
    call_action(
        "datastore_upsert",
        {"ignore_auth": True},
        resource_id=res_id,
        method="insert",
        force=True,
        records=[{"Code INSEE": "29019", "Commune": "Brest"}],
    )
    added = search(res_id, filters={"Code INSEE": "29019"})["records"]
    assert [r["_id"] for r in added] == [50_001]
    assert search(res_id, q="Brest", limit=0)["total"] == 1  # CKAN's trigger


def test_full_text_search_in_french(dataset, serve, queue):
    """``q`` finds words whatever their inflection (French stemming), codes
    and numbers as written in the file."""
    table = french_csv.rows(30_000, seed=7)
    res_id = load(dataset, serve("plein-texte.csv", french_csv.render(table)), "fts")
    assert run_jobs(queue) == ["complete"]
    assert search(res_id, q="associations", limit=0)["total"] == 30_000
    assert search(res_id, q="Bastia", limit=0)["total"] == sum(
        1 for r in table if r[2] == "Bastia"
    )
    assert search(res_id, q="2A004", limit=0)["total"] == sum(
        1 for r in table if r[0] == "2A004"
    )
    siret = table[1234][3]
    found = search(res_id, q=siret)["records"]
    assert [r["SIRET bénéficiaire"] for r in found] == [siret]
    assert search(res_id, q="Élan 1234", limit=0)["total"] >= 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # A quote inside an unquoted cell: PostgreSQL's COPY would open a
        # quoted field there and swallow the next lines; Python's csv keeps it.
        (
            b'taille;nom\r\n5" ;\xe9cran\r\n7;t\xe9l\xe9\r\n',
            [['5" ', "écran"], ["7", "télé"]],
        ),
        # "\\." alone on a line ends COPY's data: read by Python.
        (b"a;b\n1;2\n\\.;3\n4;5\n", [["1", "2"], ["\\.", "3"], ["4", "5"]]),
        (b"a;b\n1;2\n\\.\n4;5\n", [["1", "2"], ["\\.", None], ["4", "5"]]),
        # Quoted empty cells are NULL like unquoted ones.
        (b'a;b\n"";"x"\n;y\n', [[None, "x"], [None, "y"]]),
    ],
)
def test_copy_reads_cells_as_python_does(dataset, serve, queue, body, expected):
    res_id = load(dataset, serve("guillemets.csv", body), "guillemets")
    assert run_jobs(queue) == ["complete"]
    records = search(res_id, sort="_id")["records"]
    names = [f["id"] for f in search(res_id, limit=0)["fields"][1:]]
    assert [
        [str(r[n]) if r[n] is not None else None for n in names] for r in records
    ] == expected


def test_no_staging_table_left(dataset, serve, queue):
    import sqlalchemy as sa
    from ckanext.datastore.backend.postgres import get_write_engine

    load(dataset, serve("petit.csv", french_csv.render(french_csv.rows(10))), "petit")
    assert run_jobs(queue) == ["complete"]
    with get_write_engine().connect() as conn:
        left = conn.execute(
            sa.text("SELECT count(*) FROM pg_class WHERE relname LIKE '\\_stage\\_%'")
        ).scalar()
    assert left == 0


def test_real_scdl_examples(dataset, files_server, queue):
    """The schema examples of tests/fixtures/validation (PROVENANCE.md)."""
    pkg = dataset(
        "stationnement",
        [
            {
                "name": "stationnement",
                "url": f"{files_server}/validation/stationnement-exemple-valide.csv",
                "format": "CSV",
            },
            {
                "name": "bom",
                "url": f"{files_server}/validation/validata/sample_with_bom.csv",
                "format": "CSV",
            },
            {
                "name": "subventions",
                "url": f"{files_server}/validation/validata/"
                "exemple_valide_subventions1.csv",
                "format": "CSV",
            },
        ],
    )
    assert run_jobs(queue) == ["complete"] * 3
    parking, bom, grants = (r["id"] for r in pkg["resources"])

    rows = search(parking, sort="_id")["records"]
    source = (FIXTURES / "validation/stationnement-exemple-valide.csv").read_text()
    assert len(rows) == len(source.strip().splitlines()) - 1
    assert rows[0]["insee"] == "75114" and rows[0]["num_siret"] == "21920044100018"
    assert rows[0]["adresse"] == "3 rue de la Gare, 92300, Levallois-Peret"
    types = types_of(parking)
    assert types["insee"] == types["num_siret"] == types["id"] == "text"
    assert types["nb_places"] == "int8" and types["Xlong"] == "numeric"

    bom_fields = list(types_of(bom))
    assert not bom_fields[0].startswith("\ufeff")
    header = (
        (FIXTURES / "validation/validata/sample_with_bom.csv")
        .read_text(encoding="utf-8-sig")
        .splitlines()[0]
    )
    assert bom_fields == [h.strip() for h in header.split(";")]

    granted = search(grants)["records"]
    assert granted and all(
        len(r["idBeneficiaire"]) == 14 for r in granted if r.get("idBeneficiaire")
    )
    assert types_of(grants)["idBeneficiaire"] == "text"


def test_declared_schema_keeps_its_strings(dataset, serve, queue):
    """A column typed ``string`` by the declared SCDL schema stays text even
    when every value looks like a number and its name says nothing."""
    header = "nomAttribuant;objet;dateConvention;montant\n"
    body = header + "Ville de Rennes;2024;2024-03-01;1500,50\n"
    url = serve("subventions.csv", body.encode("utf-8"))
    res_id = load(
        dataset,
        url,
        "subventions-scdl",
        conforms_to="https://schema.data.gouv.fr/schemas/scdl/subventions/2.1.1/schema.json",
    )
    assert run_jobs(queue) == ["complete"]
    types = types_of(res_id)
    assert types["objet"] == "text"
    assert types["montant"] == "numeric" and types["dateConvention"] == "date"


def test_headers_with_sql_and_format_characters(dataset, serve, queue):
    """``%``, ``:``, quotes, a leading underscore and a very long name."""
    long_name = "Libellé très long " * 6
    header = (
        f'Taux (%);Prix:HT;"Nom ""officiel""";_interne;{long_name};%(x)s;Prix :TTC\n'
    )
    body = header + "12,5;3;Rennes;a;b;c;4\n"
    res_id = load(dataset, serve("entetes.csv", body.encode("utf-8")), "entetes")
    assert run_jobs(queue) == ["complete"]
    found = search(res_id)
    names = [f["id"] for f in found["fields"][1:]]
    assert names[:4] == ["Taux (%)", "Prix:HT", "Nom officiel", "interne"]
    assert len(names[4].encode()) <= 63 and names[4].startswith("Libellé très long")
    assert names[5:] == ["%(x)s", "Prix : TTC"]
    assert found["records"][0]["Prix : TTC"] == 4
    assert found["records"][0]["Taux (%)"] == 12.5 or str(
        found["records"][0]["Taux (%)"]
    ) in ("12.5", "12.50")
    assert found["records"][0]["Nom officiel"] == "Rennes"


def test_messy_rows(dataset, serve, queue):
    """Blank lines, short rows, a trailing separator, an impossible date and a
    duplicated header keep every row and never fail."""
    body = (
        "commune;date;valeur;valeur;\r\n"
        "Rennes;2024-02-29;1;x;\r\n"
        "\r\n"
        "Brest;2023-02-29;2\r\n"
        "Vitré;;;;\r\n"
    ).encode("cp1252")
    res_id = load(dataset, serve("messy.csv", body), "messy")
    assert run_jobs(queue) == ["complete"]
    found = search(res_id, sort="_id")
    assert [f["id"] for f in found["fields"][1:]] == [
        "commune",
        "date",
        "valeur",
        "valeur_2",
    ]
    assert [r["commune"] for r in found["records"]] == ["Rennes", "Brest", "Vitré"]
    assert types_of(res_id)["date"] == "text"  # 2023-02-29 does not exist
    assert found["records"][1]["date"] == "2023-02-29"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "Le fichier est vide"),
        (b"a;b\n1;2;3;4\n", "La ligne 2 compte 4 valeurs pour 2 colonnes"),
    ],
)
def test_unreadable_files_are_explained_in_french(
    app, dataset, serve, queue, content, expected
):
    res_id = load(dataset, serve("casse.csv", content), "casse")
    assert run_jobs(queue) == ["error"]
    text = status_text(app, "casse", res_id)
    assert text.startswith("Les données n'ont pas pu être chargées pour l'aperçu : ")
    assert expected in text


def test_refused_address_is_an_error_not_a_request(app, dataset, queue):
    """127.0.0.2 is not allowed by test.ini: the job never contacts it."""
    res_id = load(dataset, "http://127.0.0.2:9/secret.csv", "interdit")
    assert run_jobs(queue) == ["error"]
    text = status_text(app, "interdit", res_id)
    assert "Le fichier n'a pas pu être récupéré" in text and "127.0.0.2" in text


def test_size_cap(dataset, serve, queue, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.collectivites.datastore.max_bytes", 1000)
    url = serve("gros.csv", french_csv.render(french_csv.rows(100)))
    res_id = load(dataset, url, "gros")
    assert run_jobs(queue) == ["error"]
    from ckanext.opendata_collectivites.datastore import status

    assert status.get(res_id)["value"]["code"] == "fetch-failed"


def test_unchanged_file_is_not_loaded_again(dataset, serve, queue, org):
    url = serve("une.csv", b"code;nom\n01004;Amb\xe9rieu\n")
    res_id = load(dataset, url, "une-fois")
    assert run_jobs(queue) == ["complete"]
    call_action(
        "package_patch", {"user": org["admin"]["name"]}, id="une-fois", notes="Autre"
    )
    assert list(queue.job_ids) == []
    call_action(
        "resource_patch",
        {"user": org["admin"]["name"]},
        id=res_id,
        url=serve("deux.csv", b"code;nom\n2A004;Ajaccio\n35238;Rennes\n"),
    )
    assert run_jobs(queue) == ["complete"]
    assert search(res_id)["total"] == 2


def test_uploaded_file(
    dataset, queue, org, create_with_upload, tmp_path, ckan_config, monkeypatch
):
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    pkg = dataset("depot", [])
    table = french_csv.rows(1234)
    content = french_csv.render(table, bom=True, encoding="utf-8")
    res = create_with_upload(
        content,
        "subventions.csv",
        package_id=pkg["id"],
        format="CSV",
        context={"user": org["admin"]["name"]},
    )
    assert res["url_type"] == "upload"
    assert run_jobs(queue) == ["complete"]
    assert search(res["id"], limit=0)["total"] == 1234
    bastia = sum(1 for row in table if row[0] == "2B033")
    assert (
        search(res["id"], filters={"Code INSEE": "2B033"}, limit=0)["total"] == bastia
    )


def test_staged_rows_are_never_readable_by_the_read_only_role(dataset, serve):
    """While a file is staged, the read-only role of datastore_search_sql
    cannot read the staging table (a private dataset's rows)."""
    from ckanext.opendata_collectivites.datastore import jobs, loader

    res_id = load(dataset, serve("prive.csv", b"code;nom\n01004;Amb\n"), "prive")
    seen: dict[str, object] = {}

    def fill(cursor, stage) -> int:
        cursor.execute(
            "SELECT has_table_privilege('datastore_ro', %s, 'SELECT'), "
            "has_table_privilege('datastore_rw', %s, 'SELECT')",
            (stage.table, stage.table),
        )
        seen["ro"], seen["rw"] = cursor.fetchone()
        cursor.copy_expert(stage.copy(), io.StringIO("01004,Ambérieu\n"))
        return 1

    result = loader._load(
        res_id, ["code", "nom"], fill, {}, jobs._context(), loader._Timer(), "", ";"
    )
    assert seen == {"ro": False, "rw": True}
    assert result.rows == 1
    assert search(res_id)["records"][0]["code"] == "01004"
