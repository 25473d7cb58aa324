"""Compile a query tree into a SQL condition (and a score) with bound parameters.

The index table is aliased ``d``: ``d.strings`` (jsonb, ``{field: [values]}``,
``d.hot`` its small subset of everyday fields,
for exact, date and numeric fields), ``d.tsv`` (tsvector of field-prefixed
analysed tokens with positions) and ``d.stored`` (stored fields).
"""

from __future__ import annotations

import json
from typing import Any

from ckanext.opendata_collectivites.search import analysis, dates, schema, terms, tree
from ckanext.opendata_collectivites.search.errors import query_error

PRESENT = "__present__"


class Params:
    """Collects bound parameters, handing out ``:p<n>`` placeholders."""

    def __init__(self, start: int = 0) -> None:
        self.values: dict[str, Any] = {}
        self.next = start

    def add(self, value: Any) -> str:
        name = f"p{self.next}"
        self.next += 1
        self.values[name] = value
        return ":" + name


def column_of(field: str) -> str:
    """The jsonb column holding the exact values of ``field``."""
    return "d.hot" if schema.is_hot(field) else "d.strings"


def lexeme(field: str, token: str) -> str:
    """The tsvector lexeme of ``token`` in ``field``."""
    return field + ":" + token


def quote_lexeme(lex: str) -> str:
    return "'" + lex.replace("\\", "\\\\").replace("'", "''") + "'"


def _alternatives(field: str, variants: tuple[str, ...], prefix: bool = False) -> str:
    star = ":*" if prefix else ""
    items = [quote_lexeme(lexeme(field, v)) + star for v in variants]
    return items[0] if len(items) == 1 else "(" + " | ".join(items) + ")"


def text_tsquery(field: str, ftype: str, value: str, phrase: bool) -> str | None:
    """tsquery text for ``value`` searched in analysed field ``field``."""
    tokens = list(analysis.analyse(value, ftype, index=False))
    if not tokens:
        return None
    parts = [_alternatives(field, t.variants) for t in tokens]
    if len(parts) == 1:
        return parts[0]
    if phrase:
        out = parts[0]
        for prev, cur, part in zip(tokens, tokens[1:], parts[1:], strict=False):
            distance = max(1, cur.position - prev.position)
            out += f" <{distance}> " + part
        return out
    return " & ".join(parts)


