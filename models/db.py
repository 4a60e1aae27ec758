"""Working on a database named by its URL: sessions, dry runs, and runs that take turns."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection, Engine, Result, make_url
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql import Executable
from sqlmodel import Session, create_engine

from models.engine import engine_for
from models.locks import advisory_lock, file_lock, lock_path
from models.migrate import upgrade

# Rows a quarter-wide read (a province's million cadres, five million messages) fetches at a
# time. On PostgreSQL the read then runs as a server-side cursor: psycopg would otherwise take the
# whole result into the client's memory before the first row is read, beside the objects made
# from it. SQLite reads rows one by one either way.
STREAM_ROWS = 10_000


def streamed(session: Session, query: Executable) -> Result[*tuple[Any, ...]]:
    """A quarter-wide read's rows, plain tuples fetched STREAM_ROWS at a time.

    Run on the session's connection, not through the ORM: the ORM reading in batches took twice
    as long for the quarter's message statuses.
    """
    return session.connection().execute(query, execution_options={"yield_per": STREAM_ROWS})


@cache
def ready_engine(url: str) -> Engine:
    """The engine of a database whose schema is at head: migrated on first use in a process
    (several processes take turns under a lock), so every session finds its tables."""
    engine = engine_for(url)
    upgrade(engine)
    return engine


def utcnow() -> datetime:
    """Now, in UTC, with its zone (SQLModel refuses naive datetimes)."""
    return datetime.now(UTC)


def stored_utc(moment: datetime) -> datetime:
    """A stored time with its zone: SQLite gives UTC times back without it, PostgreSQL with."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# The connection of a rehearsal in progress: sessions share its transaction, which is rolled back.
_REHEARSAL: ContextVar[Connection | None] = ContextVar("lianjie_rehearsal", default=None)


@contextmanager
def rehearsal(url: str) -> Iterator[None]:
    """Within the block every `session_for(url)` works as usual, and nothing is kept: a dry run.

    All sessions join one transaction that is rolled back at the end. A SQLite database that
    does not exist yet is not created: the rehearsal runs on an empty one in memory.
    """
    with _rehearsal_engine(url).connect() as connection:
        transaction = connection.begin()
        token = _REHEARSAL.set(connection)
        try:
            yield
        finally:
            _REHEARSAL.reset(token)
            transaction.rollback()


def rehearsing() -> bool:
    """Whether a dry run is in progress (files are not written then either)."""
    return _REHEARSAL.get() is not None


def _rehearsal_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or ":memory:").exists():
        engine = create_engine(
            "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
        upgrade(engine)
        return engine
    return ready_engine(url)


@contextmanager
def session_for(url: str) -> Iterator[Session]:
    """A session that commits when the block ends without an error and rolls back otherwise."""
    rehearsed = _REHEARSAL.get()
    if rehearsed is not None:
        # Commits stay inside the rehearsal's transaction; its end rolls everything back.
        with Session(
            bind=rehearsed, join_transaction_mode="rollback_only", expire_on_commit=False
        ) as session:
            yield session
            session.flush()
        return
    with Session(ready_engine(url), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def exclusive(url: str, name: str, on_wait: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Hold a lock named `name` for this database, so that a second run of a flow waits.

    PostgreSQL: an advisory lock on a connection of its own. SQLite: a file lock beside the
    database file (SQLite serves one machine; several machines need PostgreSQL anyway).
    `on_wait` is called once if another holder makes this one wait.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        with ready_engine(url).connect() as connection, advisory_lock(connection, name, on_wait):
            yield
        return
    with file_lock(lock_path(parsed), name, on_wait):
        yield
