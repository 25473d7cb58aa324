"""Serve the licences vocabulary as CKAN's licence list (``licenses_group_url``)."""

from __future__ import annotations

from typing import Any

from ckanext.opendata_collectivites.vocabularies.concepts import LICENCES_FILE


def configure(config: Any) -> None:
    """Point ``licenses_group_url`` at the shipped licences file (unless set).

    CKAN builds its licence register lazily and caches it on ``model.Package``: drop a
    register built before this configuration so that the next lookup reads ours.
    """
    if not config.get("licenses_group_url"):
        config["licenses_group_url"] = "file://" + LICENCES_FILE
    from ckan import model

    if "_license_register" in vars(model.Package):
        del model.Package._license_register
