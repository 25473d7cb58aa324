"""The département and its member collectivités."""
from __future__ import annotations

from ckanext.opendata_collectivites.demo import data
from ckanext.opendata_collectivites.demo.loader import DemoContext

ORDER = 10


def load(ctx: DemoContext) -> None:
    for org in data.read("organizations.yaml"):
        data.upsert(ctx, "organization", org)
        ctx.count("organisations")
