"""Inline SVG icons from the vendored Remix Icon files (``assets/icons``).

The files come unchanged from the ``remixicon`` npm package
(``scripts/vendor_icons.py``); only names made of ``[a-z0-9-]`` are looked up,
so a template can never read another file.
"""

from __future__ import annotations

import functools
import os
import re

from markupsafe import Markup

ICON_DIR = os.path.join(
    os.path.dirname(os.path.dirname(__file__)), "assets", "icons", "remixicon"
)
FALLBACK = "folder-2-line"
_NAME = re.compile(r"^[a-z0-9-]{1,64}$")


@functools.cache
def _svg(name: str) -> str:
    if not _NAME.match(name):
        return ""
    path = os.path.join(ICON_DIR, f"{name}.svg")
    if not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8") as f:
        return f.read().strip()


def available(name: str) -> bool:
    return bool(_svg(name or ""))


def icon(name: str, css_class: str = "ico") -> Markup:
    """The icon as decorative inline SVG (hidden from screen readers)."""
    svg = _svg(name or "") or _svg(FALLBACK)
    attrs = (
        f'<svg class="{Markup.escape(css_class)}" aria-hidden="true" focusable="false" '
    )
    return Markup(svg.replace("<svg ", attrs, 1))
