"""The context of work done on the portal's behalf (jobs, harvests)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def site_context() -> dict[str, Any]:
    """Act as the site user, authorization checks skipped."""
    user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": user["name"], "ignore_auth": True}
