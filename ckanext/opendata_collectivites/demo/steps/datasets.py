"""Datasets published directly on the portal."""
from __future__ import annotations

from ckanext.opendata_collectivites.demo import data
from ckanext.opendata_collectivites.demo.loader import DemoContext

ORDER = 20


def load(ctx: DemoContext) -> None:
    for dataset in data.read("datasets.yaml"):
        data.upsert(ctx, "package", dataset)
        ctx.count("jeux de données")