class Compiler:
    """Turns tree nodes into SQL boolean expressions over the alias ``d``."""

    def __init__(self, params: Params, now: Any = None) -> None:
        self.p = params
        self.now = now
        # whether every condition compiled so far is on partition terms only
        # (then it also holds for the rows of the partition table)
        self.partition_only = True

    def condition(self, node: tree.Node) -> str:
        if not (
            isinstance(node, (tree.Bool, tree.MatchAll, tree.MatchNone))
            or (
                isinstance(node, tree.Term)
                and node.field in terms.PARTITION_FIELDS
                and terms.is_term_field(node.field)
            )
        ):
            self.partition_only = False
        method = getattr(self, "_" + type(node).__name__.lower())
        sql = method(node)
        return sql

    # -- leaves ------------------------------------------------------------
    def _matchall(self, node: tree.MatchAll) -> str:
        return "TRUE"

    def _matchnone(self, node: tree.MatchNone) -> str:
        return "FALSE"

    def _any_value(self, field: str, predicate: str, as_json: bool = False) -> str:
        """True when one value ``v`` of exact field ``field`` satisfies ``predicate``.

        Only placeholders and SQL generated here are interpolated; every value
        coming from the query is a bound parameter.
        """
        func = "jsonb_array_elements" if as_json else "jsonb_array_elements_text"
        column = column_of(field)
        source = f"{func}({column} -> {self.p.add(field)})"
        return f"EXISTS (SELECT 1 FROM {source} v WHERE {predicate})"  # noqa: S608

    def _contains(self, field: str, value: Any) -> str:
        if terms.is_term_field(field):
            placeholder = self.p.add([terms.term_id(field, str(value))])
            return f"d.terms @> CAST({placeholder} AS bigint[])"
        column = column_of(field)
        placeholder = self.p.add(json.dumps({field: [value]}))
        return f"{column} @> CAST({placeholder} AS jsonb)"

    def _term(self, node: tree.Term) -> str:
        f = schema.field(node.field)
        if f.type in schema.ANALYSED:
            tsq = text_tsquery(node.field, f.type, node.value, node.phrase)
            if tsq is None:
                return "FALSE"
            return f"d.tsv @@ CAST({self.p.add(tsq)} AS tsquery)"
        if f.type == schema.NGRAM:
            value = node.value.lower().strip()
            if not value:
                return "FALSE"
            return self._any_value(node.field, f"strpos(v, {self.p.add(value)}) > 0")
        if f.type == schema.DATE:
            try:
                value = dates.index_form(dates.parse_math(node.value, self.now))
            except dates.DateError:
                raise query_error(
                    "Invalid date %(value)r in field %(field)s.",
                    value=node.value,
                    field=node.field,
                ) from None
            return self._contains(node.field, value)
        if f.type in (schema.INT, schema.FLOAT):
            try:
                number = float(node.value)
            except ValueError:
                raise query_error(
                    "Invalid number %(value)r in field %(field)s.",
                    value=node.value,
                    field=node.field,
                ) from None
            number_sql = f"to_jsonb(CAST({self.p.add(number)} AS numeric))"
            return self._any_value(node.field, f"v = {number_sql}", as_json=True)
        if f.type == schema.NONE:
            return "FALSE"
        return self._contains(node.field, node.value)

    def _wildcard(self, node: tree.Wildcard) -> str:
        f = schema.field(node.field)
        pattern = node.pattern
        if f.type in schema.ANALYSED:
            prefix = pattern.split("*")[0].split("?")[0]
            if not prefix:
                return self._exists(tree.Exists(node.field))
            tokens = analysis.split_word(analysis.prefix_form(prefix, f.type))
            if not tokens:
                return "FALSE"
            parts = [_alternatives(node.field, (t,)) for t in tokens[:-1]]
            parts.append(_alternatives(node.field, (tokens[-1],), prefix=True))
            return "d.tsv @@ CAST({} AS tsquery)".format(self.p.add(" & ".join(parts)))
        like = "".join(
            "%" if c == "*" else "_" if c == "?" else "\\" + c if c in "%_\\" else c
            for c in (pattern.lower() if f.type == schema.NGRAM else pattern)
        )
        if f.type == schema.NGRAM:
            like = "%" + like + "%"
        return self._any_value(node.field, f"v LIKE {self.p.add(like)}")

    def _exists(self, node: tree.Exists) -> str:
        if node.field == "*":
            return "TRUE"
        return self._contains(PRESENT, node.field)

    def _range(self, node: tree.Range) -> str:
        f = schema.field(node.field)
        if f.type in schema.ANALYSED or f.type in (schema.NGRAM, schema.NONE):
            return "FALSE"
        numeric = f.type in (schema.INT, schema.FLOAT)
        value_sql = "CAST(v::text AS numeric)" if numeric else 'v COLLATE "C"'
        conds = []
        for bound, inclusive, op in (
            (node.low, node.include_low, ">"),
            (node.high, node.include_high, "<"),
        ):
            if bound is not None:
                placeholder = self.p.add(self._bound(node.field, f.type, bound))
                conds.append(
                    f"{value_sql} {op}{'=' if inclusive else ''} {placeholder}"
                )
        return self._any_value(
            node.field, " AND ".join(conds) or "TRUE", as_json=numeric
        )

    def _bound(self, field: str, ftype: str, bound: str) -> Any:
        if ftype == schema.DATE:
            try:
                return dates.index_form(dates.parse_math(bound, self.now))
            except dates.DateError:
                raise query_error(
                    "Invalid date %(value)r in field %(field)s.",
                    value=bound,
                    field=field,
                ) from None
        if ftype in (schema.INT, schema.FLOAT):
            try:
                return float(bound)
            except ValueError:
                raise query_error(
                    "Invalid number %(value)r in field %(field)s.",
                    value=bound,
                    field=field,
                ) from None
        return bound

    # -- compound ------------------------------------------------------------
    def _bool(self, node: tree.Bool) -> str:
        must = [self.condition(n) for o, n in node.clauses if o == tree.MUST]
        must_not = [self.condition(n) for o, n in node.clauses if o == tree.MUST_NOT]
        should = [self.condition(n) for o, n in node.clauses if o == tree.SHOULD]
        parts = list(must)
        if should:
            need = node.min_should
            if need == 0 and not must:
                need = 1
            if need == 1:
                parts.append("(" + " OR ".join(should) + ")")
            elif need >= len(should):
                parts.extend(should)
            elif need > 1:
                parts.append("(" + " OR ".join(should) + ")")
                parts.append(
                    "("
                    + " + ".join(f"(CASE WHEN {s} THEN 1 ELSE 0 END)" for s in should)
                    + f") >= {int(need)}"
                )
        if not parts:
            parts.append("TRUE")
        parts.extend(f"NOT ({n})" for n in must_not)
        return "(" + " AND ".join(parts) + ")"

    def _dismax(self, node: tree.DisMax) -> str:
        """One clause over every ``qf`` field; analysed fields share one tsquery
        (a single index probe and a single read of the row's tsvector).

        An exact field copied into an analysed ``qf`` field (``tags`` into
        ``text``) adds no condition: its exact match implies a match there.
        """
        queries, ors = [], []
        analysed = {
            f for f, _ in node.fields if schema.field(f).type in schema.ANALYSED
        }
        for f, _ in node.fields:
            ftype = schema.field(f).type
            if ftype == schema.STRING and analysed & set(schema.copy_targets(f)):
                continue
            if ftype in schema.ANALYSED:
                tsq = text_tsquery(f, ftype, node.value, node.phrase)
                if tsq is not None:
                    queries.append("(" + tsq + ")")
            else:
                ors.append(self.condition(tree.Term(f, node.value, node.phrase)))
        if queries:
            ors.insert(
                0, f"d.tsv @@ CAST({self.p.add(' | '.join(queries))} AS tsquery)"
            )
        return "(" + " OR ".join(ors) + ")" if ors else "FALSE"

    # -- scoring -------------------------------------------------------------
    def score(self, node: tree.Node) -> tuple[list[str], str]:
        """Relevance: the sum over dismax clauses (query words or phrases) of
        the clause's best field score plus ``tie`` × its other field scores.

        A field score is the field's ``qf`` boost × a saturated term frequency
        ``tf / (tf + 1)`` (``ts_rank_cd`` with normalisation 32) in analysed
        fields, × 0.5 (one occurrence) for an exact match.  A document that
        matches more words, in more important fields, more often, ranks higher.

        Returns the field scores (expressions over ``d``, to be computed once
        per row as columns ``r0``, ``r1``...) and the score over those columns.
        """
        clauses: list[tuple[list[str], float]] = []
        self._collect_scores(node, clauses)
        columns: list[str] = []
        total = []
        for scores, tie in clauses:
            names = [f"r{len(columns) + k}" for k in range(len(scores))]
            columns.extend(scores)
            best = "GREATEST({})".format(", ".join(names))
            total.append(f"{best} + {tie} * ({' + '.join(names)} - {best})")
        return columns, " + ".join(total) or "1.0"

    def _collect_scores(
        self, node: tree.Node, out: list[tuple[list[str], float]]
    ) -> None:
        if isinstance(node, tree.Bool):
            for occur, child in node.clauses:
                if occur != tree.MUST_NOT:
                    self._collect_scores(child, out)
        elif isinstance(node, tree.DisMax):
            scores = []
            for f, boost in node.fields:
                ftype = schema.field(f).type
                if ftype in schema.ANALYSED:
                    tsq = text_tsquery(f, ftype, node.value, node.phrase)
                    if tsq is None:
                        continue
                    rank = "ts_rank_cd('{1,1,1,1}', d.tsv, CAST(%s AS tsquery), 32)"
                    scores.append(f"{float(boost)} * {rank % self.p.add(tsq)}")
                else:
                    match = self.condition(tree.Term(f, node.value, node.phrase))
                    scores.append(f"CASE WHEN {match} THEN {0.5 * boost} ELSE 0 END")
            if scores:
                out.append((scores, float(node.tie)))
