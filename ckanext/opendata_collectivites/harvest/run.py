"""Run one source's harvest in this process (CLI, demo, tests, benchmark).

Same stages and bookkeeping as ckanext-harvest's queue consumers
(``queue.gather_stage`` then ``queue.fetch_and_import_stages`` per object,
then ``harvest_jobs_run`` to close the job), without the queues.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model


@dataclass
class Summary:
    source: str
    job_id: str
    counts: dict[str, int] = field(default_factory=dict)
    gather_errors: list[str] = field(default_factory=list)
    object_errors: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.gather_errors


def _context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def run_source(
    source_id_or_name: str,
    on_start: Callable[[int], None] | None = None,
    on_object: Callable[[str], None] | None = None,
) -> Summary:
    """Harvest one source now; ``on_start(total)`` and ``on_object(status)``
    report progress."""
    from ckanext.harvest import queue
    from ckanext.harvest.model import HarvestJob, HarvestObject

    context = _context()
    source = tk.get_action("harvest_source_show")(
        dict(context), {"id": source_id_or_name}
    )
    job_dict = tk.get_action("harvest_job_create")(
        dict(context), {"source_id": source["id"], "run": False}
    )
    job = HarvestJob.get(job_dict["id"])
    job.status = "Running"
    job.save()
    harvester = queue.get_harvester(source["source_type"])
    ids = queue.gather_stage(harvester, job)
    ids = ids if isinstance(ids, list) else []
    if on_start:
        on_start(len(ids))
    for object_id in ids:
        obj = HarvestObject.get(object_id)
        queue.fetch_and_import_stages(harvester, obj)
        if on_object:
            on_object(obj.report_status or obj.state)
    tk.get_action("harvest_jobs_run")(dict(context), {"source_id": source["id"]})
    return summarize(source["id"], job.id)


def summarize(source_id: str, job_id: str) -> Summary:
    from ckanext.harvest.model import (
        HarvestGatherError,
        HarvestObject,
        HarvestObjectError,
    )

    session = model.Session
    statuses = Counter(
        status
        for (status,) in session.query(HarvestObject.report_status).filter(
            HarvestObject.harvest_job_id == job_id
        )
    )
    summary = Summary(
        source_id,
        job_id,
        {
            "added": statuses.get("added", 0),
            "updated": statuses.get("updated", 0),
            "withdrawn": statuses.get("deleted", 0),
            "errors": statuses.get("errored", 0),
            "unchanged": statuses.get("not modified", 0),
        },
    )
    summary.gather_errors = [
        e.message
        for e in session.query(HarvestGatherError).filter(
            HarvestGatherError.harvest_job_id == job_id
        )
    ]
    summary.object_errors = [
        f"{guid}: {message}"
        for guid, message in session.query(
            HarvestObject.guid, HarvestObjectError.message
        )
        .join(
            HarvestObjectError, HarvestObjectError.harvest_object_id == HarvestObject.id
        )
        .filter(HarvestObject.harvest_job_id == job_id)
    ]
    return summary
