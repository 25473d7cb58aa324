"""The ckanext-harvest harvester "Catalogue d'une collectivité".

gather: detect the platform, read the whole catalogue through its adapter
(any failure aborts the job: nothing is created, updated or withdrawn), then
plan objects (new/changed records, malformed records, withdrawals after the
grace period; unchanged records are only counted).
fetch: nothing to do (listings carry full records).
import: map the record and create/update the dataset, or withdraw it.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from ckanext.harvest.harvesters.base import HarvesterBase
from ckanext.harvest.model import HarvestObject, HarvestObjectError

from ckanext.opendata_collectivites.harvest import (
    concurrency,
    durability,
    indexes,
    lifecycle,
    status,
)
from ckanext.opendata_collectivites.harvest.adapters import ADAPTERS
from ckanext.opendata_collectivites.harvest.config import (
    SourceConfig,
    site_limits,
    site_policy,
)
from ckanext.opendata_collectivites.harvest.degrade import drop_invalid
from ckanext.opendata_collectivites.harvest.detect import detect
from ckanext.opendata_collectivites.harvest.errors import HarvestError, translate
from ckanext.opendata_collectivites.harvest.http import HttpClient
from ckanext.opendata_collectivites.harvest.mapper import Owner, map_record
from ckanext.opendata_collectivites.harvest.record import Record

log = logging.getLogger(__name__)

NAME = "collectivites"
MAX_REPAIRS = 3  # validation rounds that drop invalid optional values
# Fields the harvest writes; any other field edited locally is kept.
HARVESTED_FIELDS = (
    "title",
    "notes",
    "url",
    "identifier",
    "themes",
    "tags",
    "territories",
    "language",
    "access_rights",
    "license_id",
    "frequency",
    "temporal_start",
    "temporal_end",
    "issued",
    "modified",
    "contact_name",
    "contact_email",
    "spatial_granularity",
    "conforms_to",
    "producer_name",
    "producer_siren",
    "resources",
    "owner_org",
    "private",
)


def _(msgid: str) -> str:
    """In a request: the user's language; elsewhere: the site's."""
    from flask import has_request_context

    if has_request_context():
        return tk._(msgid)
    return translate(msgid)


class CollectivitesHarvester(HarvesterBase):
    """Harvester logic; the plugin class in ``plugin.py`` wires it."""

    _owners: dict[str, Owner] = {}

    # IHarvester
    def info(self) -> dict[str, str]:
        return {
            "name": NAME,
            "title": _("Catalogue of a member authority"),
            "description": _(
                "CKAN, Opendatasoft, data.gouv.fr/udata, DCAT or SCDL CSV catalogue, "
                "detected from its URL."
            ),
            "form_config_interface": "Text",
        }

    def validate_config(self, config: str | None) -> str | None:
        try:
            SourceConfig.parse(config)
        except HarvestError as exc:
            raise ValueError(exc.message()) from None
        return config

    def gather_stage(self, harvest_job: Any) -> list[str] | None:
        source = harvest_job.source
        indexes.ensure(model.Session)
        try:
            config = SourceConfig.parse(source.config)
            client = HttpClient(site_policy(), site_limits())
            detected = detect(client, source.url, config)
            items = list(ADAPTERS[detected.platform].records(client, detected, config))
        except HarvestError as exc:
            message = exc.message()
            status.save(source.id, None, error=message)
            self._save_gather_error(message, harvest_job)
            return None
        plan = lifecycle.plan(harvest_job, items, config.grace_days)
        status.save(
            source.id,
            detected,
            counts={
                "read": len(items),
                "queued": len(plan.queued),
                "unchanged": plan.unchanged,
                "withdrawn": plan.withdrawn,
                "waiting_withdrawal": plan.waiting_withdrawal,
            },
        )
        log.info(
            "Source %s (%s): %d records, %d queued, %d unchanged, %d withdrawn",
            source.url,
            detected.platform,
            len(items),
            len(plan.queued),
            plan.unchanged,
            plan.withdrawn,
        )
        return plan.queued

    def fetch_stage(self, harvest_object: HarvestObject) -> bool:
        return True

    def import_stage(self, harvest_object: HarvestObject) -> bool | str:
        obj = harvest_object
        try:
            durability.relax(model.Session)
            if lifecycle.object_extra(obj, lifecycle.STATUS) == "delete":
                return self._withdraw(obj)
            data = json.loads(obj.content or "{}")
            if "__error__" in data:
                self._save_object_error(
                    translate(data["__error__"], **data.get("params", {})),
                    obj,
                    "Import",
                )
                return False
            record = Record.from_json(obj.content)
            return self._import(obj, record)
        except HarvestError as exc:
            model.Session.rollback()
            self._save_object_error(exc.message(), obj, "Import")
            return False
        except Exception as exc:  # noqa: BLE001 - one object never stops a job
            log.exception("Import of %s failed", obj.guid)
            model.Session.rollback()
            self._save_object_error(
                translate(
                    "Unexpected error while importing this dataset: %(error)s",
                    error=f"{type(exc).__name__}: {str(exc)[:300]}",
                ),
                obj,
                "Import",
            )
            return False

    # internals
    def _owner(self, source_id: str) -> Owner:
        package = model.Package.get(source_id)
        if not package or not package.owner_org:
            raise HarvestError(
                "The harvest source has no owner organisation: choose the "
                "collectivité that owns this catalogue."
            )
        group = model.Group.get(package.owner_org)
        owner = Owner(
            group.id,
            group.name,
            group.title or "",
            (group.extras or {}).get("territory", ""),
        )
        return owner

    def _import(self, obj: HarvestObject, record: Record) -> bool | str:
        previous = lifecycle.previous_current(obj)
        if previous is None:
            duplicate = lifecycle.find_duplicate(obj, record.dedup_keys())
            if duplicate is not None:
                self._save_object_error(
                    translate(
                        "Already harvested through another path (source %(source)s, "
                        "remote id %(guid)s): imported once, this path is ignored.",
                        source=duplicate.source.url,
                        guid=duplicate.guid,
                    ),
                    obj,
                    "Import",
                )
                return "unchanged"
        config = SourceConfig.parse(obj.source.config)
        owner = self._owner(obj.harvest_source_id)
        mapping = map_record(record, obj.harvest_source_id, owner, config)
        for msgid, params in mapping.notes:
            text = translate(msgid, **params)
            if msgid in ONCE_PER_SOURCE:
                if _reported_in_job(obj, text):
                    continue
                text = translate(ONCE_NOTE, note=text)
            self._save_object_error(text, obj, "Import")
        others = lifecycle.object_extra(obj, lifecycle.LANDING_SHARED)
        if others:
            self._save_object_error(
                translate(
                    "Shares its landing page %(url)s with %(others)s: landing pages "
                    "are not identities, imported as a distinct dataset.",
                    url=record.landing_page,
                    others=others.replace(" ", ", "),
                ),
                obj,
                "Import",
            )
        dataset = mapping.dataset
        for _attempt in range(MAX_REPAIRS + 1):
            error = self._write(obj, dataset)
            if error is None:
                return True
            dropped = drop_invalid(dataset, error)
            if not dropped:
                raise HarvestError(
                    "The dataset « %(title)s » is invalid: %(errors)s",
                    title=record.title,
                    errors=_errors(error),
                )
            for item in dropped:
                self._save_object_error(
                    translate(
                        "Invalid value dropped: %(field)s = %(value)s (%(error)s); "
                        "the dataset is imported without it.",
                        field=item.field,
                        value=item.value,
                        error=item.error,
                    ),
                    obj,
                    "Import",
                )
        raise HarvestError(
            "The dataset « %(title)s » is invalid: %(errors)s",
            title=record.title,
            errors=_errors(error),
        )

    def _write(
        self, obj: HarvestObject, dataset: dict[str, Any]
    ) -> dict[str, Any] | None:
        """Create or update the dataset and commit; CKAN's validation errors
        (nothing written) are returned, not raised. The dataset, its views,
        its index entry and the harvest object are committed together."""
        context = {
            "user": self._get_user_name(),
            "ignore_auth": True,
            "defer_commit": True,
            "return_id_only": True,
        }
        existing = model.Package.get(dataset["id"])
        obj.package_id = dataset["id"]
        obj.current = True
        obj.add()
        model.Session.execute(
            sa.text("SET CONSTRAINTS harvest_object_package_id_fkey DEFERRED")
        )
        model.Session.flush()
        concurrency.lock_keywords(model.Session, dataset.get("tags") or [])
        try:
            if existing is None:
                tk.get_action("package_create")(context, dict(dataset))
            else:
                tk.get_action("package_update")(
                    context, _merge(context, existing, dataset)
                )
        except tk.ValidationError as exc:
            model.Session.rollback()
            return dict(exc.error_dict)
        lifecycle.retire(dataset["id"], obj)
        model.Session.commit()
        return None

    def _withdraw(self, obj: HarvestObject) -> bool:
        context = {"user": self._get_user_name(), "ignore_auth": True}
        package_id = obj.package_id
        if package_id and model.Package.get(package_id):
            tk.get_action("package_delete")(context, {"id": package_id})
        model.Session.query(HarvestObject).filter(
            HarvestObject.package_id == package_id
        ).update({"current": False}, synchronize_session=False)
        obj.current = False
        obj.save()
        return True


# Vocabulary gaps: the same unmatched value usually comes back on every record
# of a source, so it is reported once per harvest job.
ONCE_PER_SOURCE = frozenset(
    {
        "Theme not recognised: %(value)s (kept as a keyword).",
        "Theme not recognised: %(value)s (dropped).",
        "Licence not recognised: %(value)s.",
        "Update frequency not recognised: %(value)s.",
        "Language not recognised: %(value)s.",
        "Place not recognised as a territory: %(value)s.",
        "Spatial granularity not recognised: %(value)s.",
    }
)
ONCE_NOTE = (
    "%(note)s (reported once for this source: other datasets of the source may "
    "carry the same value)"
)


def _reported_in_job(obj: HarvestObject, text: str) -> bool:
    """Whether ``text`` was already reported on an object of this job."""
    found = (
        model.Session.query(HarvestObjectError.id)
        .join(HarvestObject, HarvestObject.id == HarvestObjectError.harvest_object_id)
        .filter(
            HarvestObject.harvest_job_id == obj.harvest_job_id,
            HarvestObjectError.message.startswith(text, autoescape=True),
        )
        .first()
    )
    return found is not None


def _merge(
    context: dict[str, Any], existing: Any, dataset: dict[str, Any]
) -> dict[str, Any]:
    """The existing dataset with the harvested fields replaced: fields the
    harvest does not write (added locally) are kept; resource ids are kept
    when the URL is unchanged."""
    current = tk.get_action("package_show")(dict(context), {"id": existing.id})
    merged = {k: v for k, v in current.items() if k not in HARVESTED_FIELDS}
    for key in (
        "metadata_modified",
        "metadata_created",
        "revision_id",
        "num_resources",
        "num_tags",
        "organization",
        "relationships_as_object",
        "relationships_as_subject",
        "groups",
    ):
        merged.pop(key, None)
    merged.update(dataset)
    merged["name"] = existing.name
    merged["state"] = "active"
    by_url = {r.get("url"): r for r in current.get("resources", [])}
    for resource in merged["resources"]:
        old = by_url.get(resource["url"])
        if old:
            resource["id"] = old["id"]
    return merged


def _errors(error_dict: dict[str, Any]) -> str:
    parts = []
    for key, value in error_dict.items():
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value if v)
        parts.append(f"{key} : {value}")
    return " ; ".join(parts)[:1000]
