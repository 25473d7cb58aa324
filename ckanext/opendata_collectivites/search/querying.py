"""Run a Solr ``select`` request against the index table: filter, score, sort,
page, project stored fields (``fl``) and count facets, all in SQL."""

from __future__ import annotations

import fnmatch
import re
from typing import Any

from sqlalchemy import text

from ckanext.opendata_collectivites.search import (
    cache,
    localparams,
    parser,
    schema,
    tree,
)
from ckanext.opendata_collectivites.search.compiler import Compiler, Params, column_of
from ckanext.opendata_collectivites.search.errors import query_error, sort_error

TABLE = "collectivites_search_doc"
MAX_ROWS = 100000
MAX_START = 1000000
MAX_FACET_FIELDS = 50
MAX_SORT_KEYS = 10
WORK_MEM = "64MB"
# Sort keys with a btree index (migration cs0003): literal expressions, so
# that the planner can match them to the index.
INDEXED_SORTS = {
    "metadata_modified": "((d.hot -> 'metadata_modified') ->> 0) COLLATE \"C\"",
}


def _int(params: dict[str, Any], key: str, default: int) -> int:
    value = params.get(key, default)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise query_error(
            "Invalid value %(value)r for parameter %(param)s: a whole number "
            "is expected.",
            value=value,
            param=key,
        ) from None


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v is not None]
    return [str(value)]


def _truthy(value: Any) -> bool:
    return str(value).lower() in ("true", "on", "yes", "1")


def parse_query(q: Any, params: dict[str, Any], default_op: str) -> tree.Query:
    """Parse the main query (``q``) with the parser Solr would use."""
    qtext = "" if q is None else str(q)
    local, qtext = localparams.split(qtext)
    deftype = (local.get("type") or params.get("defType") or "lucene").lower()
    if local:
        return tree.Query(localparams.to_node(local, qtext, params, default_op))
    if deftype in ("dismax", "edismax"):
        if not qtext.strip() or qtext.strip() == "*:*":
            return tree.Query(tree.MatchAll() if qtext.strip() else tree.MatchNone())
        if deftype == "edismax" and re.search(r"(^|\s)[\w.*-]+:", qtext):
            return tree.Query(
                parser.parse_lucene(qtext, params.get("df") or "text", default_op)
            )
        tie = float(params.get("tie") or 0.1)
        node = parser.parse_dismax(
            qtext,
            params.get("qf") or params.get("df") or "text",
            params.get("mm") or "100%",
            tie,
        )
        return tree.Query(node, scored=True)
    if deftype not in ("lucene", "standard"):
        raise query_error("Unknown query parser %(name)r.", name=deftype)
    if not qtext.strip():
        return tree.Query(tree.MatchNone())
    return tree.Query(
        parser.parse_lucene(qtext, params.get("df") or "text", default_op)
    )


def parse_filter(fq: str, params: dict[str, Any], default_op: str) -> tree.Node:
    local, body = localparams.split(fq)
    if local:
        return localparams.to_node(local, body, params, default_op)
    if not body.strip():
        return tree.MatchAll()
    return parser.parse_lucene(body, params.get("df") or "text", default_op)


def sort_clauses(spec: str | None) -> list[tuple[str, str]]:
    """``"score desc, metadata_modified desc"`` → ``[("score", "DESC"), ...]``."""
    out = []
    for item in (spec or "").split(","):
        item = item.strip()
        if not item:
            continue
        parts = item.split()
        if len(parts) != 2 or parts[1].lower() not in ("asc", "desc"):
            raise sort_error(item)
        out.append((parts[0], parts[1].upper()))
    if len(out) > MAX_SORT_KEYS:
        raise query_error("Too many sort keys: at most %(max)s.", max=MAX_SORT_KEYS)
    return out


