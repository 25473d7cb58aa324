"""Dataset writes with ``defer_commit`` on CKAN 2.12.0.

CKAN ≤ 2.11 applied and indexed every ``package_create`` / ``package_update``,
with or without ``defer_commit`` (only the commits were left to the caller).
CKAN 2.12.0 changed both:

* ``package_create`` and ``package_update`` index only when ``defer_commit`` is
  false: a caller that defers the commit gets a dataset the search never finds;
* ``package_update`` with ``defer_commit`` *discards the update*: its savepoint
  is rolled back by the ``else`` of ``if not context.get('defer_commit')``
  (meant for "no change"), so the caller's later commit stores nothing.

ckanext-harvest 1.6.3's stock harvesters write every dataset that way
(``HarvesterBase._create_or_update_package``), as do bulk imports. On 2.12 these
chained actions restore 2.11's behaviour: a deferred create is indexed (index
writes committed with the caller's transaction); a deferred update runs CKAN's
own non-deferred path while ``model.repo.commit`` only flushes, so the update is
kept, indexed, and committed when the caller commits. On 2.11 nothing changes.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import logic, model

#: True on CKAN 2.12+ (``defer_commit`` skips the indexing, loses updates).
DEFERRED_WRITES_DIFFER: bool = hasattr(logic, "index_update_package")
_DEFERRING: ContextVar[bool] = ContextVar("collectivites_deferring", default=False)
_STOCK_COMMIT = model.repo.commit


def _commit() -> None:
    """``model.repo.commit``, a flush while a deferred update runs."""
    if _DEFERRING.get():
        model.Session.flush()
    else:
        _STOCK_COMMIT()


@tk.chained_action
def package_create(up_func: Any, context: dict[str, Any], data_dict: Any) -> Any:
    """``package_create``; indexes the dataset when the commit is deferred.

    The dataset is read back once (CKAN's own deferred path would read it for
    its answer, then again for the index): the same two dicts feed both."""
    if not context.get("defer_commit"):
        return up_func(context, data_dict)
    id_only = context.get("return_id_only", False)
    context["return_id_only"] = True
    try:
        package_id = up_func(context, data_dict)
    finally:
        context["return_id_only"] = id_only
    both = logic.package_show_default_and_custom_schemas(context, package_id)
    logic.index_update_package_dicts(both, defer_commit=True)
    return package_id if id_only else both[1]


@tk.chained_action
def package_update(up_func: Any, context: dict[str, Any], data_dict: Any) -> Any:
    """``package_update``; with a deferred commit, the update is kept."""
    if not context.get("defer_commit") or _DEFERRING.get():
        return up_func(context, data_dict)
    token = _DEFERRING.set(True)
    context.pop("defer_commit")
    try:
        return up_func(context, data_dict)
    finally:
        context["defer_commit"] = True
        _DEFERRING.reset(token)


def apply() -> bool:
    """Route ``model.repo.commit`` through :func:`_commit` on CKAN 2.12+."""
    if not DEFERRED_WRITES_DIFFER:
        return False
    model.repo.commit = _commit  # type: ignore[method-assign]
    return True


def get_actions() -> dict[str, Any]:
    """The chained actions on CKAN 2.12+; nothing on 2.11."""
    if not DEFERRED_WRITES_DIFFER:
        return {}
    return {"package_create": package_create, "package_update": package_update}
