"""Every message of the validation room has its French translation."""

from __future__ import annotations

import pathlib
import re

import polib

from ckanext.opendata_collectivites.validation import hooks, messages

ROOT = pathlib.Path(__file__).parents[2] / "ckanext" / "opendata_collectivites"
PO = ROOT / "i18n" / "src" / "validation.fr.po"
SOURCES = [
    *(ROOT / "validation").glob("*.py"),
    *(ROOT / "templates" / "validation").rglob("*.html"),
    ROOT / "templates" / "package" / "resource_read.html",
    ROOT / "templates" / "package" / "snippets" / "resource_item.html",
]


def _msgids() -> set[str]:
    found: set[str] = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"""_\(\s*((?:"[^"]*"\s*)+|'[^']*')""", text):
            found.add("".join(re.findall(r'"([^"]*)"', m.group(1))) or m.group(1)[1:-1])
    for pair in messages.WORDING.values():
        found.update(pair)
    found.update(messages.GENERIC)
    found.update(hooks.FACET_LABELS.values())
    return found


def test_every_msgid_is_translated():
    # A template shared with other rooms may use their translations: every
    # src/*.po is merged into the one catalogue the portal loads.
    merged = {
        e.msgid
        for path in PO.parent.glob("*.fr.po")
        for e in polib.pofile(str(path))
        if e.msgstr or e.msgstr_plural
    }
    missing = sorted(m for m in _msgids() if m not in merged)
    assert missing == []
    catalogue = {e.msgid: e for e in polib.pofile(str(PO))}
    untranslated = [
        e.msgid for e in catalogue.values() if not (e.msgstr or e.msgstr_plural)
    ]
    assert untranslated == []


def test_placeholders_are_kept():
    for entry in polib.pofile(str(PO)):
        if entry.msgstr:
            assert set(re.findall(r"{\w+}", entry.msgid)) == set(
                re.findall(r"{\w+}", entry.msgstr)
            ), entry.msgid
