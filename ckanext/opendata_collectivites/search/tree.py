"""The small query tree the parsers produce and the compiler turns into SQL."""

from __future__ import annotations

from dataclasses import dataclass

MUST, SHOULD, MUST_NOT = "must", "should", "must_not"


@dataclass(frozen=True)
class MatchAll:
    """``*:*``."""


@dataclass(frozen=True)
class MatchNone:
    """Matches nothing."""


@dataclass(frozen=True)
class Term:
    """``field:value`` or ``field:"a phrase"`` (``phrase`` keeps word order)."""

    field: str
    value: str
    phrase: bool = False


@dataclass(frozen=True)
class Wildcard:
    """``field:pre*`` or ``field:a?c*``; ``pattern`` keeps ``*`` and ``?``."""

    field: str
    pattern: str


@dataclass(frozen=True)
class Exists:
    """``field:*`` or ``field:[* TO *]``."""

    field: str


@dataclass(frozen=True)
class Range:
    """``field:[low TO high]``; ``None`` bounds are open (``*``)."""

    field: str
    low: str | None
    high: str | None
    include_low: bool = True
    include_high: bool = True


@dataclass(frozen=True)
class Bool:
    """Lucene BooleanQuery of ``(occur, node)`` clauses (``min_should``: dismax mm)."""

    clauses: tuple[tuple[str, Node], ...]
    min_should: int = 0


@dataclass(frozen=True)
class DisMax:
    """One dismax clause: the same text searched in every ``qf`` field."""

    fields: tuple[tuple[str, float], ...]
    value: str
    phrase: bool = False
    tie: float = 0.1


@dataclass
class Query:
    """A parsed query and whether it scores (dismax) or not (lucene)."""

    node: Node
    scored: bool = False


Node = MatchAll | MatchNone | Term | Wildcard | Exists | Range | Bool | DisMax
