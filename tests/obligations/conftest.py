"""The validation room's fixtures (local file server, jobs queue), shared not copied."""

from tests.validation.conftest import files, queue  # noqa: F401
