"""Parsers for the query languages CKAN sends: Lucene standard syntax and dismax.

Both produce a :mod:`tree`.  Errors are ``pysolr.SolrError`` with a message
naming the problem and its position.  Cost is bounded: query length, number
of clauses and nesting depth are limited.
"""

from __future__ import annotations

import math
import re

from ckanext.opendata_collectivites.search import tree
from ckanext.opendata_collectivites.search.errors import query_error, translate

MAX_QUERY_LENGTH = 20000
MAX_CLAUSES = 1024
MAX_DEPTH = 20

_SPECIAL = set('+-!():^[]"{}~*?\\/ \t\r\n\u3000')
_TERM_BREAK = set(' \t\r\n\u3000():^[]{}"~')
_ESCAPABLE = set('+-&|!(){}[]^"~*?:\\/ ')


class _Limits:
    def __init__(self) -> None:
        self.clauses = 0

    def count(self) -> None:
        self.clauses += 1
        if self.clauses > MAX_CLAUSES:
            raise query_error(
                "Too many search terms: at most %(max)s are allowed.", max=MAX_CLAUSES
            )


def _check_length(text: str) -> None:
    if len(text) > MAX_QUERY_LENGTH:
        raise query_error(
            "Search query too long: at most %(max)s characters are allowed.",
            max=MAX_QUERY_LENGTH,
        )


