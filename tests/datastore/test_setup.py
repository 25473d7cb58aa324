"""The DataStore as `make test` sets it up: its own database, a write role and
a read-only role (scripts/initdb.sh + `ckan datastore set-permissions`)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from ckan.plugins import toolkit as tk
from ckan.tests.helpers import call_action
from sqlalchemy.engine import make_url


def test_own_database_and_roles(plugins):
    ckan_url = make_url(tk.config["sqlalchemy.url"])
    write = make_url(tk.config["ckan.datastore.write_url"])
    read = make_url(tk.config["ckan.datastore.read_url"])
    assert write.database == read.database == f"{ckan_url.database}_datastore"
    assert len({ckan_url.username, write.username, read.username}) == 3


def test_read_role_cannot_write(dataset, org):
    pkg = dataset("lecture-seule", [{"name": "t", "url": "http://127.0.0.1/t.csv"}])
    res_id = pkg["resources"][0]["id"]
    call_action(
        "datastore_create",
        {"user": org["admin"]["name"]},
        resource_id=res_id,
        force=True,
        fields=[{"id": "code_insee", "type": "text"}],
        records=[{"code_insee": "01004"}],
    )
    engine = sa.create_engine(tk.config["ckan.datastore.read_url"])
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text(f'select code_insee from "{res_id}"')).all()
            assert rows == [("01004",)]
        for statement in (
            f"insert into \"{res_id}\" (code_insee) values ('x')",
            "create table pirate (x int)",
        ):
            with engine.connect() as conn, pytest.raises(sa.exc.ProgrammingError):
                conn.execute(sa.text(statement))
    finally:
        engine.dispose()


def test_search_and_sql_search(dataset, org, app):
    pkg = dataset("recherche", [{"name": "t", "url": "http://127.0.0.1/t.csv"}])
    res_id = pkg["resources"][0]["id"]
    call_action(
        "datastore_create",
        {"user": org["admin"]["name"]},
        resource_id=res_id,
        force=True,
        fields=[{"id": "commune", "type": "text"}, {"id": "n", "type": "int"}],
        records=[{"commune": "Rennes", "n": 1}, {"commune": "Brest", "n": 2}],
    )
    found = app.get(
        "/api/3/action/datastore_search",
        query_string={"resource_id": res_id, "filters": '{"commune": "Brest"}'},
    ).json["result"]
    assert [r["n"] for r in found["records"]] == [2]
    sql = f'SELECT sum(n) AS total FROM "{res_id}"'
    total = app.get(
        "/api/3/action/datastore_search_sql", query_string={"sql": sql}
    ).json["result"]
    assert total["records"] == [{"total": 3}]
    # Writing through the SQL endpoint is refused (and its role is read-only).
    app.get(
        "/api/3/action/datastore_search_sql",
        query_string={"sql": f'DELETE FROM "{res_id}"'},
        status=409,
    )
    again = app.get(
        "/api/3/action/datastore_search", query_string={"resource_id": res_id}
    ).json["result"]
    assert again["total"] == 2
