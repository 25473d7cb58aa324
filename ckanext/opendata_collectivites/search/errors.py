"""Errors raised by the engine, as ``pysolr.SolrError`` (which CKAN catches).

Messages are English msgids translated when a request context is available;
``search.fr.po`` holds the French catalogue.  Sort errors keep Solr's wording
because CKAN recognises it ("Can't determine a Sort Order").
"""

from __future__ import annotations

from typing import Any

import pysolr


def translate(message: str) -> str:
    """Translate ``message`` with CKAN's gettext when possible."""
    try:
        from ckan.common import _

        return str(_(message))
    except Exception:  # no Flask app/request context (CLI, tests, workers)
        return message


def query_error(message: str, **kwargs: Any) -> pysolr.SolrError:
    """A user-facing query error (CKAN turns it into a SearchError, HTTP 409)."""
    return pysolr.SolrError(
        translate(message) % kwargs if kwargs else translate(message)
    )


def sort_error(spec: str) -> pysolr.SolrError:
    """A bad ``sort`` (CKAN turns it into SearchQueryError, HTTP 400)."""
    return pysolr.SolrError(
        f"Can't determine a Sort Order (asc or desc) in sort spec '{spec}'"
    )
