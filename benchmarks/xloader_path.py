"""ckanext-xloader's own COPY path on a file, for benchmarks/datastore.py.

Runs in a throwaway virtualenv that is not the project's (xloader is not a
dependency: docs/datastore.md), made by hand:

    python3 -m venv var/xloader-venv
    var/xloader-venv/bin/pip install ckan==2.12.0 ckanext-xloader==2.6.0 psycopg2-binary

(``ckan[requirements]==2.12.0`` cannot be installed with xloader 2.6.0:
certifi==2026.6.17 against certifi>=2026.7.22.) Times what xloader's job
does after the download: ``load_csv`` (encoding detection, tabulator rewrite
to UTF-8, ``datastore_create`` of text columns, ``COPY``, ``_full_text`` by
``UPDATE``), ``calculate_record_count`` and ``create_column_indexes``; prints
one JSON line. The resource must exist in the CKAN database of the ini file.

    var/xloader-venv/bin/python benchmarks/xloader_path.py INI FILE RESOURCE_ID
"""

from __future__ import annotations

import json
import logging
import sys
import time


def main() -> int:
    ini, path, resource_id = sys.argv[1:4]
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(ini))
    # No Solr here: the dataset's search index update (datastore_active
    # flag) is skipped; the project's loader pays it in its "create" step.
    from ckan.lib import search

    search.PackageSearchIndex.index_package = lambda *args, **kwargs: None
    flask_app = getattr(app, "_wsgi_app", app)
    log = logging.getLogger("xloader-bench")
    with flask_app.test_request_context():
        from ckanext.xloader import loader

        phases = {}
        start = last = time.perf_counter()
        fields = loader.load_csv(path, resource_id, mimetype="text/csv", logger=log)
        now = time.perf_counter()
        phases["load_csv"], last = now - last, now
        # The order of xloader's job (jobs.py, direct_load): readable after
        # the record count, indexes afterwards.
        loader.calculate_record_count(resource_id, log)
        now = time.perf_counter()
        phases["count"], last = now - last, now
        loader.create_column_indexes(fields, resource_id, log)
        now = time.perf_counter()
        phases["indexes"] = now - last
        print(json.dumps({"seconds": now - start, "phases": phases}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
