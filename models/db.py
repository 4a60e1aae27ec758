"""Engine and session helpers; the only place that knows SQLite from PostgreSQL."""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import NoSuchModuleError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine

from core.exceptions import LianjieInputError
from models import tables  # noqa: F401  (registers the tables on SQLModel.metadata)

BATCH_ROWS = 10_000  # rows per executemany: bounds memory without costing round trips


# The Python package that brings each database driver module SQLAlchemy may ask for.
DRIVER_PACKAGES = {
    "MySQLdb": "mysqlclient",
    "pymysql": "pymysql",
    "psycopg2": "psycopg2-binary",
    "psycopg": "'psycopg[binary]'",
    "asyncpg": "asyncpg",
    "pyodbc": "pyodbc",
    "pymssql": "pymssql",
    "oracledb": "oracledb",
    "cx_Oracle": "cx_Oracle",
}


def missing_driver(url: str | URL, missing: ModuleNotFoundError) -> str:
    """What to install for a database URL whose driver is not there, in one line."""
    backend = make_url(url).get_backend_name()
    package = DRIVER_PACKAGES.get(missing.name or "", missing.name or "its driver")
    return f"the {backend} driver is not installed: pip install {package}"


def new_engine(url: str | URL, **options: Any) -> Engine:
    """create_engine, with a clear message for a database kind or driver that is not there."""
    try:
        return create_engine(url, **options)
    except NoSuchModuleError:
        backend = make_url(url).get_backend_name()
        raise LianjieInputError(f"lianjie cannot talk to {backend} databases") from None
    except ModuleNotFoundError as missing:
        shown = redacted_url(str(url))
        raise LianjieInputError(f"{shown}: {missing_driver(url, missing)}") from None


@cache
def engine_for(url: str) -> Engine:
    """One engine per database URL per process; the schema is migrated to head on first use."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = new_engine(url, connect_args={"check_same_thread": False, "timeout": 60})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = new_engine(url, pool_pre_ping=True)
    upgrade(engine)
    return engine


MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection) -> Config:
    """Alembic's configuration, pointed at our migrations and at an open connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


SCHEMA_LOCK = "lianjie schema migration"


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creating it on an empty database).

    Two runs started together on an empty database would both see no schema and both create
    it; so migrations take turns, and the second finds the schema at head and does nothing.
    """
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            # A transaction-level lock: released by the commit that publishes the schema.
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(SCHEMA_LOCK)}
            )
            command.upgrade(alembic_config(connection), "head")
        return
    with _file_lock(_lock_path(engine.url, SCHEMA_LOCK)), engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")


def utcnow() -> datetime:
    """Now, in UTC, with its zone (SQLModel refuses naive datetimes)."""
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets a dispatch commit after every message cheaply and lets readers run beside a writer.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


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
    return engine_for(url)


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
    with Session(engine_for(url), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def insert_new(
    session: Session,
    table: type[SQLModel],
    rows: Iterable[dict[str, Any]],
    *,
    conflict_columns: Sequence[str] | None = None,
) -> int:
    """Insert rows in batches, skipping any that a unique constraint says exist already."""
    target = table.__table__  # type: ignore[attr-defined]
    statement = _insert(session)(target).on_conflict_do_nothing(
        index_elements=list(conflict_columns) if conflict_columns else None
    )
    # One statement compiled once and executed for many rows: far cheaper than a VALUES list.
    inserted = 0
    for chunk in chunked(rows, BATCH_ROWS):
        if session.get_bind().dialect.name == "sqlite":
            inserted += _executemany(session.connection(), statement, chunk)
        else:
            # PostgreSQL: SQLAlchemy sends the rows in batches of VALUES, which leaves no row
            # count; the keys RETURNING gives back are the rows that went in.
            keys = statement.returning(*target.primary_key.columns)
            inserted += len(session.execute(keys, chunk).all())
    return inserted


def _executemany(connection: Connection, statement: Any, rows: list[dict[str, Any]]) -> int:
    """Run `statement` once per row, compiled once, the rows handed to SQLite as plain tuples.

    SQLAlchemy builds every row's parameters in Python, which was a quarter of planning a
    province's half a million messages; here each column's own type converts its values (dates
    stored as SQLAlchemy stores them) and the driver gets tuples.
    """
    target = statement.table
    defaults = {
        column.key: column.default.arg
        for column in target.columns
        if column.key not in rows[0] and column.default is not None and column.default.is_scalar
    }
    dialect = connection.dialect
    compiled = statement.compile(dialect=dialect, column_keys=[*rows[0], *defaults])
    order = list(compiled.positiontup or ())
    converters = [
        (key, target.c[key].type.dialect_impl(dialect).bind_processor(dialect)) for key in order
    ]
    complete = [defaults | row for row in rows] if defaults else rows
    params = [
        tuple(convert(row[key]) if convert else row[key] for key, convert in converters)
        for row in complete
    ]
    result = connection.exec_driver_sql(compiled.string, params)
    return result.rowcount or 0


def upsert(session: Session, table: type[SQLModel], rows: Iterable[dict[str, Any]]) -> None:
    """Insert rows, or update the existing ones that have the same primary key."""
    target = table.__table__  # type: ignore[attr-defined]
    keys = [c.name for c in target.primary_key.columns]
    for chunk in chunked(rows, BATCH_ROWS):
        statement = _insert(session)(target)
        updates = {c: statement.excluded[c] for c in chunk[0] if c not in keys}
        session.execute(statement.on_conflict_do_update(index_elements=keys, set_=updates), chunk)


def _insert(session: Session) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT."""
    return {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[
        session.get_bind().dialect.name
    ]


def chunked(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    """Yield lists of at most `size` rows."""
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def redacted_url(url: str) -> str:
    """A database URL fit to print: no password."""
    return make_url(url).render_as_string(hide_password=True)


@contextmanager
def exclusive(url: str, name: str, on_wait: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Hold a lock named `name` for this database, so that a second run of a flow waits.

    PostgreSQL: an advisory lock on a connection of its own. SQLite: a file lock beside the
    database file (SQLite serves one machine; several machines need PostgreSQL anyway).
    `on_wait` is called once if another holder makes this one wait.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        with engine_for(url).connect() as connection:
            key = _lock_key(name)
            if not connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": key}
            ).scalar():
                on_wait()
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()
        return
    with _file_lock(_lock_path(parsed, name), on_wait):
        yield


def _lock_key(name: str) -> int:
    """The 64-bit advisory-lock key PostgreSQL knows the lock `name` by."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def _lock_path(url: URL, name: str) -> Path | None:
    """The file that stands for the lock `name` beside a SQLite database (none in memory)."""
    if url.database in (None, "", ":memory:"):
        return None
    return Path(f"{url.database}.{hashlib.sha256(name.encode()).hexdigest()[:12]}.lock")


@contextmanager
def _file_lock(path: Path | None, on_wait: Callable[[], None] = lambda: None) -> Iterator[None]:
    if path is None:  # an in-memory database belongs to one process: nobody to wait for
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