def sort_expression(name: str, p: Params) -> str:
    f = schema.field(name)
    if f.multi:
        raise query_error(
            "Cannot sort on the multi-valued field %(field)s.", field=name
        )
    if name in INDEXED_SORTS:
        return INDEXED_SORTS[name]
    if f.type in (schema.INT, schema.FLOAT):
        return f"({column_of(name)} -> {p.add(name)} -> 0)"
    if f.type in schema.ANALYSED or f.type == schema.NONE:
        return f'(d.stored ->> {p.add(name)}) COLLATE "C"'
    return f'({column_of(name)} -> {p.add(name)} ->> 0) COLLATE "C"'


def _facet_source(name: str, p: Params) -> str:
    f = schema.field(name)
    if f.type in schema.ANALYSED:
        return (
            "CASE WHEN jsonb_typeof(d.stored -> %s) = 'array' THEN d.stored -> %s "
            "ELSE jsonb_build_array(d.stored -> %s) END" % ((p.add(name),) * 3)
        )
    return f"{column_of(name)} -> {p.add(name)}"


def _facet_sql(count: int, limit: int, mincount: int, sort: str, p: Params) -> str:
    """All facet counts in one pass over ``hits`` (columns ``f0``..``f<count-1>``),
    ranked per field by count then value (or by value), cut at ``limit``."""
    values = " UNION ALL ".join(
        f"SELECT {k} AS k, jsonb_array_elements_text(f{k}) AS v FROM hits"  # noqa: S608
        f" WHERE jsonb_typeof(f{k}) = 'array'"
        for k in range(count)
    )
    order = 'count(*) DESC, v COLLATE "C"' if sort == "count" else 'v COLLATE "C"'
    cut = "" if limit < 0 else f"WHERE rn <= {p.add(limit)}"
    return (  # noqa: S608 (placeholders and generated SQL only)
        f"(SELECT k + 2, v, n FROM (SELECT k, v, count(*) AS n, "  # noqa: S608
        f"row_number() OVER (PARTITION BY k ORDER BY {order}) AS rn "
        f"FROM ({values}) u GROUP BY k, v HAVING count(*) >= {p.add(max(mincount, 1))}"
        f") ranked {cut} ORDER BY k, rn)"
    )


def projection(fl: Any) -> tuple[list[str] | None, bool]:
    """Requested stored fields (``None`` = all) and whether ``score`` is wanted."""
    names = [n for item in _as_list(fl) for n in re.split(r"[\s,]+", item) if n]
    if not names:
        return None, False
    want_score = "score" in names
    names = [n for n in names if n != "score"]
    if "*" in names:
        return None, want_score
    return names, want_score


