"""Load the demo content idempotently (create or update) through CKAN actions.

Each module of ``demo.steps`` exposes ``ORDER`` (int) and ``load(ctx)``; the
steps run in ``ORDER``. A step reads its data from ``demo/data/`` and calls
CKAN actions only, so the demo exercises the same paths as real users.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk
import click

from ckanext.opendata_collectivites.demo import steps as steps_pkg
from ckanext.opendata_collectivites.logic.context import site_context

ADMIN_NAME = "admin"
ADMIN_PASSWORD = "demo-admin-2026"
ADMIN_EMAIL = "admin@example.org"


@dataclass
class DemoContext:
    """What the steps share: the admin's action context and a report."""

    admin: str = ADMIN_NAME
    report: dict[str, int] = field(default_factory=dict)

    def action(self, action_name: str, /, **data: Any) -> Any:
        context = {"user": self.admin, "ignore_auth": True}
        return tk.get_action(action_name)(context, data)

    def count(self, what: str, n: int = 1) -> None:
        self.report[what] = self.report.get(what, 0) + n


def _steps() -> list[tuple[int, str, Callable[[DemoContext], None]]]:
    found = []
    for info in pkgutil.iter_modules(steps_pkg.__path__):
        module = importlib.import_module(f"{steps_pkg.__name__}.{info.name}")
        found.append((module.ORDER, info.name, module.load))
    return sorted(found)


def ensure_admin() -> None:
    """Create (or reset) the demo sysadmin."""
    context = site_context()
    try:
        user = tk.get_action("user_show")(context, {"id": ADMIN_NAME})
    except tk.ObjectNotFound:
        user = tk.get_action("user_create")(
            context,
            {
                "name": ADMIN_NAME,
                "email": ADMIN_EMAIL,
                "password": ADMIN_PASSWORD,
                "fullname": "Administrateur du portail",
            },
        )
    if not user.get("sysadmin"):
        tk.get_action("user_patch")(context, {"id": user["id"], "sysadmin": True})


def load_all(echo: Callable[[str], None] = click.echo) -> DemoContext:
    ensure_admin()
    ctx = DemoContext()
    for _, name, load in _steps():
        echo(f"  - {name}")
        load(ctx)
    return ctx