class LuceneParser:
    """Lucene/Solr standard query parser (the subset CKAN and its users use)."""

    def __init__(
        self, text: str, default_field: str = "text", default_op: str = "OR"
    ) -> None:
        _check_length(text)
        self.s = text
        self.i = 0
        self.df = default_field or "text"
        self.and_default = (default_op or "OR").upper() == "AND"
        self.limits = _Limits()

    # -- helpers -------------------------------------------------------
    def _error(self, message: str, **kwargs: str) -> Exception:
        """``message`` (an English msgid with ``%(name)s`` slots) at the cursor."""
        return query_error(
            "Invalid search query %(query)r: %(problem)s (at character %(pos)s).",
            query=self.s[:200],
            problem=translate(message) % kwargs,
            pos=self.i + 1,
        )

    def _ws(self) -> None:
        while self.i < len(self.s) and self.s[self.i].isspace():
            self.i += 1

    def _peek_word(self, *words: str) -> str | None:
        for w in words:
            end = self.i + len(w)
            if self.s.startswith(w, self.i) and (
                end >= len(self.s)
                or self.s[end].isspace()
                or self.s[end] in "()"
                or not w.isalpha()
            ):
                return w
        return None

    # -- grammar -------------------------------------------------------
    def parse(self) -> tree.Node:
        node = self._query(self.df, 0)
        self._ws()
        if self.i < len(self.s):
            raise self._error("unexpected ')'")
        return node

    def _query(self, field: str, depth: int) -> tree.Node:
        if depth > MAX_DEPTH:
            raise query_error(
                "Search query nested too deeply: at most %(max)s levels of parentheses.",  # noqa: E501
                max=MAX_DEPTH,
            )
        clauses: list[list] = []  # [occur, node]
        while True:
            self._ws()
            if self.i >= len(self.s) or self.s[self.i] == ")":
                break
            conj = None
            word = self._peek_word("AND", "&&", "OR", "||")
            if word:
                if not clauses:
                    raise self._error("'%(word)s' without a term before it", word=word)
                conj = "AND" if word in ("AND", "&&") else "OR"
                self.i += len(word)
                self._ws()
            mod = None
            if self.i < len(self.s) and self.s[self.i] in "+-!":
                mod = "REQ" if self.s[self.i] == "+" else "NOT"
                self.i += 1
            elif self._peek_word("NOT"):
                mod = "NOT"
                self.i += 3
                self._ws()
            if (
                self.i >= len(self.s)
                or self.s[self.i] == ")"
                or (mod and self.s[self.i] in "+-!" + " \t\n")
            ):
                raise self._error("an operator must be followed by a term")
            node = self._clause(field, depth)
            self._add_clause(clauses, conj, mod, node)
        if not clauses:
            return tree.MatchNone() if depth else tree.MatchAll()
        return self._build(clauses)

    def _add_clause(
        self, clauses: list, conj: str | None, mod: str | None, node: tree.Node | None
    ) -> None:
        # Lucene's QueryParserBase.addClause
        if clauses and conj == "AND" and clauses[-1][0] != tree.MUST_NOT:
            clauses[-1][0] = tree.MUST
        if (
            clauses
            and self.and_default
            and conj == "OR"
            and clauses[-1][0] != tree.MUST_NOT
        ):
            clauses[-1][0] = tree.SHOULD
        if node is None:
            return
        if not self.and_default:
            prohibited = mod == "NOT"
            required = mod == "REQ" or (conj == "AND" and not prohibited)
        else:
            prohibited = mod == "NOT"
            required = not prohibited and conj != "OR"
        occur = tree.MUST_NOT if prohibited else tree.MUST if required else tree.SHOULD
        clauses.append([occur, node])

    @staticmethod
    def _build(clauses: list) -> tree.Node:
        if len(clauses) == 1 and clauses[0][0] != tree.MUST_NOT:
            return clauses[0][1]
        return tree.Bool(tuple((o, n) for o, n in clauses))

    def _clause(self, field: str, depth: int) -> tree.Node | None:
        self.limits.count()
        c = self.s[self.i]
        if c == "(":
            self.i += 1
            node = self._query(field, depth + 1)
            if self.i >= len(self.s) or self.s[self.i] != ")":
                raise self._error("missing closing parenthesis")
            self.i += 1
            self._suffixes()
            return node
        if c == '"':
            return self._phrase(field)
        if c in "[{":
            return self._range(field)
        start = self.i
        raw, escaped = self._term_text()
        after = self.i
        self._ws()
        if self.i >= len(self.s) or self.s[self.i] != ":":
            self.i = after  # "field : value" is accepted, like Solr does
        if self.i < len(self.s) and self.s[self.i] == ":" and raw:
            self.i += 1
            name = raw
            self._ws()
            if self.i >= len(self.s):
                raise self._error("field '%(name)s' has no value", name=name)
            c = self.s[self.i]
            if c == "(":
                self.i += 1
                node = self._query(name, depth + 1)
                if self.i >= len(self.s) or self.s[self.i] != ")":
                    raise self._error("missing closing parenthesis")
                self.i += 1
                self._suffixes()
                return node
            if c == '"':
                return self._phrase(name)
            if c in "[{":
                return self._range(name)
            value, escaped = self._term_text()
            if not value:
                raise self._error("field '%(name)s' has no value", name=name)
            if name == "*" and value == "*":
                self._suffixes()
                return tree.MatchAll()
            return self._term_node(name, value, escaped)
        if not raw:
            self.i = start
            raise self._error("unexpected character %(char)r", char=self.s[self.i])
        return self._term_node(field, raw, escaped)

    def _term_node(self, field: str, value: str, escaped: set[int]) -> tree.Node:
        self._suffixes()
        wild = [k for k, ch in enumerate(value) if ch in "*?" and k not in escaped]
        if value == "*" and wild:
            return tree.Exists(field)
        if wild:
            return tree.Wildcard(field, value)
        return tree.Term(field, value)

    def _term_text(self) -> tuple[str, set[int]]:
        out: list[str] = []
        escaped: set[int] = set()
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == "\\":
                if self.i + 1 >= len(self.s):
                    raise self._error("query ends with a backslash")
                escaped.add(len(out))
                out.append(self.s[self.i + 1])
                self.i += 2
                continue
            if c in _TERM_BREAK or c == ":" or (c in "+-!" and not out):
                break
            out.append(c)
            self.i += 1
        return "".join(out), escaped

    def _phrase(self, field: str) -> tree.Node | None:
        self.i += 1
        out: list[str] = []
        while True:
            if self.i >= len(self.s):
                raise self._error("missing closing quote")
            c = self.s[self.i]
            if c == "\\" and self.i + 1 < len(self.s):
                out.append(self.s[self.i + 1])
                self.i += 2
                continue
            self.i += 1
            if c == '"':
                break
            out.append(c)
        self._suffixes()
        return tree.Term(field, "".join(out), phrase=True)

    def _range_bound(self) -> str:
        self._ws()
        if self.i < len(self.s) and self.s[self.i] == '"':
            self.i += 1
            end = self.s.find('"', self.i)
            if end < 0:
                raise self._error("missing closing quote in range")
            value = self.s[self.i : end]
            self.i = end + 1
            return value
        start = self.i
        while (
            self.i < len(self.s)
            and not self.s[self.i].isspace()
            and self.s[self.i] not in "]}"
        ):
            if self.s[self.i] == "\\":
                self.i += 1
            self.i += 1
        return self.s[start : self.i].replace("\\", "")

    def _range(self, field: str) -> tree.Node:
        include_low = self.s[self.i] == "["
        self.i += 1
        low = self._range_bound()
        self._ws()
        if not self.s.startswith("TO", self.i):
            raise self._error("range without 'TO'")
        self.i += 2
        high = self._range_bound()
        self._ws()
        if self.i >= len(self.s) or self.s[self.i] not in "]}":
            raise self._error("range not closed by ']' or '}'")
        include_high = self.s[self.i] == "]"
        self.i += 1
        self._suffixes()
        if low == "*" and high == "*":
            return tree.Exists(field)
        return tree.Range(
            field,
            None if low == "*" else low,
            None if high == "*" else high,
            include_low,
            include_high,
        )

    def _suffixes(self) -> None:
        while self.i < len(self.s) and self.s[self.i] in "^~":
            self.i += 1
            start = self.i
            while self.i < len(self.s) and (
                self.s[self.i].isdigit() or self.s[self.i] == "."
            ):
                self.i += 1
            if self.s[start - 1] == "^" and start == self.i:
                raise self._error("'^' must be followed by a number")


