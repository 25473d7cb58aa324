"""Demo data files and the create-or-update helper the steps share."""
from __future__ import annotations

import copy
import pathlib
from typing import Any

import ckan.plugins.toolkit as tk
import yaml

HERE = pathlib.Path(__file__).parent


def read(filename: str) -> list[dict[str, Any]]:
    with open(HERE / filename, encoding="utf-8") as f:
        return yaml.safe_load(f) or []


def upsert(ctx: Any, entity: str, values: dict[str, Any]) -> dict[str, Any]:
    """Create ``entity`` (organization, package…) or update it by name."""
    values = copy.deepcopy(values)
    try:
        existing = ctx.action(f"{entity}_show", id=values["name"])
    except tk.ObjectNotFound:
        return ctx.action(f"{entity}_create", **values)
    values["id"] = existing["id"]
    return ctx.action(f"{entity}_update", **values)
