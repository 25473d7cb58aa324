"""Index raw documents (as CKAN's indexer builds them) and query the engine."""

from __future__ import annotations

import hashlib
import itertools
from typing import Any

from ckan.common import config
from ckan.lib.search.common import make_connection

_counter = itertools.count()


def doc(name: str, **fields: Any) -> dict[str, Any]:
    """A minimal CKAN index document for dataset ``name``."""
    site_id = config["ckan.site_id"]
    pid = fields.pop("id", "id-" + name)
    n = next(_counter)
    base = {
        "id": pid,
        "name": name,
        "title": name,
        "site_id": site_id,
        "index_id": hashlib.md5((pid + site_id).encode()).hexdigest(),
        "entity_type": "package",
        "dataset_type": "dataset",
        "state": "active",
        "capacity": "public",
        "permission_labels": ["public"],
        "metadata_created": f"2024-01-01T00:00:{n % 60:02d}.000000Z",
        "metadata_modified": f"2024-01-01T00:00:{n % 60:02d}.000000Z",
        "data_dict": "{}",
        "validated_data_dict": "{}",
    }
    base.update(fields)
    return base


def index(*docs: dict[str, Any]) -> None:
    make_connection().add(docs=list(docs), commit=True)


def names(q: Any = "*:*", **params: Any) -> list[str]:
    """Names of the documents matching, in result order (default: lucene, AND)."""
    params.setdefault("q.op", "AND")
    params.setdefault("df", "text")
    params.setdefault("rows", 100)
    params.setdefault("sort", "name asc")
    params.setdefault("fl", "name")
    result = make_connection(decode_dates=False).search(q=q, **params)
    return [d["name"] for d in result.docs]


def dismax(q: str, **params: Any) -> list[str]:
    params.setdefault("defType", "dismax")
    params.setdefault("qf", "name^4 title^4 tags^2 groups^2 text")
    params.setdefault("mm", "2<-1 5<80%")
    params.setdefault("sort", "score desc, name asc")
    return names(q, **params)
