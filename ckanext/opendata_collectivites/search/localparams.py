"""Solr local parameters (``{!lucene q.op=OR}…``, ``{!bool must=…}``).

CKAN only lets them through when ``ckan.search.solr_allowed_query_parsers``
names the parser; the engine supports ``lucene`` (alias ``standard``),
``dismax``/``edismax`` and ``bool``.
"""

from __future__ import annotations

import re
from typing import Any

from ckanext.opendata_collectivites.search import parser, tree
from ckanext.opendata_collectivites.search.errors import query_error

_PAIR = re.compile(r"""\s*([\w.]+)(?:=(?:'([^']*)'|"([^"]*)"|([^\s}]*)))?""")


def split(text: str) -> tuple[dict[str, Any], str]:
    """Split ``{!type k=v …}body`` into ``({type:…, k:[v…]}, body)``."""
    if not text.lstrip().startswith("{!"):
        return {}, text
    text = text.lstrip()
    end = text.find("}")
    if end < 0:
        raise query_error("Invalid local parameters in %(value)r.", value=text[:200])
    inner, body = text[2:end], text[end + 1 :]
    params: dict[str, Any] = {}
    pos = 0
    first = True
    while pos < len(inner):
        m = _PAIR.match(inner, pos)
        if not m or m.end() == pos:
            raise query_error(
                "Invalid local parameters in %(value)r.", value=text[:200]
            )
        key = m.group(1)
        value = next((g for g in m.group(2, 3, 4) if g is not None), None)
        if value is None and first:
            params["type"] = key
        elif value is not None:
            params.setdefault(key, []).append(value)
        first = False
        pos = m.end()
    if "type" in params and isinstance(params["type"], list):
        params["type"] = params["type"][0]
    return params, body


def to_node(
    local: dict[str, Any], body: str, params: dict[str, Any], default_op: str
) -> tree.Node:
    kind = str(local.get("type") or "lucene").lower()
    op = (local.get("q.op") or [default_op])[0]
    df = (local.get("df") or [params.get("df") or "text"])[0]
    if kind in ("lucene", "standard"):
        text = (local.get("v") or [body])[0]
        return parser.parse_lucene(text, df, op)
    if kind in ("dismax", "edismax"):
        text = (local.get("v") or [body])[0]
        qf = (local.get("qf") or [params.get("qf") or df])[0]
        mm = (local.get("mm") or [params.get("mm") or "100%"])[0]
        return parser.parse_dismax(text, qf, mm)
    if kind == "bool":
        clauses = []
        for key, occur in (
            ("must", tree.MUST),
            ("filter", tree.MUST),
            ("should", tree.SHOULD),
            ("must_not", tree.MUST_NOT),
        ):
            for value in local.get(key, []):
                clauses.append((occur, parser.parse_lucene(value, df, op)))
        return tree.Bool(tuple(clauses)) if clauses else tree.MatchNone()
    raise query_error("Unknown query parser %(name)r.", name=kind)
