"""Alembic environment: one migration history for SQLite and PostgreSQL."""

from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import core.models  # noqa: F401  (registers the tables)
from core.db import get_engine, make_engine

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if broken:
                raise RuntimeError(f"the migration left rows pointing at nothing: {broken[:5]}")
    connection.commit()


def _migrate_sqlite(connection: Connection) -> None:
    """Batch migrations rebuild a SQLite table (copy, drop, rename). With foreign keys enforced,
    dropping the old table fires the ON DELETE actions of the tables pointing at it (a message's
    reviews deleted, its feedback unlinked), so they are off while migrating (the pragma only
    takes effect outside a transaction) and every key is checked before the migration commits."""
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()
    try:
        _migrate(connection)
    finally:
        connection.rollback()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


def run_migrations() -> None:
    url = config.attributes.get("url")
    engine = make_engine(url) if url else get_engine()
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                _migrate_sqlite(connection)
            else:
                _migrate(connection)
    finally:
        if url:
            engine.dispose()  # made for this run only; its connections would stay open


run_migrations()
