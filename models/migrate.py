"""The schema: Alembic migrations to head, one run at a time."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from models import accounts, families, issued, tables, talks  # noqa: F401  (registers the tables on SQLModel.metadata)
from models.locks import file_lock, lock_key, lock_path

MIGRATIONS = Path(__file__).with_name("migrations")
SCHEMA_LOCK = "lianjie schema migration"


def alembic_config(connection: Connection) -> Config:
    """Alembic's configuration, pointed at our migrations and at an open connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creating it on an empty database).

    Two runs started together on an empty database would both see no schema and both create
    it; so migrations take turns, and the second finds the schema at head and does nothing.
    """
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            # A transaction-level lock: released by the commit that publishes the schema.
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(SCHEMA_LOCK)}
            )
            command.upgrade(alembic_config(connection), "head")
        return
    with file_lock(lock_path(engine.url), SCHEMA_LOCK), engine.begin() as connection:
        # pysqlite opens a transaction only before a data change, so each CREATE TABLE would
        # commit on its own and a run killed mid-migration would leave half a schema (with no
        # revision) that the next run trips over. Opened here, the schema appears whole or not.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        command.upgrade(alembic_config(connection), "head")