def run(session: Any, q: Any, params: dict[str, Any]) -> dict:
    """Execute a search; return a Solr-shaped JSON response dict.

    Two statements: the hit count and facet counts in one pass over the hits,
    then the requested page (which an index serves for the default
    ``metadata_modified`` order).  Each result is cached separately (see
    :mod:`.cache`), so paging through a large result counts it only once.
    """
    default_op = str(params.get("q.op") or "OR").upper()
    query = parse_query(q, params, default_op)
    filters = [
        parse_filter(fq, params, default_op) for fq in _as_list(params.get("fq"))
    ]
    rows = max(0, min(_int(params, "rows", 10), MAX_ROWS))
    start = max(0, min(_int(params, "start", 0), MAX_START))
    sorts = sort_clauses(params.get("sort")) or [("score", "DESC")]

    p = Params()
    comp = Compiler(p)
    conds = [comp.condition(query.node)] + [comp.condition(n) for n in filters]
    where = " AND ".join(c for c in conds if c != "TRUE") or "TRUE"
    score = comp.score(query.node) if query.scored else "1.0"
    where_values = dict(p.values)  # the condition's and the score's parameters

    facet_on = _truthy(params.get("facet", "false"))
    facet_fields = (
        list(dict.fromkeys(_as_list(params.get("facet.field")))) if facet_on else []
    )
    if len(facet_fields) > MAX_FACET_FIELDS:
        raise query_error(
            "Too many facet fields: at most %(max)s.", max=MAX_FACET_FIELDS
        )
    facet_limit = _int(params, "facet.limit", 100)
    facet_mincount = _int(params, "facet.mincount", 0)
    facet_sort = str(
        params.get("facet.sort") or ("count" if facet_limit > 0 else "index")
    )

    # 1. count and facets
    fp = Params(start=p.next)
    fp.values.update(where_values)
    cols = [f"{_facet_source(name, fp)} AS f{k}" for k, name in enumerate(facet_fields)]
    parts = ["SELECT 0 AS kind, NULL::text AS key, count(*) AS n FROM hits"]
    if facet_fields and facet_limit != 0:
        parts.append(
            _facet_sql(len(facet_fields), facet_limit, facet_mincount, facet_sort, fp)
        )
    # Only placeholders and SQL generated by the compiler are interpolated:
    # every value of the request is a bound parameter.
    count_sql = "WITH hits AS MATERIALIZED (SELECT {} FROM {} d WHERE {}) {}".format(  # noqa: S608
        ", ".join(cols) or "1 AS one", TABLE, where, " UNION ALL ".join(parts)
    )
    counted = _cached(session, count_sql, fp.values)
    hits = 0
    facets: dict[str, list[Any]] = {name: [] for name in facet_fields}
    for kind, key, n in counted:
        if kind == 0:
            hits = n
        else:
            facets[facet_fields[kind - 2]].extend([key, n])

    # 2. the page
    page: list[tuple[int, float]] = []
    if rows > 0 and start < hits:
        pp = Params(start=p.next)
        pp.values.update(where_values)
        order_by = []
        for name, direction in sorts:
            if name == "score":
                if query.scored:  # a constant score does not order anything
                    order_by.append(f"score {direction}")
                continue
            order_by.append(f"{sort_expression(name, pp)} {direction} NULLS LAST")
        order_by.append("d.seq ASC")
        page_sql = (
            f"SELECT d.seq, {score} AS score FROM {TABLE} d WHERE {where} "  # noqa: S608
            f"ORDER BY {', '.join(order_by)} "
            f"LIMIT {pp.add(rows)} OFFSET {pp.add(start)}"
        )
        page = [(seq, sc) for seq, sc in _cached(session, page_sql, pp.values)]

    docs = fetch_docs(session, page, params.get("fl"))
    response: dict[str, Any] = {
        "responseHeader": {"status": 0},
        "response": {"numFound": hits, "start": start, "docs": docs},
    }
    if facet_on:
        response["facet_counts"] = {"facet_queries": {}, "facet_fields": facets}
    return response


def _cached(session: Any, sql: str, values: dict[str, Any]) -> list:
    cache_key = cache.key(session, sql, values)
    result = cache.get(cache_key)
    if result is None:
        # large hit sets sort and aggregate in memory rather than on disk
        session.execute(
            text("SELECT set_config('work_mem', :wm, true)"), {"wm": WORK_MEM}
        )
        result = [tuple(row) for row in session.execute(text(sql), values)]
        cache.put(cache_key, result)
    return result


def fetch_docs(session: Any, page: list[tuple[int, float]], fl: Any) -> list[dict]:
    if not page:
        return []
    names, want_score = projection(fl)
    rows = session.execute(
        text(f"SELECT seq, stored FROM {TABLE} WHERE seq = ANY(:seqs)"),  # noqa: S608
        {"seqs": [seq for seq, _ in page]},
    ).fetchall()
    by_seq = {seq: stored for seq, stored in rows}
    docs = []
    for seq, sc in page:
        stored = by_seq.get(seq)
        if stored is None:
            continue
        if names is None:
            doc = dict(stored)
        else:
            doc = {}
            for name in names:
                if "*" in name or "?" in name:
                    doc.update(
                        {
                            k: v
                            for k, v in stored.items()
                            if fnmatch.fnmatchcase(k, name)
                        }
                    )
                elif name in stored:
                    doc[name] = stored[name]
        if want_score:
            doc["score"] = float(sc)
        docs.append(doc)
    return docs
