"""Every label, help text and message of the schemas has a French translation."""

from __future__ import annotations

import ast
import pathlib

import polib
import yaml

PKG = pathlib.Path(__file__).resolve().parents[2] / "ckanext/opendata_collectivites"


def _catalogue() -> dict[str, str]:
    out: dict[str, str] = {}
    for f in (PKG / "i18n/src").glob("*.fr.po"):
        out.update({e.msgid: e.msgstr for e in polib.pofile(str(f)) if e.msgstr})
    return out


def _yaml_texts() -> list[str]:
    texts = []
    for name in ("dataset.yaml", "collectivite.yaml"):
        schema = yaml.safe_load((PKG / "schemas" / name).read_text(encoding="utf-8"))
        for key in ("dataset_fields", "resource_fields", "fields"):
            for field in schema.get(key, []):
                texts += [field[k] for k in ("label", "help_text") if field.get(k)]
    return texts


def _python_msgids() -> list[str]:
    ids = []
    for path in (PKG / "schemas").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                ids.append(node.args[0].value)
    return ids


def test_schema_texts_are_translated():
    catalogue = _catalogue()
    missing = [t for t in _yaml_texts() + _python_msgids() if t not in catalogue]
    assert missing == []


def test_placeholders_survive_translation():
    catalogue = _catalogue()
    for msgid in _python_msgids():
        for token in ("{field}", "{value}", "{expected}"):
            if token in msgid:
                assert token in catalogue[msgid], msgid


def test_no_conflict_with_other_rooms_fragments():
    ours = {
        e.msgid: e.msgstr for e in polib.pofile(str(PKG / "i18n/src/schemas.fr.po"))
    }
    for f in (PKG / "i18n/src").glob("*.fr.po"):
        if f.name == "schemas.fr.po":
            continue
        for e in polib.pofile(str(f)):
            if e.msgid in ours and e.msgstr:
                assert ours[e.msgid] == e.msgstr, (f.name, e.msgid)
