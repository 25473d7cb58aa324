"""Run a Solr ``select`` request against the index table: filter, score, sort,
page, project stored fields (``fl``) and count facets, all in SQL."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from typing import Any

from sqlalchemy import text

from ckanext.opendata_collectivites.search import (
    cache,
    localparams,
    parser,
    schema,
    terms,
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
INDEXED_SORTS = {"metadata_modified": "d.modified"}


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


def _ranked(values: str, limit: int, mincount: int, sort: str, p: Params) -> str:
    """Facet rows ``(k + 2, value, count)`` from counted ``values`` (columns
    ``k`` (facet field number), ``v``, ``n``), ranked per field by count then
    value (or by value), cut at ``limit``."""
    order = 'n DESC, v COLLATE "C"' if sort == "count" else 'v COLLATE "C"'
    cut = "" if limit < 0 else f"WHERE rn <= {p.add(limit)}"
    return (  # noqa: S608 (placeholders and generated SQL only)
        f"(SELECT k + 2, v, n FROM (SELECT k, v, n, "  # noqa: S608
        f"row_number() OVER (PARTITION BY k ORDER BY {order}) AS rn "
        f"FROM ({values}) u WHERE n >= {p.add(max(mincount, 1))}"
        f") ranked {cut} ORDER BY k, rn)"
    )


def _term_values(counted: str, fields: list[str], p: Params) -> str:
    """``(k, v, n)`` of the term fields among ``fields``, from ``counted``
    (columns ``t``: term id, ``n``: count), labelled by the term table."""
    names = p.add(fields)
    return (  # noqa: S608 (placeholders and generated SQL only)
        f"SELECT array_position(CAST({names} AS text[]), l.field) - 1 AS k, "  # noqa: S608
        f"l.value AS v, c.n FROM ({counted}) c "
        f"JOIN {terms.TERM_TABLE} l ON l.id = c.t "
        f"WHERE l.field = ANY(CAST({names} AS text[]))"
    )


def _json_values(fields: dict[int, str]) -> str:
    """``(k, v, n)`` of the other facet fields, from ``hits`` columns ``f<k>``."""
    values = " UNION ALL ".join(
        f"SELECT {k} AS k, jsonb_array_elements_text(f{k}) AS v FROM hits"  # noqa: S608
        f" WHERE jsonb_typeof(f{k}) = 'array'"
        for k in fields
    )
    return f"SELECT k, v, count(*) AS n FROM ({values}) j GROUP BY k, v"  # noqa: S608


def _partition_counts_sql(where: str, fields: list[str], p: Params) -> str:
    """Hit count and term counts of a partition-only search, from the counts
    maintained per partition (see :mod:`.terms`)."""
    wanted = f"c.term = {terms.DOC}"
    if fields:
        wanted += (
            f" OR c.term IN (SELECT id FROM {terms.TERM_TABLE} "  # noqa: S608
            f"WHERE field = ANY(CAST({p.add(fields)} AS text[])))"
        )
    return (  # noqa: S608 (placeholders and generated SQL only)
        f"WITH counted AS (SELECT c.term AS t, CAST(sum(c.n) AS bigint) AS n "  # noqa: S608
        f"FROM {terms.PARTITION_TABLE} d JOIN {terms.COUNT_TABLE} c ON c.part = d.id "
        f"WHERE ({where}) AND ({wanted}) GROUP BY c.term) "
        f"SELECT 0 AS kind, NULL::text AS key, "
        f"COALESCE((SELECT n FROM counted WHERE t = {terms.DOC}), 0) AS n"
    )


def _scan_counts_sql(
    where: str, term_fields: list[str], json_fields: dict[int, str], p: Params
) -> str:
    """Hit count and facet counts in one pass over the hits."""
    if not term_fields and not json_fields:
        return (
            "SELECT 0 AS kind, NULL::text AS key, count(*) AS n "  # noqa: S608
            f"FROM {TABLE} d WHERE {where}"
        )
    cols = ["d.terms AS t"] + [
        f"{_facet_source(name, p)} AS f{k}" for k, name in json_fields.items()
    ]
    return (  # noqa: S608 (placeholders and generated SQL only)
        f"WITH hits AS MATERIALIZED (SELECT {', '.join(cols)} FROM {TABLE} d "  # noqa: S608
        f"WHERE {where}), counted AS (SELECT t, count(*) AS n FROM "
        "(SELECT unnest(t) AS t FROM hits) u GROUP BY t) "
        "SELECT 0 AS kind, NULL::text AS key, count(*) AS n FROM hits"
    )


def facet_counts_sql(
    where: str,
    partition_only: bool,
    fields: list[str],
    limit: int,
    mincount: int,
    sort: str,
    p: Params,
) -> str:
    """SQL of the hit count (row kind 0) and facet counts (kind k + 2)."""
    if limit == 0:
        fields = []
    json_fields = {k: f for k, f in enumerate(fields) if not terms.is_term_field(f)}
    term_fields = [f for f in fields if terms.is_term_field(f)]
    if partition_only and not json_fields:
        sql = _partition_counts_sql(where, term_fields, p)
    else:
        sql = _scan_counts_sql(where, term_fields, json_fields, p)
    values = []
    if term_fields:
        values.append(_term_values("SELECT t, n FROM counted", fields, p))
    if json_fields:
        values.append(_json_values(json_fields))
    if values:
        sql += " UNION ALL " + _ranked(
            " UNION ALL ".join(values), limit, mincount, sort, p
        )
    return sql


def _page_source(where: str, field_scores: list[str]) -> str:
    """The hits, as the page query reads them (alias ``d``), with the field
    scores of a scored query as columns ``r0``, ``r1``...

    Each field score is computed once per hit, and the (compressed,
    out-of-line) text vector is read once per hit: the innermost sub-query
    hands a decompressed copy to the scoring functions.
    """
    if not field_scores:
        return f"{TABLE} d WHERE {where}"
    columns = ", ".join(f"{expr} AS r{k}" for k, expr in enumerate(field_scores))
    return (  # noqa: S608 (generated SQL only)
        f"(SELECT d.*, {columns} FROM "  # noqa: S608
        "(SELECT d.seq, d.hot, d.terms, d.modified, d.stored, d.strings, "
        f"d.tsv || ''::tsvector AS tsv FROM {TABLE} d WHERE {where} OFFSET 0) d "
        "OFFSET 0) d"
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


def _check_characters(q: Any, params: dict[str, Any]) -> None:
    """Reject NUL characters, which no text value of PostgreSQL can hold."""
    for value in [q, *params.values()]:
        if any("\x00" in v for v in _as_list(value)):
            raise query_error(
                "The search request contains a NUL character (\\x00), "
                "which is not allowed."
            )


def run(session: Any, q: Any, params: dict[str, Any]) -> dict:
    """Execute a search; return a Solr-shaped JSON response dict.

    Two statements: the hit count and facet counts in one pass over the hits,
    then the requested page (which an index serves for the default
    ``metadata_modified`` order).  Each result is cached separately (see
    :mod:`.cache`), so paging through a large result counts it only once.
    """
    _check_characters(q, params)
    found = point_lookup(session, q, params)
    if found is not None:
        return found
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
    partition_only = comp.partition_only
    field_scores, score = comp.score(query.node) if query.scored else ([], "1.0")
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

    # 1. count and facets (from the partition counts when the session has
    # no uncommitted index writes and every condition is on partition terms)
    fp = Params(start=p.next)
    fp.values.update(where_values)
    count_sql = facet_counts_sql(
        where,
        partition_only and not session.info.get(cache.DIRTY),
        facet_fields,
        facet_limit,
        facet_mincount,
        facet_sort,
        fp,
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
        source = _page_source(where, field_scores)
        page_sql = (  # noqa: S608 (placeholders and generated SQL only)
            f"SELECT d.seq, {score} AS score FROM {source} "  # noqa: S608
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


# CKAN's ``PackageSearchQuery.get_index`` (``package_show``'s cache lookup,
# once per shown dataset): ``name:"x" OR id:"x"``, one row, site and entity.
_GET_INDEX_Q = re.compile(r'^name:"([^"\\]*)" OR id:"([^"\\]*)"$')
_GET_INDEX_FQ = re.compile(r'^\+site_id:"([^"\\]*)" \+entity_type:package\s*$')
_LOOKUP_PARAMS = {"rows", "wt", "fq", "q"}


def point_lookup(session: Any, q: Any, params: dict[str, Any]) -> dict | None:
    """The answer to CKAN's dataset lookup by id or name, read through the
    exact-value index in one statement; None for any other query."""
    match = _GET_INDEX_Q.match(q) if isinstance(q, str) else None
    fq = params.get("fq")
    site = _GET_INDEX_FQ.match(fq) if isinstance(fq, str) else None
    if (
        match is None
        or site is None
        or match.group(1) != match.group(2)
        or str(params.get("rows")) != "1"
        or set(params) - _LOOKUP_PARAMS
    ):
        return None
    reference = match.group(1)
    site_id = site.group(1)
    # By id: CKAN's own index_id (md5 of id and site id), the primary key; by
    # name: the btree on hot->'name'. Both index probes (a jsonb containment
    # test on ``strings`` made the planner read every document).
    seqs = session.execute(
        text(
            "SELECT seq FROM ("  # noqa: S608
            f"SELECT seq, site_id, hot FROM {TABLE} WHERE index_id = :index_id "
            "UNION ALL "
            f"SELECT seq, site_id, hot FROM {TABLE} "
            "WHERE hot -> 'name' = CAST(:name AS jsonb)"
            ") AS found WHERE site_id = :site "
            "AND hot @> CAST(:entity AS jsonb) ORDER BY seq LIMIT 1"
        ),
        {
            "site": site_id,
            "entity": json.dumps({"entity_type": ["package"]}),
            "index_id": hashlib.md5(  # noqa: S324 - CKAN's document key, not security
                f"{reference}{site_id}".encode()
            ).hexdigest(),
            "name": json.dumps([reference]),
        },
    ).fetchall()
    docs = fetch_docs(session, [(seqs[0][0], 1.0)], None) if seqs else []
    return {
        "responseHeader": {"status": 0},
        "response": {"numFound": len(docs), "start": 0, "docs": docs},
    }


def _cached(session: Any, sql: str, values: dict[str, Any]) -> list:
    cache_key = cache.key(session, sql, values)
    result = cache.get(cache_key)
    if result is None:
        result = _execute(session, sql, values)
        cache.put(cache_key, result)
    return result


def _execute(session: Any, sql: str, values: dict[str, Any]) -> list:
    """Run a search statement: large hit sets sort and aggregate in memory
    rather than on disk; a text match is read from its GIN index rather than
    by reading every row's text vector (out of line: the planner does not
    count that cost, and would scan the table for a frequent word)."""
    text_match = "d.tsv @@" in sql
    previous = session.execute(
        text(
            "SELECT set_config('work_mem', :wm, true), "
            "current_setting('enable_seqscan')"
        ),
        {"wm": WORK_MEM},
    ).first()[1]
    if text_match:
        session.execute(text("SET LOCAL enable_seqscan = off"))
    rows = [tuple(row) for row in session.execute(text(sql), values)]
    if text_match:  # (a failed statement rolls the setting back with it)
        session.execute(
            text("SELECT set_config('enable_seqscan', :v, true)"), {"v": previous}
        )
    return rows


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
