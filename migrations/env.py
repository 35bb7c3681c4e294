"""Alembic environment: one migration history for SQLite and PostgreSQL."""

from logging.config import fileConfig

from alembic import context
from sqlmodel import SQLModel

import core.models  # noqa: F401  (registers the tables)
from core.db import get_engine, make_engine

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata


def run_migrations() -> None:
    url = config.attributes.get("url")
    engine = make_engine(url) if url else get_engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
