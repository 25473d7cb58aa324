"""The chained actions of the work-arounds, one per action name.

A plugin can chain an action once; two work-arounds on the same action
(``package_update``: :mod:`.deferred_commit` and :mod:`.default_views`) are
composed here, the later one outside."""

from __future__ import annotations

import functools
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.opendata_collectivites.compat import default_views, deferred_commit


def _compose(outer: Any, inner: Any) -> Any:
    @functools.wraps(outer)
    def action(up_func: Any, context: Any, data_dict: Any) -> Any:
        return outer(functools.partial(inner, up_func), context, data_dict)

    return tk.chained_action(action)


def get_actions() -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for actions in (deferred_commit.get_actions(), default_views.get_actions()):
        for name, fn in actions.items():
            merged[name] = _compose(fn, merged[name]) if name in merged else fn
    return merged
