#!/usr/bin/env python3
"""Build the shipped territory file from Etalab's ``@etalab/decoupage-administratif``.

Usage::

    mkdir -p /tmp/dec && cd /tmp/dec && npm install @etalab/decoupage-administratif
    python scripts/build_territories.py \
        /tmp/dec/node_modules/@etalab/decoupage-administratif

Equivalent to ``ckan collectivites vocabularies update --source <dir>``. The output is
``ckanext/opendata_collectivites/vocabularies/data/territories.tsv.gz``.
"""

from __future__ import annotations

import sys

from ckanext.opendata_collectivites.vocabularies import build


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    path, count = build.build_territories(argv[1])
    print(f"{count} territoires écrits dans {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
