"""Asynchronous commits for harvest imports (PostgreSQL ``synchronous_commit``).

ckanext-harvest writes each harvested record in about six short transactions
(its own bookkeeping of the object, then the dataset). With PostgreSQL's
default every one of them waits for its WAL record to reach the disk, which is
most of the database time of a harvest. With ``synchronous_commit = off`` on
the harvester's connection, PostgreSQL keeps the same consistency: a server or
machine crash can lose the last few hundred milliseconds of commits, each as a
whole, as if it had been rolled back, never half a dataset. What is lost is
still in the remote catalogue and the next harvest writes it again. The
portal's other writes (web forms, API) keep the server's setting.

``ckanext.collectivites.harvest.asynchronous_commit = false`` keeps the
server's setting for harvests too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

KEY = "ckanext.collectivites.harvest.asynchronous_commit"
_ASYNC = text("SET synchronous_commit TO off")
_SERVER = text("SET synchronous_commit TO DEFAULT")


def enabled() -> bool:
    import ckan.plugins.toolkit as tk

    return tk.asbool(tk.config.get(KEY, True))


def relax(session: Any) -> None:
    """Commit the harvester's transactions asynchronously, or as the server
    says when disabled.

    A ``SET`` lasts as long as the (pooled) connection and is undone if the
    current transaction rolls back: the import stage sets it for every object."""
    session.execute(_ASYNC if enabled() else _SERVER)
