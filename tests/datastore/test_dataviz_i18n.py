"""Every message of the map and chart views has its French translation,
with the same placeholders."""

from __future__ import annotations

import pathlib
import re

import polib

from ckanext.opendata_collectivites.dataviz import views

ROOT = pathlib.Path(__file__).parents[2] / "ckanext" / "opendata_collectivites"
PO = ROOT / "i18n" / "src" / "dataviz.fr.po"
SOURCES = [
    *(ROOT / "dataviz").glob("*.py"),
    *(ROOT / "templates" / "dataviz").glob("*.html"),
]
STRING = r"""(?:"([^"]*)"|'([^']*)')"""


def msgids() -> set[str]:
    found: set[str] = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"(?<!\w)_(?:title)?\(\s*" + STRING, text):
            found.add(m.group(1) or m.group(2))
        for m in re.finditer(r"ungettext\(\s*" + STRING + r"\s*,\s*" + STRING, text):
            found.update(g for g in m.groups() if g)
    found.add(views.MAP_TITLE)
    found.update(views.MAP_ERRORS.values())
    found.update(views.AGGREGATE_LABELS.values())
    return found


def test_every_msgid_is_translated():
    catalogue = {e.msgid_plural or e.msgid: e for e in polib.pofile(str(PO))} | {
        e.msgid: e for e in polib.pofile(str(PO))
    }
    wanted = msgids()
    assert {"Map", "Chart", "Places on the map", "Sum"} <= wanted
    missing = sorted(m for m in wanted if m not in catalogue)
    assert missing == []
    for entry in catalogue.values():
        assert entry.msgstr or all(entry.msgstr_plural.values()), entry.msgid
        texts = [entry.msgstr] if entry.msgstr else entry.msgstr_plural.values()
        for text in texts:
            assert set(re.findall(r"%\(\w+\)s", entry.msgid)) == set(
                re.findall(r"%\(\w+\)s", text)
            ), entry.msgid
