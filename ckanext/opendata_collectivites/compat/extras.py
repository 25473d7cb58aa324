"""Where CKAN keeps dataset and organisation extras.

CKAN ≤ 2.11 stores them as rows of ``package_extra`` / ``group_extra``
(``model.PackageExtra`` / ``model.GroupExtra``, with a ``state``); CKAN 2.12
stores them as one flat JSONB object in an ``extras`` column of the ``package``
and ``group`` rows (migration ``106_12d64978ab44_faster_extras``). Code that
reads or writes extras outside CKAN's actions goes through this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ckan import model
from sqlalchemy import select

#: True on CKAN ≤ 2.11 (extras in their own tables).
EXTRA_TABLES: bool = hasattr(model, "GroupExtra")


def group_extras(group_ids: Iterable[str]) -> Iterator[tuple[str, str, str]]:
    """``(group_id, key, value)`` of the active extras of these groups."""
    ids = list(group_ids)
    if not ids:
        return iter(())
    if EXTRA_TABLES:
        extra = model.GroupExtra
        rows = model.Session.execute(
            select(extra.group_id, extra.key, extra.value)
            .where(extra.group_id.in_(ids))
            .where(extra.state == "active")
        ).all()
        return iter([(g, k, v) for g, k, v in rows])
    rows = model.Session.execute(
        select(model.Group.id, model.Group.extras).where(model.Group.id.in_(ids))
    ).all()
    return iter(
        [(gid, k, v) for gid, extras in rows for k, v in (extras or {}).items()]
    )


def set_group_extras(group: Any, extras: dict[str, str]) -> None:
    """Add ``extras`` to a flushed ``model.Group`` (caller commits)."""
    if EXTRA_TABLES:
        for key, value in extras.items():
            model.Session.add(model.GroupExtra(group_id=group.id, key=key, value=value))
        return
    merged = dict(group.extras or {})
    merged.update(extras)
    group.extras = merged


def package_with_extra(key: str, value: str, exclude_id: str = "") -> str | None:
    """Name of an active dataset (other than ``exclude_id``) whose extra
    ``key`` is exactly ``value``, or None (bind parameters only)."""
    return model.Session.execute(with_extra_query(key, value, exclude_id)).scalar()


def with_extra_query(key: str, value: str, exclude_id: str = "") -> Any:
    """The statement of :func:`package_with_extra` (indexed for ``identifier``
    by the ``collectivites_schemas`` migration)."""
    pkg = model.Package
    if EXTRA_TABLES:
        extra = model.PackageExtra
        query = (
            select(pkg.name)
            .join(extra, extra.package_id == pkg.id)
            .where(extra.key == key, extra.value == value, extra.state == "active")
        )
    else:
        query = select(pkg.name).where(pkg.extras[key].astext == value)
    return query.where(pkg.state == "active", pkg.id != exclude_id).limit(1)
