"""``/collectivites/obligations``: the dashboard page and its CSV export."""

from __future__ import annotations

import csv
import io
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, request

obligations = Blueprint("collectivites_obligations", __name__)

SORTS = {
    "name": (lambda r: r["name"].casefold(), False),
    "population": (lambda r: r["population"] or 0, True),
    "covered": (lambda r: r["covered"], True),
}


def _result() -> dict[str, Any]:
    args = request.args
    data = {"obliged_only": args.get("obligees") == "1"}
    result = tk.get_action("collectivites_obligations")(
        {"user": tk.current_user.name if tk.current_user else ""}, data
    )
    q = (args.get("q") or "").strip().casefold()
    rows = result["collectivites"]
    if q:
        rows = [r for r in rows if q in r["name"].casefold() or q == r["code"]]
    key, reverse = SORTS.get(args.get("tri") or "", SORTS["population"])
    result["collectivites"] = sorted(rows, key=key, reverse=reverse)
    return result


def _state(datasets: list[dict[str, Any]]) -> str:
    if not datasets:
        return "absent"
    if any(d["valid"] is False for d in datasets):
        return "invalid"
    if any(d["valid"] for d in datasets):
        return "valid"
    return "unchecked"


def next_step(row: dict[str, Any]) -> str:
    """What the département should do next with this collectivité."""
    if not row["organization"]:
        return "invite" if row["obliged"] else ""
    if row["obliged"] and not row["covered"]:
        return "publish"
    states = [_state(d) for d in row["datasets"].values()]
    if "invalid" in states:
        return "fix"
    if any(d["up_to_date"] is False for ds in row["datasets"].values() for d in ds):
        return "update"
    return ""


def index() -> Any:
    result = _result()
    return tk.render(
        "obligations/index.html",
        {
            "result": result,
            "state": _state,
            "next_step": next_step,
            "args": request.args,
            "is_admin": bool(
                tk.current_user and getattr(tk.current_user, "sysadmin", False)
            ),
        },
    )


def export_csv() -> Any:
    result = _result()
    socle = result["socle"]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        ["territoire", "nom", "population", "obligation", "organisation"]
        + [s["label"] for s in socle]
    )
    labels = {
        "absent": "absent",
        "invalid": "non conforme",
        "valid": "conforme",
        "unchecked": "non vérifié",
    }
    for r in result["collectivites"]:
        writer.writerow(
            [
                r["territory"],
                r["name"],
                r["population"] or "",
                "oui" if r["obliged"] else "non",
                r["organization"] or "",
            ]
            + [labels[_state(r["datasets"][s["schema"]])] for s in socle]
        )
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=obligations-scdl.csv"},
    )


obligations.add_url_rule("/collectivites/obligations", view_func=index)
obligations.add_url_rule(
    "/collectivites/obligations.csv", view_func=export_csv, endpoint="csv"
)


def scdl_coverage(organization: dict[str, Any]) -> dict[str, Any] | None:
    """Template helper: the SCDL socle coverage of one collectivité (its row
    of the dashboard), or None when its territory is not in the département."""
    territory = organization.get("territory")
    if not territory:
        return None
    result = tk.get_action("collectivites_obligations")(
        {"ignore_auth": True}, {"territory": territory}
    )
    if not result["collectivites"]:
        return None
    row = result["collectivites"][0]
    items = [
        {
            "label": s["label"],
            "state": _state(row["datasets"][s["schema"]]),
            "datasets": row["datasets"][s["schema"]],
        }
        for s in result["socle"]
    ]
    return {
        "covered": row["covered"],
        "total": len(items),
        "obliged": row["obliged"],
        "socle": items,
        "next_step": next_step(row),
    }


def get_helpers() -> dict[str, Any]:
    return {"collectivites_scdl_coverage": scdl_coverage}


def get_blueprints() -> list[Blueprint]:
    return [obligations]
