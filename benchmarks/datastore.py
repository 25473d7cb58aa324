"""DataStore loading and reading: a 100,000-row, 20-column French CSV
(``;``, Windows-1252, comma decimals, codes with leading zeros) loaded through
the real job by ``ckan jobs worker datastore --burst``, a plain ``COPY`` of
the same file in the same run (the floor), then p50/p95 of
``datastore_search`` with a filter and of the preview (resource page and the
``datatables_view`` data request).

    .venv-2.12/bin/python benchmarks/datastore.py [--rows 100000] [--repeat 50]

Creates (scripts/initdb.sh) and wipes the databases ``ckan_bench_datastore``
and ``ckan_bench_datastore_datastore``: never point it at a database you
care about. ckanext-xloader is not installed by the project (it pins
requests>=2.34.2, which CKAN 2.11.6 forbids, and fetches URLs without the
address policy): when a throwaway virtualenv with CKAN 2.12 and xloader exists
(``--xloader-venv``, default ``var/xloader-venv``, see
benchmarks/xloader_path.py), xloader's own COPY path loads the same file into
the same resource at the end of the run (after the reading measures).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import pathlib
import random
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault("CKAN_REDIS_URL", "redis://127.0.0.1:6379/9")

import _ckan  # noqa: E402

INI = str(ROOT / "test.ini")
COMMUNES = [
    ("01004", "01500", "Ambérieu-en-Bugey"),
    ("2A004", "20000", "Ajaccio"),
    ("35238", "35000", "Rennes"),
    ("05061", "05000", "Gap"),
    ("97411", "97400", "Saint-Denis"),
]
HEADER = [
    "Code INSEE", "Code postal", "Commune", "SIRET", "Objet", "Montant (€)",
    "Date de décision", "Taux", "Bénéficiaires", "Catégorie", "Adresse",
    "Latitude", "Longitude", "Année", "Référence", "Nature", "Service",
    "Montant versé", "Date de versement", "Observations",
]  # fmt: skip


def write_csv(path: pathlib.Path, rows: int) -> None:
    rng = random.Random(14)
    with open(path, "w", encoding="cp1252", newline="") as f:
        f.write(";".join(HEADER) + "\r\n")
        for i in range(rows):
            insee, cp, nom = COMMUNES[i % len(COMMUNES)]
            cents = rng.randint(0, 99_999_999)
            line = [
                insee, cp, nom, f"0{rng.randrange(10**13):013d}",
                f"\"Soutien « Élan {i} » ; fête\"", f"{cents // 100},{cents % 100:02d}",
                f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2024",
                f"0,{rng.randint(0, 99):02d}", str(rng.randint(1, 5000)),
                rng.choice(["Culture", "Sport", "Solidarité", "Économie"]),
                f"{rng.randint(1, 200)} rue de la République",
                f"{rng.uniform(41, 51):.6f}".replace(".", ","),
                f"{rng.uniform(-5, 9):.6f}".replace(".", ","),
                str(2010 + i % 15), f"DEL-{i:06d}", rng.choice(["aide", "prêt"]),
                "Direction des finances", f"{cents // 200},{cents % 100:02d}",
                f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "",
            ]  # fmt: skip
            f.write(";".join(line) + "\r\n")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve(directory: pathlib.Path) -> tuple[http.server.HTTPServer, int]:
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_port


def copy_floor(path: pathlib.Path) -> float:
    """Seconds of a plain COPY of the file into a 20-text-column table."""
    import psycopg2

    conn = psycopg2.connect(os.environ["CKAN_DATASTORE_WRITE_URL"])
    try:
        cur = conn.cursor()
        cols = ", ".join(f"c{i} text" for i in range(len(HEADER)))
        cur.execute(f"CREATE TEMP TABLE floor ({cols})")
        start = time.perf_counter()
        with open(path, "rb") as f:
            cur.copy_expert(
                "COPY floor FROM STDIN WITH (FORMAT csv, DELIMITER ';', "
                "HEADER true, ENCODING 'WIN1252')",
                f,
            )
        seconds = time.perf_counter() - start
        conn.rollback()
        return seconds
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--db", default="ckan_bench_datastore")
    parser.add_argument("--xloader-venv", default=str(ROOT / "var" / "xloader-venv"))
    args = parser.parse_args()

    _ckan.init_db(INI, args.db)
    work = ROOT / "var" / "bench-datastore"
    work.mkdir(parents=True, exist_ok=True)
    path = work / "subventions.csv"
    write_csv(path, args.rows)
    size = path.stat().st_size
    server, port = serve(work)

    app = _ckan.boot(INI)
    from ckan import model
    from ckan.lib import jobs as ckan_jobs
    from ckan.plugins import toolkit as tk

    with app.test_request_context():
        site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        ctx = {"user": site["name"], "ignore_auth": True}
        queue = ckan_jobs.get_queue("datastore")
        queue.empty()
        for name in ("bench-datastore",):
            try:
                tk.get_action("dataset_purge")(dict(ctx), {"id": name})
            except tk.ObjectNotFound:
                pass
        orgs = tk.get_action("organization_list")(dict(ctx), {})
        if "bench-commune" not in orgs:
            tk.get_action("organization_create")(
                dict(ctx),
                {
                    "name": "bench-commune",
                    "title": "Ville de Rennes",
                    "collectivite_type": "commune",
                    "siren": "213502388",
                    "territory": "commune:35238",
                },
            )
        pkg = tk.get_action("package_create")(
            dict(ctx),
            {
                "name": "bench-datastore",
                "title": "Subventions (banc d'essai)",
                "notes": "Banc d'essai du DataStore.",
                "owner_org": "bench-commune",
                "license_id": "lov2",
                "resources": [
                    {
                        "name": "subventions",
                        "format": "CSV",
                        "url": f"http://127.0.0.1:{port}/subventions.csv",
                    }
                ],
            },
        )
        res_id = pkg["resources"][0]["id"]
        job_ids = list(queue.job_ids)
        model.Session.remove()

    start = time.perf_counter()
    subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ckan"), "-c", INI,
         "jobs", "worker", "datastore", "--burst"],
        check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    worker_wall = time.perf_counter() - start
    server.shutdown()
    job = queue.fetch_job(job_ids[0])
    job_seconds = (job.ended_at - job.started_at).total_seconds()
    floor = copy_floor(path)

    with app.test_request_context():
        from ckanext.opendata_collectivites.datastore import status

        found = status.get(res_id)
        assert found and found["state"] == "complete", found
        loader_seconds = found["value"]["seconds"]
        phases = found["value"].get("phases") or {}
        total = tk.get_action("datastore_search")(
            {"ignore_auth": True}, {"resource_id": res_id, "limit": 0}
        )["total"]
        views = tk.get_action("resource_view_list")(
            {"ignore_auth": True}, {"id": res_id}
        )
        view_id = views[0]["id"]
        model.Session.remove()
    assert total == args.rows, total

    client = app.test_client()
    query = {
        "resource_id": res_id,
        "filters": json.dumps({"Code INSEE": "2A004"}),
        "limit": 100,
    }
    search_url = "/api/3/action/datastore_search?" + urlencode(query)
    page_url = f"/dataset/bench-datastore/resource/{res_id}"
    ajax_url = f"/datatables/ajax/{view_id}"
    ajax_form = {
        "draw": "1", "start": "0", "length": "50", "search[value]": "2A004",
        "order[0][column]": "0", "order[0][dir]": "asc",
    }  # fmt: skip
    for i in range(len(HEADER) + 1):
        ajax_form[f"columns[{i}][searchable]"] = "true"

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    def post_ajax() -> None:
        response = client.post(ajax_url, data=ajax_form)
        assert response.status_code == 200, response.status_code

    search = _ckan.timed(lambda: get(search_url), args.repeat)
    page = _ckan.timed(lambda: get(page_url), args.repeat)
    ajax = _ckan.timed(post_ajax, args.repeat)

    rows = args.rows
    print(f"file: {rows:,} rows x {len(HEADER)} columns, {size / 1e6:.1f} MB "
          "(; Windows-1252, comma decimals, codes with leading zeros)")  # fmt: skip
    print(f"through the worker (rq job, fetch over HTTP included): {job_seconds:6.2f} s"
          f"  {rows / job_seconds:9,.0f} rows/s")  # fmt: skip
    print(f"  of which the loader (sniff, rewrite, COPY, types, INSERT): "
          f"{loader_seconds:6.2f} s  {rows / loader_seconds:9,.0f} rows/s")  # fmt: skip
    print("  loader steps: " + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()))
    print(f"  worker process wall time (CKAN start included): {worker_wall:6.2f} s")
    print(f"plain COPY floor (same file, text columns): {floor:6.2f} s"
          f"  {rows / floor:9,.0f} rows/s")  # fmt: skip
    print(f"datastore_search, filter on Code INSEE  {_ckan.summary(search)}")
    print(f"resource page (preview)                 {_ckan.summary(page)}")
    print(f"datatables_view data request (search)   {_ckan.summary(ajax)}")
    xloader = run_xloader(pathlib.Path(args.xloader_venv), args.db, path, res_id)
    if xloader:
        seconds = xloader["seconds"]
        print(f"ckanext-xloader 2.6.0 COPY path (same file, after download): "
              f"{seconds:6.2f} s  {rows / seconds:9,.0f} rows/s")  # fmt: skip
        print("  xloader steps: " + ", ".join(
            f"{k} {v:.2f} s" for k, v in xloader["phases"].items()))  # fmt: skip
    load1, load5, _ = os.getloadavg()
    print(f"({os.cpu_count()} CPUs, load average {load1:.1f} / {load5:.1f} at the end)")
    return 0


def run_xloader(venv: pathlib.Path, db: str, path: pathlib.Path, res_id: str) -> dict:
    """xloader's load of ``path`` into the resource (benchmarks/xloader_path.py
    in the throwaway virtualenv), or ``{}`` without that virtualenv."""
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"ckanext-xloader: not measured ({python} missing)")
        return {}
    datastore = os.environ["CKAN_DATASTORE_WRITE_URL"].rsplit("/", 1)[0]
    ini = ROOT / "var" / "xloader-bench.ini"
    ini.write_text(
        "[app:main]\nuse = egg:ckan\nckan.site_url = http://127.0.0.1\n"
        f"sqlalchemy.url = postgresql://ckan:ckan@127.0.0.1:5432/{db}\n"
        f"ckan.datastore.write_url = {datastore}/{db}_datastore\n"
        f"ckan.datastore.read_url = {os.environ['CKAN_DATASTORE_READ_URL']}\n"
        f"ckan.redis.url = {os.environ['CKAN_REDIS_URL']}\n"
        "ckan.plugins = datastore\nckan.datastore.default_fts_lang = french\n"
        "ckan.search.automatic_indexing = false\n"
        "solr_url = http://127.0.0.1:8983/solr/ckan\n"  # never contacted
        f"ckan.storage_path = {ROOT / 'var' / 'storage-xloader'}\n"
        "SECRET_KEY = bench\napi_token.jwt.encode.secret = string:bench\n"
        "api_token.jwt.decode.secret = string:bench\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [str(python), str(ROOT / "benchmarks" / "xloader_path.py"), str(ini),
         str(path), res_id],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode:
        print("ckanext-xloader: failed\n" + done.stderr[-2000:])
        return {}
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    sys.exit(main())
