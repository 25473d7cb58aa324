"""API: show the validation result of a resource, queue a new check."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opendata_collectivites.validation import jobs, messages, model, schemas


def _resource_id(data_dict: dict[str, Any]) -> str:
    rid = str(data_dict.get("id") or data_dict.get("resource_id") or "").strip()
    if not rid:
        raise tk.ValidationError({"id": [tk._("Missing value: give the resource id.")]})
    return rid


def badge(result: model.Result | None, schema_url: str = "") -> dict[str, str]:
    """Status, label and CSS class of the badge shown on pages."""
    status = result.status if result else "none"
    if result and result.status in ("valid", "invalid"):
        ref = schemas.resolve(result.schema_url)
        title = result.schema_title or (ref.title if ref else result.schema_name)
        prefix = "SCDL " if ref is not None and ref.is_scdl else ""
        name = f"{prefix}{title} {result.schema_version}".strip()
        if result.status == "valid":
            label = tk._("Conforms to the schema {name}").format(name=name)
        else:
            n = result.error_count
            truncated = bool((result.report or {}).get("truncated"))
            label = tk.ungettext(
                "Not conformant: {n} error", "Not conformant: {n} errors", n
            ).format(n=f"{n}+" if truncated else n)
    elif status == "pending":
        label = tk._("Check in progress")
    else:
        label = tk._("Not checked")
    return {"status": status, "label": label}


def _reason(result: model.Result) -> str:
    reasons = {
        "unknown-schema": tk._(
            "The declared schema is not in the schema.data.gouv.fr catalogue."
        ),
        "schema-not-available": tk._(
            "The portal has no offline copy of this schema version (or it is not a "
            "Table Schema)."
        ),
        "file-missing": tk._("The uploaded file is missing from the storage."),
        "file-too-large": tk._("The file is larger than the portal's limit."),
        "no-file": tk._("The resource has no file address."),
        "fetch-failed": tk._("The file could not be downloaded."),
        "unsupported-format": tk._(
            "The file is not a CSV file: only CSV files are checked."
        ),
        "internal-error": tk._(
            "The check failed unexpectedly; ask the administrators."
        ),
    }
    return reasons.get(result.reason, "") if result.reason else ""


def resource_validation_show(
    context: dict[str, Any], data_dict: dict[str, Any]
) -> dict[str, Any]:
    """The validation result of a resource, errors worded in the reader's language.

    :param id: the resource id
    """
    rid = _resource_id(data_dict)
    tk.check_access("collectivites_resource_validation_show", context, {"id": rid})
    res = tk.get_action("resource_show")(dict(context), {"id": rid})
    pkg = tk.get_action("package_show")(dict(context), {"id": res["package_id"]})
    result = model.get(rid)
    declared = jobs.declared_schema(pkg, res)
    out: dict[str, Any] = {
        "resource_id": rid,
        "package_id": pkg["id"],
        "declared_schema": declared,
        "status": "none",
        "badge": badge(result, declared),
    }
    if result is None:
        return out
    out.update(result.as_dict(with_report=False))
    out["badge"] = badge(result, declared)
    out["reason_text"] = _reason(result)
    out["outdated"] = result.fingerprint != jobs.fingerprint(res, declared)
    if result.report and "errors" in result.report:
        out["report"] = messages.worded(result.report, tk._)
    else:
        out["report"] = result.report
    return out


def package_validation_list(
    context: dict[str, Any], data_dict: dict[str, Any]
) -> dict[str, Any]:
    """Badges of every resource of a dataset that declares a schema, in one
    query (dataset pages).

    :param id: the dataset id or name
    """
    pkg = tk.get_action("package_show")(dict(context), {"id": data_dict.get("id")})
    stored = {r.resource_id: r for r in model.for_package(pkg["id"])}
    out: dict[str, Any] = {}
    for res in pkg.get("resources") or []:
        declared = jobs.declared_schema(pkg, res)
        if declared:
            out[res["id"]] = badge(stored.get(res["id"]), declared)
    return out


def resource_validate(
    context: dict[str, Any], data_dict: dict[str, Any]
) -> dict[str, Any]:
    """Queue a new validation of the resource (editors of its dataset, sysadmins).

    :param id: the resource id
    """
    from ckan import model as ckan_model

    rid = _resource_id(data_dict)
    tk.check_access("collectivites_resource_validate", context, {"id": rid})
    res = tk.get_action("resource_show")(dict(context), {"id": rid})
    pkg = tk.get_action("package_show")(dict(context), {"id": res["package_id"]})
    url = jobs.declared_schema(pkg, res)
    if not url:
        raise tk.ValidationError(
            {
                "conforms_to": [
                    tk._(
                        "Neither this resource nor its dataset declares a schema: "
                        "fill in "
                        "“Conforms to schema” first."
                    )
                ]
            }
        )
    model.mark_pending(rid, pkg["id"], url, jobs.fingerprint(res, url))
    ckan_model.Session.commit()
    job = jobs.enqueue(rid)
    return {"resource_id": rid, "status": "pending", "job_id": getattr(job, "id", None)}


def show_auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Whoever may see the resource (private datasets: their members only)."""
    try:
        tk.check_access("resource_show", context, {"id": data_dict.get("id")})
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._("Not authorized to see this resource")}
    return {"success": True}


@tk.auth_disallow_anonymous_access
def validate_auth(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Editors and admins of the dataset's collectivité, sysadmins."""
    from ckan import model as ckan_model

    resource = ckan_model.Resource.get(str(data_dict.get("id") or ""))
    if resource is None:
        return {"success": False, "msg": tk._("Resource not found")}
    try:
        tk.check_access("package_update", context, {"id": resource.package_id})
    except tk.NotAuthorized:
        return {
            "success": False,
            "msg": tk._("Only the editors of this dataset can ask for a new check"),
        }
    return {"success": True}


def get_actions() -> dict[str, Any]:
    return {
        "collectivites_resource_validation_show": tk.side_effect_free(
            resource_validation_show
        ),
        "collectivites_resource_validate": resource_validate,
        "collectivites_package_validation_list": tk.side_effect_free(
            package_validation_list
        ),
    }


def get_auth_functions() -> dict[str, Any]:
    return {
        "collectivites_resource_validation_show": tk.auth_allow_anonymous_access(
            show_auth
        ),
        "collectivites_resource_validate": validate_auth,
    }
