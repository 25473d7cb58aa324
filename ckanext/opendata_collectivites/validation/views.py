"""Report page, "check again" button and badge helpers (read through the actions)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, g

validation = Blueprint("collectivites_validation", __name__)


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user else ""}


def report(id: str, resource_id: str) -> Any:
    """French report: errors by row and column with the fix to make."""
    try:
        result = tk.get_action("collectivites_resource_validation_show")(
            _context(), {"id": resource_id}
        )
        pkg = tk.get_action("package_show")(_context(), {"id": id})
        res = tk.get_action("resource_show")(_context(), {"id": resource_id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Resource not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this resource"))
    if res["package_id"] != pkg["id"]:
        return tk.abort(404, tk._("Resource not found"))
    try:
        tk.check_access(
            "collectivites_resource_validate", _context(), {"id": resource_id}
        )
        can_validate = True
    except tk.NotAuthorized:
        can_validate = False
    rows: dict[Any, list[dict[str, Any]]] = {}
    for error in (result.get("report") or {}).get("errors") or []:
        rows.setdefault(error.get("row"), []).append(error)
    return tk.render(
        "validation/report.html",
        {
            "pkg": pkg,
            "res": res,
            "result": result,
            "rows": rows,
            "can_validate": can_validate,
        },
    )


def validate(id: str, resource_id: str) -> Any:
    """POST: queue a new check (editors), back to the report."""
    try:
        tk.get_action("collectivites_resource_validate")(
            _context(), {"id": resource_id}
        )
        tk.h.flash_success(tk._("The file will be checked again in a few moments."))
    except tk.NotAuthorized:
        return tk.abort(
            403, tk._("Only the editors of this dataset can ask for a new check")
        )
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Resource not found"))
    except tk.ValidationError as exc:
        messages = [m for msgs in (exc.error_dict or {}).values() for m in msgs]
        tk.h.flash_error(" ".join(map(str, messages)))
    return tk.redirect_to(
        "collectivites_validation.report", id=id, resource_id=resource_id
    )


validation.add_url_rule(
    "/dataset/<id>/resource/<resource_id>/validation", view_func=report, methods=["GET"]
)
validation.add_url_rule(
    "/dataset/<id>/resource/<resource_id>/validation",
    endpoint="validate",
    view_func=validate,
    methods=["POST"],
)


def get_blueprints() -> list[Blueprint]:
    return [validation]


def validation_badge(pkg: dict[str, Any], resource_id: str) -> dict[str, Any] | None:
    """Badge of a resource that declares a schema (``None`` otherwise); one
    action call per dataset and request."""
    cache = g.setdefault("collectivites_validation_badges", {})
    if pkg["id"] not in cache:
        try:
            cache[pkg["id"]] = tk.get_action("collectivites_package_validation_list")(
                _context(), {"id": pkg["id"]}
            )
        except (tk.ObjectNotFound, tk.NotAuthorized):
            cache[pkg["id"]] = {}
    found = cache[pkg["id"]].get(resource_id)
    return dict(found, resource_id=resource_id) if found else None


def get_helpers() -> dict[str, Any]:
    return {"collectivites_validation_badge": validation_badge}
