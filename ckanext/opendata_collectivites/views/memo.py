"""Memoised core helpers of the dataset listings (same output, less work).

``h.markdown_extract`` renders each result's description as Markdown, then
strips the HTML: a fifth of a warm theme page.  It is a pure function of its
arguments, so its results are kept in a small per-process LRU cache.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk

CACHED_TEXT_MAX = 5_000  # longer descriptions are rendered each time
CACHE_SIZE = 1_024


@functools.lru_cache(maxsize=CACHE_SIZE)
def _extract(next_helper: Callable[..., Any], text: str, extract_length: int) -> Any:
    return next_helper(text, extract_length)


@tk.chained_helper
def markdown_extract(
    next_helper: Callable[..., Any], text: Any, extract_length: int = 190
) -> Any:
    if isinstance(text, str) and len(text) <= CACHED_TEXT_MAX:
        return _extract(next_helper, text, extract_length)
    return next_helper(text, extract_length)


def get_helpers() -> dict[str, Any]:
    return {"markdown_extract": markdown_extract}
