"""Run one source's harvest in this process (CLI, demo, tests, benchmark).

Same stages and bookkeeping as ckanext-harvest's queue consumers
(``queue.gather_stage`` then ``queue.fetch_and_import_stages`` per object,
then ``harvest_jobs_run`` to close the job), without the queues; the objects
are imported by several processes when there are many (:mod:`.parallel`).

A job already waiting for the source is handled like ckanext-harvest's own
``run-test`` command does: a "New" job (created but never queued) is taken and
run here; a "Running" job (queued by "Reharvest", or being gathered) belongs
to the queue consumers and is left alone: :class:`JobPending` is raised.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.opendata_collectivites.harvest import parallel
from ckanext.opendata_collectivites.logic.context import site_context


class JobPending(Exception):
    """The source already has a job the queue consumers own (status "Running")."""

    def __init__(self, job: Any) -> None:
        super().__init__(f"job {job.id} of source {job.source_id} is {job.status}")
        self.job_id: str = job.id
        self.created: datetime.datetime | None = job.created
        self.gather_started: datetime.datetime | None = job.gather_started


@dataclass
class Summary:
    source: str
    job_id: str
    counts: dict[str, int] = field(default_factory=dict)
    gather_errors: list[str] = field(default_factory=list)
    object_errors: list[str] = field(default_factory=list)
    unchanged: int = 0
    reused_job: bool = False

    @property
    def ok(self) -> bool:
        return not self.gather_errors


def run_source(
    source_id_or_name: str,
    on_start: Callable[[int], None] | None = None,
    on_object: Callable[[str], None] | None = None,
    on_job: Callable[[bool], None] | None = None,
    workers: int | None = None,
) -> Summary:
    """Harvest one source now; ``on_job(reused)``, ``on_start(total)`` and
    ``on_object(status)`` report progress; objects are imported by ``workers``
    processes (default: ``import_workers`` of the configuration, see
    :mod:`.parallel`). Raises JobPending (see above)."""
    from ckanext.harvest import queue

    context = site_context()
    source = tk.get_action("harvest_source_show")(
        dict(context), {"id": source_id_or_name}
    )
    job, reused = _claim_job(context, source["id"])
    if on_job:
        on_job(reused)
    harvester = queue.get_harvester(source["source_type"])
    ids = queue.gather_stage(harvester, job)
    ids = ids if isinstance(ids, list) else []
    if on_start:
        on_start(len(ids))
    parallel.import_objects(harvester, ids, on_object, workers)
    tk.get_action("harvest_jobs_run")(dict(context), {"source_id": source["id"]})
    summary = summarize(source["id"], job.id)
    summary.reused_job = reused
    return summary


def _take(job_id: str) -> bool:
    """Mark a "New" job "Running" unless someone else (a consumer) already did."""
    from ckanext.harvest.model import HarvestJob

    taken = (
        model.Session.query(HarvestJob)
        .filter(HarvestJob.id == job_id, HarvestJob.status == "New")
        .update({"status": "Running"}, synchronize_session=False)
    )
    model.Session.commit()
    return taken == 1


def _claim_job(context: dict[str, Any], source_id: str) -> tuple[Any, bool]:
    """The job to run now and whether it was already waiting; or JobPending."""
    from ckanext.harvest.logic import HarvestJobExists
    from ckanext.harvest.model import HarvestJob

    try:
        job_dict = tk.get_action("harvest_job_create")(
            dict(context), {"source_id": source_id, "run": False}
        )
        reused = False
    except HarvestJobExists:
        waiting = (
            model.Session.query(HarvestJob)
            .filter(
                HarvestJob.source_id == source_id,
                HarvestJob.status.in_(("New", "Running")),
            )
            .order_by(HarvestJob.created)
            .all()
        )
        running = [j for j in waiting if j.status == "Running"]
        if running:
            raise JobPending(running[0]) from None
        job_dict = {"id": waiting[0].id}
        reused = True
    if not _take(job_dict["id"]):
        model.Session.expire_all()
        raise JobPending(HarvestJob.get(job_dict["id"])) from None
    job = HarvestJob.get(job_dict["id"])
    model.Session.refresh(job)
    return job, reused


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
