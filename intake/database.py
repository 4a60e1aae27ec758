"""Reading a roster from an HR database: one SELECT, in a read-only transaction, never our own.

A roster source names the database in one of two ways:
- `hr:table=NAME` or `hr:query=SELECT …`, against the secret setting LIANJIE_HR_DATABASE_URL —
  the way to reach a database that needs a password, which never appears in a parameter;
- `URL#table=NAME` or `URL#query=SELECT …` for a URL without a password (a SQLite file, a
  server that trusts the machine).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

import sqlparse
from sqlalchemy import MetaData, create_engine, event, inspect, select
from sqlalchemy import Table as Table_
from sqlalchemy import text as text_sql
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.sql import Executable
from sqlparse import tokens

from core.exceptions import UnreadableFileError
from intake.read import DEFAULT_LIMITS, Limits, Table, read_table
from models.engine import missing_driver

HR_PREFIX = "hr:"
_OPTION = re.compile(r"#(table|query)=")


def is_database_source(source: str) -> bool:
    """A roster given as an HR database (`hr:…` or a SQLAlchemy URL) rather than a file path."""
    return source.startswith(HR_PREFIX) or ("://" in source and not source.startswith("file://"))


@dataclass(frozen=True)
class HrSource:
    """Where to read: the URL (a secret, never shown), a table or a query, and a printable name."""

    url: str
    table: str | None
    query: str | None
    shown: str


def check_no_password(source: str) -> None:
    """Refuse a roster source that carries a password, before it is stored anywhere."""
    if is_database_source(source) and not source.startswith(HR_PREFIX):
        marker = _OPTION.search(source)
        if _parsed(source[: marker.start()] if marker else source, "the roster URL").password:
            raise UnreadableFileError(REFUSED_URL_MESSAGE)


REFUSED_URL_MESSAGE = (
    "a database URL with a password is not accepted as a roster source: it would be stored "
    "with the run. Put the URL in LIANJIE_HR_DATABASE_URL and give hr:table=NAME or "
    "hr:query=SELECT …"
)


def hr_source(source: str, *, hr_url: str | None, own_url: str) -> HrSource:
    """Resolve a roster source naming a database; refuse what could leak or write.

    Raises UnreadableFileError with a message that never contains a password.
    """
    if source.startswith(HR_PREFIX):
        if not hr_url:
            raise UnreadableFileError(
                f"{source}: set LIANJIE_HR_DATABASE_URL to the HR database's URL first"
            )
        url, options, shown = hr_url, source.removeprefix(HR_PREFIX), source
        parsed = _parsed(url, "LIANJIE_HR_DATABASE_URL")
    else:
        marker = _OPTION.search(source)
        url, options = (
            (source[: marker.start()], source[marker.start() + 1 :])
            if marker
            else (
                source,
                "",
            )
        )
        parsed = _parsed(url, "the roster URL")
        if parsed.password:
            raise UnreadableFileError(REFUSED_URL_MESSAGE)
        shown = parsed.render_as_string(hide_password=True) + (f"#{options}" if options else "")
    table, query = _options(options, shown)
    if _same_database(parsed, _parsed(own_url, "LIANJIE_DATABASE_URL")):
        raise UnreadableFileError(
            f"{shown}: this is lianjie's own database; a roster comes from the HR database"
        )
    if query is not None:
        check_select(query, shown)
    return HrSource(url, table, query, shown)


def _parsed(url: str, what: str) -> URL:
    try:
        return make_url(url)
    except (ArgumentError, ValueError):
        # The text may hold a password: say what to check, never echo it.
        raise UnreadableFileError(
            f"{what} is not a database URL; write special characters of the user name or "
            "password percent-encoded (# as %23, @ as %40, % as %25, / as %2F)"
        ) from None


def _options(options: str, shown: str) -> tuple[str | None, str | None]:
    name, _, value = options.partition("=")
    if name == "table" and value:
        return unquote(value), None
    if name == "query" and value:
        return None, unquote(value)
    raise UnreadableFileError(f"{shown}: name a table (table=NAME) or a query (query=SELECT …)")


def check_select(query: str, shown: str) -> None:
    """Exactly one SELECT statement, writing nothing (no SELECT … INTO)."""
    statements = [s for s in sqlparse.parse(query) if s.token_first(skip_cm=True) is not None]
    if len(statements) != 1:
        raise UnreadableFileError(
            f"{shown}: the query must be exactly one SELECT statement, not {len(statements)}"
        )
    kind = statements[0].get_type()
    if kind != "SELECT":
        raise UnreadableFileError(
            f"{shown}: only a SELECT statement may read the roster, not {kind or 'this statement'}"
        )
    if any(t.ttype is tokens.Keyword and t.normalized == "INTO" for t in statements[0].flatten()):
        raise UnreadableFileError(f"{shown}: SELECT … INTO writes a table; it is not allowed")


def _same_database(hr: URL, own: URL) -> bool:
    if hr.get_backend_name() != own.get_backend_name():
        return False
    if hr.get_backend_name() == "sqlite":
        if not hr.database or not own.database or ":memory:" in (hr.database, own.database):
            return False
        return Path(hr.database).resolve() == Path(own.database).resolve()
    return (hr.host or "localhost", hr.port, hr.database) == (
        own.host or "localhost",
        own.port,
        own.database,
    )


def read_database(source: HrSource) -> Table:
    """Read the rows in a read-only transaction; row numbers count from 2, as under a header."""
    engine = _read_only_engine(source)
    try:
        with engine.connect() as connection:
            _read_only(connection)
            statement: Executable
            if source.table is not None:
                if source.table not in inspect(connection).get_table_names():
                    raise UnreadableFileError(f"{source.shown}: no table named {source.table!r}")
                statement = select(Table_(source.table, MetaData(), autoload_with=connection))
            else:
                statement = text_sql(source.query or "")
            result = connection.execute(statement)
            header = [str(key) for key in result.keys()]  # noqa: SIM118  (a Result, not a dict)
            records = [list(row) for row in result]
            connection.rollback()  # nothing to keep: it was read-only
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise UnreadableFileError(
            f"{source.shown}: {type(error).__name__}: {reason[:200]}"
        ) from None
    finally:
        engine.dispose()
    digest = hashlib.sha256(repr((header, records)).encode()).hexdigest()
    rows = [(number, cells) for number, cells in enumerate(records, start=2)]
    return Table.under_header(source.shown, digest, header, rows)


def _read_only_engine(source: HrSource) -> Engine:
    parsed = make_url(source.url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ""
        if not path or path == ":memory:" or not Path(path).is_file():
            raise UnreadableFileError(f"{source.shown}: no such database file")
        uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro"
        # mode=ro: the file is opened read-only, and nothing (ATTACH, VACUUM INTO) can create one.
        return create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))
    try:
        engine = create_engine(parsed)
    except NoSuchModuleError:
        raise UnreadableFileError(
            f"{source.shown}: lianjie cannot talk to {parsed.get_backend_name()} databases"
        ) from None
    except ModuleNotFoundError as missing:
        raise UnreadableFileError(f"{source.shown}: {missing_driver(parsed, missing)}") from None
    event.listen(engine, "begin", _begin_read_only)
    return engine


def _begin_read_only(connection: Connection) -> None:
    # The first statement of every transaction: the server then refuses any write.
    connection.exec_driver_sql("SET TRANSACTION READ ONLY")


def _read_only(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA query_only = ON")


def read_source(
    source: str,
    *,
    hr_url: str | None = None,
    own_url: str = "sqlite://",
    sheet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Table:
    """A roster or completion source: a .csv/.xlsx file, or an HR database."""
    if is_database_source(source):
        return read_database(hr_source(source, hr_url=hr_url, own_url=own_url))
    return read_table(Path(source), sheet=sheet, limits=limits)
