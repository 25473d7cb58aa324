"""Build the French catalogue from the per-room fragments and compile it.

Each room keeps its translations in ``i18n/src/<room>.po`` (English msgid,
French msgstr) so that rooms never edit the same file. This script merges
them into ``i18n/fr/LC_MESSAGES/ckanext-opendata_collectivites.po`` (shipped)
and compiles the ``.mo`` files CKAN reads. Run by ``make install``.
"""

from __future__ import annotations

import pathlib
import sys

import polib

ROOT = (
    pathlib.Path(__file__).resolve().parents[1] / "ckanext/opendata_collectivites/i18n"
)
DOMAIN = "ckanext-opendata_collectivites"


def build(locale: str = "fr") -> pathlib.Path:
    merged = polib.POFile()
    merged.metadata = {
        "Project-Id-Version": "ckanext-opendata-collectivites",
        "Language": locale,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n > 1);",
    }
    seen: dict[tuple[str, str | None], str] = {}
    for fragment in sorted((ROOT / "src").glob(f"*.{locale}.po")):
        for entry in polib.pofile(str(fragment)):
            key = (entry.msgid, entry.msgctxt)
            if key in seen:
                if seen[key] != entry.msgstr:
                    sys.exit(
                        f"{fragment.name}: conflicting translation for {entry.msgid!r}"
                    )
                continue
            seen[key] = entry.msgstr
            merged.append(entry)
    target = ROOT / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    target.parent.mkdir(parents=True, exist_ok=True)
    merged.save(str(target))
    merged.save_as_mofile(str(target.with_suffix(".mo")))
    return target


if __name__ == "__main__":
    print(build())
