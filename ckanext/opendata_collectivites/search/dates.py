"""Solr dates: parsing, date math (``NOW-1DAY/DAY``), index and output formats."""

from __future__ import annotations

import datetime as dt
import re

from dateutil.relativedelta import relativedelta

UTC = dt.timezone.utc
_MATH = re.compile(r"([+-])(\d+)([A-Z]+)|/([A-Z]+)")
_UNITS = {
    "YEAR": "years",
    "YEARS": "years",
    "MONTH": "months",
    "MONTHS": "months",
    "DAY": "days",
    "DAYS": "days",
    "DATE": "days",
    "HOUR": "hours",
    "HOURS": "hours",
    "MINUTE": "minutes",
    "MINUTES": "minutes",
    "SECOND": "seconds",
    "SECONDS": "seconds",
    "MILLI": "microseconds",
    "MILLIS": "microseconds",
    "MILLISECOND": "microseconds",
    "MILLISECONDS": "microseconds",
}


class DateError(ValueError):
    """A value that is not a Solr date."""


def parse(value: object) -> dt.datetime:
    """Parse an ISO-8601 date (naive values are UTC) to an aware UTC datetime."""
    if isinstance(value, dt.datetime):
        d = value
    elif isinstance(value, dt.date):
        d = dt.datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        try:
            d = dt.datetime.fromisoformat(text.replace("z", "Z"))
        except ValueError:
            raise DateError(text) from None
    if d.tzinfo is None:
        d = d.replace(tzinfo=UTC)
    return d.astimezone(UTC)


def _round(d: dt.datetime, unit: str) -> dt.datetime:
    if unit == "microseconds":
        return d.replace(microsecond=d.microsecond // 1000 * 1000)
    order = ["years", "months", "days", "hours", "minutes", "seconds"]
    level = order.index(unit)
    repl: dict[str, int] = {"microsecond": 0}
    for i, (name, value) in enumerate(
        [("month", 1), ("day", 1), ("hour", 0), ("minute", 0), ("second", 0)]
    ):
        if level <= i:
            repl[name] = value
    return d.replace(**repl)


def parse_math(value: str, now: dt.datetime | None = None) -> dt.datetime:
    """Parse a query date: ISO date or ``NOW`` followed by Solr date math."""
    text = value.strip()
    if text.startswith("NOW"):
        base = now or dt.datetime.now(UTC)
        rest = text[3:]
    else:
        m = re.match(r"^([^+/]*Z)(.*)$", text)
        if m and m.group(2):
            base, rest = parse(m.group(1)), m.group(2)
        else:
            return parse(text)
    pos = 0
    while pos < len(rest):
        m = _MATH.match(rest, pos)
        if not m or (m.group(3) or m.group(4)) not in _UNITS:
            raise DateError(value)
        if m.group(4):
            base = _round(base, _UNITS[m.group(4)])
        else:
            amount = int(m.group(2)) * (-1 if m.group(1) == "-" else 1)
            unit = _UNITS[m.group(3)]
            if unit == "microseconds":
                amount *= 1000
            base = base + relativedelta(**{unit: amount})
        pos = m.end()
    return base


def index_form(d: dt.datetime) -> str:
    """Fixed-width UTC text (millisecond precision) that sorts chronologically."""
    d = d.astimezone(UTC)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


def output_form(d: dt.datetime) -> str:
    """Solr's output format: ISO instant, milliseconds only when non-zero."""
    d = d.astimezone(UTC)
    base = d.strftime("%Y-%m-%dT%H:%M:%S")
    ms = d.microsecond // 1000
    return f"{base}.{ms:03d}Z" if ms else base + "Z"