def parse_lucene(
    text: str, default_field: str = "text", default_op: str = "OR"
) -> tree.Node:
    """Parse a Lucene standard-syntax query."""
    text = text.strip()
    if not text:
        return tree.MatchNone()
    return LuceneParser(text, default_field, default_op).parse()


# -- dismax ------------------------------------------------------------------

_QF_ITEM = re.compile(r"^([^\s^]+)(?:\^([0-9.]+))?$")


def parse_qf(qf: str) -> tuple[tuple[str, float], ...]:
    """``"name^4 title^4 text"`` → ``(("name", 4.0), ("title", 4.0), ("text", 1.0))``."""  # noqa: E501
    fields = []
    for item in (qf or "").split():
        m = _QF_ITEM.match(item)
        if not m:
            raise query_error("Invalid 'qf' parameter: %(value)r.", value=item)
        fields.append((m.group(1), float(m.group(2) or 1)))
    return tuple(fields)


def min_should_match(spec: str, optional: int) -> int:
    """Solr's ``mm`` (e.g. ``2<-1 5<80%``) for ``optional`` clauses."""
    spec = (spec or "").strip()
    if not spec:
        return optional
    if "<" in spec:
        result = optional
        for cond in spec.split():
            if "<" not in cond:
                raise query_error("Invalid 'mm' parameter: %(value)r.", value=spec)
            upper, value = cond.split("<", 1)
            if optional > int(upper):
                result = _mm_value(value, optional)
        return max(0, min(optional, result))
    return max(0, min(optional, _mm_value(spec, optional)))


def _mm_value(value: str, n: int) -> int:
    try:
        if value.endswith("%"):
            pct = float(value[:-1])
            calc = math.floor(n * abs(pct) / 100)
            return n - calc if pct < 0 else calc
        k = int(value)
    except ValueError:
        raise query_error("Invalid 'mm' parameter: %(value)r.", value=value) from None
    return n + k if k < 0 else k


def parse_dismax(text: str, qf: str, mm: str = "100%", tie: float = 0.1) -> tree.Node:
    """Parse a dismax query: words and "phrases", optional ``+``/``-`` prefixes."""
    _check_length(text)
    fields = parse_qf(qf)
    if not fields:
        raise query_error("Invalid 'qf' parameter: %(value)r.", value=qf)
    limits = _Limits()
    clauses: list[tuple[str, tree.Node]] = []
    if text.count('"') % 2:  # dismax drops unbalanced quotes
        text = text.replace('"', " ")
    for m in re.finditer(r'([+-]?)"([^"]*)"|(\S+)', text):
        if m.group(3) is not None:
            word = m.group(3)
            sign = word[0] if word[0] in "+-" and len(word) > 1 else ""
            value = word[1:] if sign else word
            if sign and value[0] in "+-":
                raise query_error(
                    "Invalid search query %(query)r: %(problem)s (at character %(pos)s).",  # noqa: E501
                    query=text[:200],
                    problem=translate("an operator must be followed by a term"),
                    pos=m.start() + 2,
                )
            phrase = False
            if word in ("AND", "OR", "NOT", "&&", "||"):
                continue
        else:
            sign, value, phrase = m.group(1), m.group(2), True
        if not value.strip():
            continue
        limits.count()
        occur = {"+": tree.MUST, "-": tree.MUST_NOT}.get(sign, tree.SHOULD)
        clauses.append((occur, tree.DisMax(fields, value, phrase, tie)))
    if not clauses:
        return tree.MatchNone()
    optional = sum(1 for o, _ in clauses if o == tree.SHOULD)
    has_must = any(o == tree.MUST for o, _ in clauses)
    need = min_should_match(mm, optional) if optional else 0
    if not has_must and optional and need == 0:
        need = 1
    return tree.Bool(tuple(clauses), min_should=need)
