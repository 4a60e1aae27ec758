"""Engines: the only place that knows SQLite from PostgreSQL, and what to install for a driver."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import NoSuchModuleError
from sqlmodel import create_engine

from core.exceptions import LianjieInputError

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


# PostgreSQL drivers built on libpq, which take server settings as connection options.
LIBPQ = {"psycopg", "psycopg2"}


def missing_driver(url: str | URL, missing: ModuleNotFoundError) -> str:
    """What to install for a database URL whose driver is not there, in one line."""
    backend = make_url(url).get_backend_name()
    package = DRIVER_PACKAGES.get(missing.name or "", missing.name or "its driver")
    return f"the {backend} driver is not installed: pip install {package}"


def redacted_url(url: str) -> str:
    """A database URL fit to print: no password."""
    return make_url(url).render_as_string(hide_password=True)


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
    """One engine per database URL per process; nothing is created or migrated by it (a
    SQLite file's folder aside): `models.db.ready_engine` is the one that migrates."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = new_engine(url, connect_args={"check_same_thread": False, "timeout": 60})
        event.listen(engine, "connect", _sqlite_pragmas)
    elif parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in LIBPQ:
        # Quarter-wide reads run as server-side cursors (models.db.streamed) and are always
        # read to the end: planned for the first tenth of the rows, as PostgreSQL plans a
        # cursor by default, reading enrolments with their sessions took four times as long.
        options = "-c cursor_tuple_fraction=1"
        engine = new_engine(url, pool_pre_ping=True, connect_args={"options": options})
    else:
        engine = new_engine(url, pool_pre_ping=True)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets a dispatch commit after every message cheaply and lets readers run beside a writer.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
