"""The schema comes from Alembic migrations, from an empty database up, and matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

from models.db import engine_for


def test_upgrade_from_empty_matches_the_models(db_url: str) -> None:
    """Migrating an empty database to head gives exactly the tables the models describe."""
    engine = engine_for(db_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        tables = set(inspect(connection).get_table_names())
    assert [] == differences
    assert {"cadre", "message", "session", "completion", "alembic_version"} <= tables


def test_upgrade_twice_changes_nothing(db_url: str) -> None:
    """`lianjie db upgrade` on an up-to-date database is a no-op."""
    from models.db import upgrade

    engine_for(db_url)
    upgrade(create_engine(db_url))
    with create_engine(db_url).connect() as connection:
        assert "0001" == MigrationContext.configure(connection).get_current_revision()
