"""Shared set-up for benchmarks: a CKAN app on its own database.

Usage from a benchmark: ``app = _ckan.boot()`` then run actions inside
``with app.test_request_context():``. The database is taken from
``CKAN_SQLALCHEMY_URL`` (the Makefile's ``bench-db`` target creates
``ckan_bench``); never point a benchmark at a database you care about.
"""

from __future__ import annotations

import os
import pathlib
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEFAULT_DB = "postgresql://ckan:ckan@127.0.0.1:5432/ckan_bench"


def datastore_env() -> None:
    """Point the DataStore at ``<database>_datastore`` of ``CKAN_SQLALCHEMY_URL``
    (what scripts/initdb.sh creates beside each database)."""
    database = os.environ["CKAN_SQLALCHEMY_URL"].rsplit("/", 1)[1]
    for kind, role in (("WRITE", "datastore_rw"), ("READ", "datastore_ro")):
        role = os.environ.get(f"DATASTORE_{kind}_ROLE", role)
        password = os.environ.get(f"DATASTORE_{kind}_PASSWORD", role)
        os.environ[f"CKAN_DATASTORE_{kind}_URL"] = (
            f"postgresql://{role}:{password}@127.0.0.1:5432/{database}_datastore"
        )


def boot(ini: str | None = None) -> Any:
    """Load config and build the CKAN Flask app with test.ini's plugins."""
    os.environ.setdefault("CKAN_SQLALCHEMY_URL", DEFAULT_DB)
    datastore_env()
    os.environ.setdefault("CKAN_REDIS_URL", "redis://127.0.0.1:6379/9")
    os.environ.setdefault("CKAN_STORAGE_PATH", str(ROOT / "var" / "storage-bench"))
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    conf = load_config(ini or str(ROOT / "test.ini"))
    app = make_app(conf)
    return getattr(app, "_wsgi_app", app)


def write_ini(name: str, options: dict[str, Any]) -> str:
    """An ini file ``var/<name>.ini`` = test.ini with ``options`` on top."""
    path = ROOT / "var" / f"{name}.ini"
    path.parent.mkdir(parents=True, exist_ok=True)
    base = (ROOT / "test.ini").read_text(encoding="utf-8")
    lines = "".join(f"{key} = {value}\n" for key, value in options.items())
    path.write_text(
        "[DEFAULT]\ndebug = false\n\n[app:main]\n"
        f"use = config:{ROOT / 'test.ini'}\n{lines}\n"
        + base[base.index("[loggers]") :],
        encoding="utf-8",
    )
    return str(path)


def init_db(ini: str, database: str) -> None:
    """Point this process at ``database`` and create/migrate it (scripts/initdb.sh)."""
    import subprocess

    os.environ["CKAN_SQLALCHEMY_URL"] = (
        f"postgresql://ckan:ckan@127.0.0.1:5432/{database}"
    )
    datastore_env()
    subprocess.run(
        ["bash", "scripts/initdb.sh", ini, database],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # the virtualenv running this benchmark (its CKAN version migrates)
        env=dict(os.environ, VENV_BIN=os.path.dirname(sys.executable)),
    )


def timed(
    fn: Callable[[], Any],
    repeat: int,
    setup: Callable[[], Any] | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> list[float]:
    """Run ``fn`` ``repeat`` times (after ``setup``, not timed); return the
    durations in milliseconds (``clock=time.process_time``: this process's
    CPU time, steadier than wall time on a shared machine)."""
    out = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = clock()
        fn()
        out.append((clock() - start) * 1000)
    return out


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    p50 = statistics.median(ordered)
    return f"p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   (n={len(ordered)})"
