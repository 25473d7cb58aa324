"""Turn a Solr update document (as CKAN builds it) into an index row."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import defaultdict
from typing import Any, NamedTuple

import pysolr

from ckanext.opendata_collectivites.search import analysis, dates, schema, terms
from ckanext.opendata_collectivites.search.compiler import PRESENT, lexeme, quote_lexeme

POSITION_GAP = 100  # Solr's positionIncrementGap between values of a field
MAX_POSITION = 16383  # PostgreSQL's tsvector limit
MAX_POSITIONS_PER_LEXEME = 255
SHORT_TEXT = 120  # values up to this length are analysed once per process


class Row(NamedTuple):
    index_id: str
    site_id: str
    stored: str  # JSON
    strings: str  # JSON
    tsv: str  # tsvector literal
    hot: str  # JSON: the hot subset of ``strings``
    terms: tuple[tuple[int, str, str], ...]  # (id, field, value) of term values
    part: int  # partition id (see terms.py)
    partition: list[int]  # its term ids
    modified: str | None  # metadata_modified (index form), the default sort key


def _values(value: Any) -> list[Any]:
    values = value if isinstance(value, (list, tuple, set)) else [value]
    return [v for v in values if v is not None]


def _as_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return str(value)


class _Builder:
    def __init__(self) -> None:
        self.stored: dict[str, Any] = {}
        self.strings: dict[str, list[Any]] = defaultdict(list)
        self.lexemes: dict[str, list[int]] = {}
        self.next_pos: dict[str, int] = {}
        self.present: set[str] = set()

    def index(self, name: str, values: list[Any], store: bool) -> None:
        f = schema.field(name)
        if not values:
            return
        if store and f.stored:
            stored = [self._stored_form(f, v) for v in values]
            self.stored[name] = stored if (f.multi or len(stored) > 1) else stored[0]
        if f.type == schema.NONE:
            return
        self.present.add(name)
        if f.type in schema.ANALYSED:
            for v in values:
                self._tokens(name, f.type, _as_string(v))
        elif f.type == schema.DATE:
            self.strings[name].extend(
                dates.index_form(self._date(name, v)) for v in values
            )
        elif f.type in (schema.INT, schema.FLOAT):
            for v in values:
                try:
                    number = float(v)
                except (TypeError, ValueError):
                    raise pysolr.SolrError(
                        f"ERROR: Error adding field '{name}'='{v}': not a number"
                    ) from None
                self.strings[name].append(
                    int(number) if number.is_integer() else number
                )
        elif f.type == schema.NGRAM:
            self.strings[name].extend(_as_string(v).lower() for v in values)
        else:
            self.strings[name].extend(_as_string(v) for v in values)

    @staticmethod
    def _date(name: str, value: Any) -> dt.datetime:
        try:
            return dates.parse(value)
        except dates.DateError:
            raise pysolr.SolrError(
                f"ERROR: Error adding field '{name}'='{value}' "
                f"msg=Invalid Date String:'{value}'"
            ) from None

    def _stored_form(self, f: schema.Field, value: Any) -> Any:
        if f.type == schema.DATE:
            return dates.output_form(self._date(f.name, value))
        if f.type in (schema.INT, schema.FLOAT) and not isinstance(value, bool):
            return value
        return _as_string(value) if not isinstance(value, str) else value

    def _tokens(self, name: str, ftype: str, text: str) -> None:
        start = self.next_pos.get(name)
        pos = 1 if start is None else start + POSITION_GAP
        width, pairs = _text_lexemes(name, ftype, text)
        lexemes = self.lexemes
        for offset, lex in pairs:
            at = pos + offset
            if at > MAX_POSITION:
                at = MAX_POSITION
            positions = lexemes.get(lex)
            if positions is None:
                lexemes[lex] = [at]
            elif positions[-1] != at and len(positions) < MAX_POSITIONS_PER_LEXEME:
                positions.append(at)
        self.next_pos[name] = pos + width

    def tsvector(self) -> str:
        return " ".join(
            lex + ":" + ",".join(map(str, positions))
            for lex, positions in self.lexemes.items()
        )


def clear_caches() -> None:
    """Forget cached analyses (after the analysis languages changed)."""
    _word_lexemes.cache_clear()
    _cached_text_lexemes.cache_clear()


Lexemes = tuple[int, tuple[tuple[int, str], ...]]


@functools.lru_cache(maxsize=300000)
def _word_lexemes(field: str, ftype: str, word: str) -> Lexemes:
    """Quoted tsvector lexemes of one word of ``field``: its width in positions
    and (relative position, lexeme) pairs, in the analyser's order."""
    width, tokens = analysis.analyse_word(word, ftype, True)
    return width, tuple(
        (t.position, quote_lexeme(lexeme(field, v))) for t in tokens for v in t.variants
    )


def _analyse_text(field: str, ftype: str, text: str) -> Lexemes:
    """``_word_lexemes`` of each word of ``text``, positions relative to it."""
    pos, pairs = 0, []
    for word in text.split():
        width, tokens = _word_lexemes(field, ftype, word)
        pairs.extend((pos + offset, lex) for offset, lex in tokens)
        pos += width
    return pos, tuple(pairs)


_cached_text_lexemes = functools.lru_cache(maxsize=50000)(_analyse_text)


def _text_lexemes(field: str, ftype: str, text: str) -> Lexemes:
    """``_analyse_text``, cached for short values (titles, tags, names...),
    which repeat across documents; long texts are analysed word by word."""
    if len(text) <= SHORT_TEXT:
        return _cached_text_lexemes(field, ftype, text)
    return _analyse_text(field, ftype, text)


def build_row(doc: dict[str, Any]) -> Row:
    """Index row of one document: stored fields, exact values, text lexemes."""
    doc = {k: v for k, v in doc.items() if v is not None and v != ""}
    index_id = doc.get("index_id")
    if not index_id:
        raise pysolr.SolrError(
            "ERROR: [doc={}] missing required field: index_id".format(doc.get("id"))
        )
    doc.setdefault("indexed_ts", dt.datetime.now(dt.timezone.utc))
    b = _Builder()
    for name, value in doc.items():
        values = _values(value)
        b.index(name, values, store=True)
        for dest in schema.copy_targets(name):
            if dest != name:
                b.index(dest, values, store=False)
    strings = dict(b.strings)
    hot = {k: v for k, v in strings.items() if schema.is_hot(k)}
    strings[PRESENT] = sorted(b.present)
    doc_terms = terms.document_terms(hot)
    part, partition = terms.partition_of(doc_terms)
    modified = strings.get("metadata_modified")
    return Row(
        index_id=str(index_id),
        site_id=_as_string(doc.get("site_id", "")),
        stored=json.dumps(b.stored),
        strings=json.dumps(strings),
        tsv=b.tsvector(),
        hot=json.dumps(hot),
        terms=doc_terms,
        part=part,
        partition=partition,
        modified=str(modified[0]) if modified else None,
    )
