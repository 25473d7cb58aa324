"""Per-chunk answers to the ORM look-ups made once per dataset during a rebuild.

While a dataset is indexed, code outside ``package_dictize`` queries the
database once per dataset or group: ckanext-harvest's ``before_dataset_index``
(the dataset's current harvest object) and CKAN's ``group_dictize`` (a
group's user members, counted).  A :class:`Lookup` learns the exact statement
such code sends, by running the real code once with a sentinel value; inside
:func:`answering`, a ``do_orm_execute`` hook on the session answers exactly
that statement, for the values prefetched for the chunk with one set-based
query, from the prefetched rows.  Any other statement, or a value not
prefetched, runs in SQL as usual.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import ckan.lib.dictization.model_dictize as model_dictize
import ckan.model as model
import ckan.plugins as plugins
from sqlalchemy import event, select

log = logging.getLogger(__name__)

SENTINEL = "collectivites-lookup-sentinel"
Rows = dict[str, list[tuple]]


class Lookup:
    """One per-value ORM query shape and its set-based prefetch."""

    def __init__(
        self,
        name: str,
        run: Callable[[str], Any],
        prefetch: Callable[[Any, Collection[str]], Rows],
    ) -> None:
        self.name, self._run, self.prefetch = name, run, prefetch
        self.learnt = False
        self.key: Any = None  # the statement's cache key
        self.index = -1  # position of the value among its bound parameters
        self.others: list[Any] = []  # the other bound values, as learnt
        self.template: Any = None  # a frozen result: columns, ORM attributes

    def learn(self, session: Any) -> bool:
        """Run the real code once with the sentinel; False if not learnable."""
        if self.learnt:
            return self.key is not None
        seen: list[tuple[Any, int, Any]] = []

        def capture(state: Any) -> Any:
            key = _select_key(state)
            values = [] if key is None else [b.effective_value for b in key.bindparams]
            if SENTINEL not in values:
                return None
            frozen = state.invoke_statement().freeze()
            seen.append((key, values.index(SENTINEL), frozen))
            return frozen()

        event.listen(session, "do_orm_execute", capture)
        try:
            self._run(SENTINEL)
        finally:
            event.remove(session, "do_orm_execute", capture)
        self.learnt = True
        if len(seen) != 1:
            log.warning(
                "Rebuild look-up %s not learnt (%d queries)", self.name, len(seen)
            )
            return False
        self.key, self.index, self.template = seen[0]
        self.others = _others(self.key, self.index)
        return True

    def value_of(self, key: Any) -> str | None:
        """The looked-up value if ``key`` is this look-up's statement."""
        if key != self.key or _others(key, self.index) != self.others:
            return None
        return key.bindparams[self.index].effective_value


def _select_key(state: Any) -> Any:
    if not state.is_select or state.parameters:
        return None
    return state.statement._generate_cache_key()


def _others(key: Any, index: int) -> list[Any]:
    return [b.effective_value for i, b in enumerate(key.bindparams) if i != index]


# -- the look-ups ---------------------------------------------------------------


def _run_members(group_id: str) -> None:
    model_dictize._get_members(
        {"model": model},
        SimpleNamespace(id=group_id),
        "users",  # type: ignore[arg-type]
    )


def _prefetch_members(session: Any, group_ids: Collection[str]) -> Rows:
    """``_get_members(group, 'users')`` for many groups: (user, capacity) rows."""
    member = model.Member
    out: Rows = {gid: [] for gid in group_ids}
    query = (
        select(model.User, member.capacity, member.group_id)
        .join(member, member.table_id == model.User.id)
        .where(member.group_id.in_(list(group_ids)))
        .where(member.state == "active")
        .where(member.table_name == "user")
    )
    for user, capacity, group_id in session.execute(query):
        out[group_id].append((user, capacity))
    return out


def _run_harvest(package_id: str) -> None:
    plugins.get_plugin("harvest").before_dataset_index({"id": package_id})


def _prefetch_harvest(session: Any, package_ids: Collection[str]) -> Rows:
    """The current harvest object of many datasets, latest import first
    (PostgreSQL's ``ORDER BY import_finished DESC``: nulls first)."""
    from ckanext.harvest.model import HarvestObject, HarvestSource

    out: Rows = {pid: [] for pid in package_ids}
    objects = (
        session.execute(
            select(HarvestObject)
            .where(HarvestObject.package_id.in_(list(package_ids)))
            .where(HarvestObject.current == True)  # noqa: E712
            .order_by(HarvestObject.import_finished.desc())
        )
        .scalars()
        .all()
    )
    for obj in objects:
        if not out[obj.package_id]:
            out[obj.package_id].append((obj,))
    sources = {obj.harvest_source_id for obj in objects if obj.harvest_source_id}
    if sources:  # into the identity map: ``obj.source`` is then no query
        session.execute(
            select(HarvestSource).where(HarvestSource.id.in_(sources))
        ).scalars().all()
    return out


MEMBERS = Lookup("group members", _run_members, _prefetch_members)
HARVEST = Lookup("harvest object", _run_harvest, _prefetch_harvest)


def _active(group_ids: Collection[str]) -> list[tuple[Lookup, bool]]:
    """(look-up, keyed by package?) pairs that apply in this process."""
    found = [(MEMBERS, False)] if group_ids else []
    if plugins.plugin_loaded("harvest"):
        found.append((HARVEST, True))
    return found


@contextmanager
def answering(
    session: Any, package_ids: Collection[str], group_ids: Collection[str]
) -> Iterator[None]:
    """Answer the look-ups for these datasets and groups from prefetched rows."""
    answers: list[tuple[Lookup, Rows]] = []
    for lookup, by_package in _active(group_ids):
        if lookup.learn(session):
            values = package_ids if by_package else group_ids
            answers.append((lookup, lookup.prefetch(session, values)))
    if not answers:
        yield
        return

    def answer(state: Any) -> Any:
        key = _select_key(state)
        if key is None:
            return None
        for lookup, rows in answers:
            value = lookup.value_of(key)
            if value is not None and value in rows:
                return lookup.template.with_new_rows(list(rows[value]))()
        return None

    event.listen(session, "do_orm_execute", answer)
    try:
        yield
    finally:
        event.remove(session, "do_orm_execute", answer)


def group_ids_of(groups: dict[str, list[Any]]) -> set[str]:
    """The group ids in ``Prefetch.groups`` (rows per package)."""
    out: set[str] = set()
    for rows in groups.values():
        out.update(row.id for row in rows)
    return out
