"""Copy the Remix Icon SVGs the portal uses into the package (no CDN).

Reads the icon names of the portal themes file (``icon:`` of each theme) plus
the interface icons below, fetches the pinned ``remixicon`` npm package with
``npm pack`` into a temporary directory, and copies the matching SVG files,
unchanged, with the package's licence, to
``ckanext/opendata_collectivites/assets/icons/remixicon/``.

    python scripts/vendor_icons.py [path/to/themes.yaml ...]
"""
from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile

import yaml

PACKAGE = "remixicon@4.8.0"  # last release under Apache-2.0 (4.9 changed licence)
ROOT = pathlib.Path(__file__).resolve().parents[1]
TARGET = ROOT / "ckanext/opendata_collectivites/assets/icons/remixicon"
THEMES = [
    ROOT / "config/themes.yaml",
    ROOT / "ckanext/opendata_collectivites/vocabularies/data/themes.yaml",
]
UI_ICONS = {
    "folder-2-line",  # fallback for an unknown theme icon
    "price-tag-3-line",
    "search-line",
    "rss-line",
    "arrow-right-line",
    "database-2-line",
    "file-list-3-line",
    "apps-2-line",
}


def wanted(paths: list[pathlib.Path]) -> set[str]:
    names = set(UI_ICONS)
    for path in paths:
        if path.exists():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            names |= {t["icon"] for t in data.get("themes", []) if t.get("icon")}
    return names


def main(argv: list[str]) -> int:
    names = wanted([pathlib.Path(a) for a in argv] or THEMES)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        archive = next(pathlib.Path(tmp).glob("remixicon-*.tgz"))
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        package = pathlib.Path(tmp) / "package"
        found = {p.stem: p for p in (package / "icons").rglob("*.svg")}
        missing = sorted(names - found.keys())
        if missing:
            print("Unknown Remix Icon names:", ", ".join(missing), file=sys.stderr)
            return 1
        TARGET.mkdir(parents=True, exist_ok=True)
        for old in TARGET.glob("*.svg"):
            old.unlink()
        for name in sorted(names):
            shutil.copyfile(found[name], TARGET / f"{name}.svg")
        shutil.copyfile(package / "License", TARGET / "LICENSE")
        (TARGET / "VERSION").write_text(PACKAGE + "\n", encoding="utf-8")
    print(f"{len(names)} icons from {PACKAGE} in {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
