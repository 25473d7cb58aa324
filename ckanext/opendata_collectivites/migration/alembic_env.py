"""The Alembic environment shared by the plugins' migrations: each plugin's
``env.py`` calls :func:`run`; its revisions are recorded in
``<plugin>_alembic_version``."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import engine_from_config, pool


def run(env_file: str) -> None:
    from logging.config import fileConfig

    config = context.config
    fileConfig(config.config_file_name)
    version_table = f"{os.path.basename(os.path.dirname(env_file))}_alembic_version"
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"),
            target_metadata=None,
            literal_binds=True,
            version_table=version_table,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    connectable = engine_from_config(
        config.get_section(config.config_ini_section),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection, target_metadata=None, version_table=version_table
        )
        with context.begin_transaction():
            context.run_migrations()
