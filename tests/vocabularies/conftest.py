"""Reuse the schema tests' portal fixtures (a sysadmin context on a clean portal)."""

from tests.schemas.conftest import ctx, sysadmin  # noqa: F401
