"""Action ``collectivites_dataset_quality`` and the template helper (MQA-like score)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opendata_collectivites.dcat import quality


@tk.side_effect_free
def dataset_quality(
    context: dict[str, Any], data_dict: dict[str, Any]
) -> dict[str, Any]:
    """Quality of a dataset's metadata, like data.europa.eu's MQA (max 405).

    :param id: the id or name of the dataset
    :returns: ``score``, ``max``, ``rating``, ``dimensions`` and ``improvements``
        (what to fill, most valuable first)
    """
    if not data_dict.get("id"):
        raise tk.ValidationError({"id": [tk._("Missing value")]})
    tk.check_access("collectivites_dataset_quality", context, data_dict)
    dataset = tk.get_action("package_show")(context, {"id": data_dict["id"]})
    return quality.assess(dataset, tk._, _schema_statuses(dataset))


def dataset_quality_auth(
    context: dict[str, Any], data_dict: dict[str, Any]
) -> dict[str, Any]:
    """Same rule as reading the dataset."""
    try:
        tk.check_access("package_show", context, data_dict)
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._("Not authorized to see this dataset")}
    return {"success": True}


def quality_helper(dataset: dict[str, Any]) -> dict[str, Any]:
    """Template helper: the assessment of a dataset dict already loaded."""
    return quality.assess(dataset, tk._, _schema_statuses(dataset))


def _schema_statuses(dataset: dict[str, Any]) -> list[str]:
    """Validation status of each resource declaring a schema (empty when the
    ``collectivites_validation`` plugin is not enabled)."""
    try:
        action = tk.get_action("collectivites_package_validation_list")
    except KeyError:
        return []
    try:
        badges = action({"ignore_auth": True}, {"id": dataset["id"]})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return []
    return [b["status"] for b in badges.values()]


def get_actions() -> dict[str, Any]:
    return {"collectivites_dataset_quality": dataset_quality}


def get_auth_functions() -> dict[str, Any]:
    return {
        "collectivites_dataset_quality": tk.auth_allow_anonymous_access(
            dataset_quality_auth
        )
    }


def get_helpers() -> dict[str, Any]:
    return {"collectivites_dataset_quality": quality_helper}
