"""Every message the harvester can show has a French translation."""
from __future__ import annotations

import ast
import pathlib
import re

import polib

REPO = pathlib.Path(__file__).resolve().parents[2]
ROOT = REPO / "ckanext" / "opendata_collectivites"
CALLS = {"HarvestError", "TransportError", "translate", "_"}


def msgids() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "harvest").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            args = [a for a in node.args if isinstance(a, ast.Constant)
                    and isinstance(a.value, str)]
            if name in CALLS and node.args and node.args[0] in args:
                found.add(node.args[0].value)
            if name == "RecordError" and len(node.args) > 1 and node.args[1] in args:
                found.add(node.args[1].value)
            if name == "append" and node.args and isinstance(node.args[0], ast.Tuple):
                first = node.args[0].elts[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value)
    for path in (ROOT / "templates" / "source").rglob("*.html"):
        found.update(re.findall(r"_\('([^']+)'\)", path.read_text(encoding="utf-8")))
    found.add("No description was provided by the source catalogue.")
    return found


def test_every_harvest_message_is_translated():
    translated = {
        e.msgid
        for path in (ROOT / "i18n" / "src").glob("*.fr.po")  # merged at runtime
        for e in polib.pofile(str(path))
        if e.msgstr
    }
    missing = sorted(msgids() - translated)
    assert not missing, missing
    assert len(msgids()) > 50
