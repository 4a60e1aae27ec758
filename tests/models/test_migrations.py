"""The schema comes from Alembic migrations, from an empty database up, and matches the models."""

from __future__ import annotations

import multiprocessing
from multiprocessing.synchronize import Barrier
from queue import Queue
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Table, create_engine, inspect
from sqlmodel import SQLModel

from models.db import ready_engine


def test_upgrade_from_empty_matches_the_models(db_url: str) -> None:
    """Migrating an empty database to head gives exactly the tables the models describe."""
    engine = ready_engine(db_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        tables = set(inspect(connection).get_table_names())
    assert [] == differences
    assert {"cadre", "message", "session", "completion", "alembic_version"} <= tables


def test_upgrade_twice_changes_nothing(db_url: str) -> None:
    """`lianjie db upgrade` on an up-to-date database is a no-op."""
    from models.migrate import upgrade

    ready_engine(db_url)
    upgrade(create_engine(db_url))
    with create_engine(db_url).connect() as connection:
        assert "0012" == MigrationContext.configure(connection).get_current_revision()


def _migrate_together(url: str, start: Barrier, outcomes: Queue[str]) -> None:
    from models.migrate import upgrade

    engine = create_engine(url)
    start.wait()  # everyone imported and connected-to-be: now all migrate at once
    try:
        upgrade(engine)
        outcomes.put("ok")
    except Exception as error:  # reported to the test, which shows it
        outcomes.put(f"{type(error).__name__}: {error}"[:300])


def test_runs_started_together_on_an_empty_database_take_turns_migrating(db_url: str) -> None:
    """Two flows started at once on a new database: one creates the schema, the other waits
    and finds it done, instead of failing on "table already exists"."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(3)
    outcomes: Queue[str] = context.Queue()
    workers = [
        context.Process(target=_migrate_together, args=(db_url, start, outcomes)) for _ in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert ["ok"] * 3 == [outcomes.get(timeout=5) for _ in workers]
    with create_engine(db_url).connect() as connection:
        assert "0012" == MigrationContext.configure(connection).get_current_revision()


def test_a_migration_cut_short_leaves_no_half_schema(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run killed while creating the schema: the next run must find either no schema or
    all of it. On SQLite, pysqlite commits each CREATE TABLE on its own unless the migration
    opens the transaction itself, and the next run failed on "table assignment already exists"."""
    from alembic.ddl.impl import DefaultImpl

    from models.migrate import upgrade

    create_table = DefaultImpl.create_table
    created: list[str] = []

    def create_then_die(impl: DefaultImpl, table: Table, **kw: Any) -> None:
        if len(created) == 3:
            raise KeyboardInterrupt("killed mid-migration")
        create_table(impl, table, **kw)
        created.append(table.name)

    monkeypatch.setattr(DefaultImpl, "create_table", create_then_die)
    engine = create_engine(db_url)
    with pytest.raises(KeyboardInterrupt):
        upgrade(engine)
    assert 3 == len(created)
    assert [] == inspect(engine).get_table_names()

    monkeypatch.setattr(DefaultImpl, "create_table", create_table)
    upgrade(engine)
    with engine.connect() as connection:
        assert "0012" == MigrationContext.configure(connection).get_current_revision()
