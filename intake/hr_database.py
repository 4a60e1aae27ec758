"""Reading an HR database without the power to write to it: the rows streamed in batches,
within the limits on files, from a session the database itself holds read-only."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy.dialects.postgresql import psycopg as postgresql_psycopg
from sqlalchemy.engine import URL, make_url

from core.exceptions import UnreadableFileError
from intake.read import DEFAULT_LIMITS, Limits, Table
from intake.values import Cell
from models.engine import missing_driver


@dataclass(frozen=True)
class HrSource:
    """Where to read: the URL (a secret, never shown), a table or a query, and a printable name."""

    url: str
    table: str | None
    query: str | None
    shown: str


@dataclass(frozen=True, slots=True)
class HrTimeouts:
    """How long the HR database may take (LIANJIE_HR_STATEMENT_TIMEOUT_SECONDS,
    LIANJIE_HR_IDLE_TIMEOUT_SECONDS): a query that never ends is ended by the server."""

    statement_seconds: int = 300
    idle_seconds: int = 60


DEFAULT_TIMEOUTS = HrTimeouts()


def read_database(
    source: HrSource, *, limits: Limits = DEFAULT_LIMITS, timeouts: HrTimeouts = DEFAULT_TIMEOUTS
) -> Table:
    """Read the rows as they stream in, within the limits; row numbers count from 2, as under a
    header. Read-only by construction: the server is told so and checked, not trusted."""
    parsed = make_url(source.url)
    reader = _read_postgresql if parsed.get_backend_name() == "postgresql" else _read_sqlite
    rows = _Within(source.shown, limits)
    header = reader(source, parsed, timeouts, rows)
    return Table.under_header(source.shown, rows.digest.hexdigest(), header, rows.kept)


class _Within:
    """Rows kept as the cursor gives them, refused whole past the limits on rows, columns and
    bytes — while they stream, so a hostile source never holds more than one batch extra."""

    def __init__(self, shown: str, limits: Limits) -> None:
        self.shown, self.limits = shown, limits
        self.kept: list[tuple[int, list[Cell]]] = []
        self.digest = hashlib.sha256()
        self.budget = limits.file_mb * 1024 * 1024

    def header(self, names: list[str]) -> list[str]:
        if len(names) > self.limits.columns:
            raise UnreadableFileError(
                f"{self.shown}: {len(names)} columns, over the limit of {self.limits.columns} "
                "(setting LIANJIE_MAX_COLUMNS)"
            )
        self.digest.update(repr(names).encode())
        return names

    def add(self, batch: Sequence[Sequence[Any]]) -> None:
        if len(self.kept) + len(batch) > self.limits.rows:
            raise UnreadableFileError(
                f"{self.shown}: more than {self.limits.rows:,} rows, over the limit (setting "
                "LIANJIE_MAX_ROWS); select fewer rows"
            )
        records = [list(record) for record in batch]
        self.budget -= sum(len(v) if type(v) is str else 8 for r in records for v in r)
        if self.budget < 0:
            raise UnreadableFileError(
                f"{self.shown}: more than {self.limits.file_mb} MB of data, over the limit "
                "(setting LIANJIE_MAX_FILE_MB); select fewer rows or shorter columns"
            )
        self.digest.update(repr(records).encode())
        first = len(self.kept) + 2
        self.kept += zip(range(first, first + len(records)), records, strict=True)


BATCH_ROWS = 2_000  # fetched at a time: a hostile source costs one batch more than the limits


def _read_sqlite(source: HrSource, parsed: URL, timeouts: HrTimeouts, rows: _Within) -> list[str]:
    path = parsed.database or ""
    if not path or path == ":memory:" or not Path(path).is_file():
        raise UnreadableFileError(f"{source.shown}: no such database file")
    # mode=ro: the file is opened read-only, and nothing (ATTACH, VACUUM INTO) can create one;
    # query_only refuses any write besides; sqlite3 itself runs one statement per execute.
    uri = f"file:{quote(str(Path(path).resolve()))}?mode=ro"
    deadline = time.monotonic() + timeouts.statement_seconds
    try:
        connection = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as error:
        raise UnreadableFileError(f"{source.shown}: cannot be opened ({error})") from None
    try:
        connection.execute("PRAGMA query_only = ON")
        # SQLite has no statement timeout: a non-zero answer interrupts the statement.
        connection.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
        if source.table is not None:
            found = connection.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?",
                (source.table,),
            ).fetchone()
            if found is None:
                raise UnreadableFileError(f"{source.shown}: no table named {source.table!r}")
            quoted = source.table.replace('"', '""')
            statement = f'SELECT * FROM "{quoted}"'
        else:
            statement = source.query or ""
        cursor = connection.execute(statement)
        header = rows.header([str(d[0]) for d in cursor.description or ()])
        while batch := cursor.fetchmany(BATCH_ROWS):
            rows.add(batch)
        return header
    except sqlite3.Error as error:
        if time.monotonic() > deadline:
            raise UnreadableFileError(_timed_out(source, timeouts)) from None
        reason = str(error).splitlines()[0][:200]
        raise UnreadableFileError(f"{source.shown}: {type(error).__name__}: {reason}") from None
    finally:
        connection.close()


def _timed_out(source: HrSource, timeouts: HrTimeouts) -> str:
    return (
        f"{source.shown}: the query ran longer than {timeouts.statement_seconds} s and was "
        "stopped (setting LIANJIE_HR_STATEMENT_TIMEOUT_SECONDS)"
    )


def _read_postgresql(
    source: HrSource, parsed: URL, timeouts: HrTimeouts, rows: _Within
) -> list[str]:
    try:  # the PostgreSQL driver is an optional extra (lianjie[postgres])
        import psycopg  # noqa: PLC0415
        from psycopg import sql  # noqa: PLC0415
    except ModuleNotFoundError as missing:
        raise UnreadableFileError(f"{source.shown}: {missing_driver(parsed, missing)}") from None
    # The URL's parts as libpq takes them (host, port, user, password, dbname, ?sslmode=…),
    # worked out by SQLAlchemy's own psycopg dialect whatever driver the URL names.
    _, options = postgresql_psycopg.dialect().create_connect_args(parsed)  # type: ignore[no-untyped-call]
    try:
        with psycopg.connect(**options, autocommit=True, connect_timeout=30) as connection:
            _lock_session(connection, source, timeouts)
            _refuse_a_login_that_can_write(connection, source)
            with connection.transaction():
                statement: sql.Composable | str
                if source.table is not None:
                    statement = sql.SQL("SELECT * FROM {}").format(
                        _visible_table(connection, source)
                    )
                else:
                    statement = source.query or ""
                # A server-side cursor: DECLARE goes by the extended protocol, as one prepared
                # statement, so PostgreSQL itself refuses a second statement hidden in the
                # query (however a parser reads its quotes), and rows come in batches.
                with connection.cursor(name="lianjie_roster") as cursor:
                    cursor.execute(statement)
                    header = rows.header([c.name for c in cursor.description or ()])
                    while batch := cursor.fetchmany(BATCH_ROWS):
                        rows.add(batch)
            return header
    except psycopg.errors.QueryCanceled:
        raise UnreadableFileError(_timed_out(source, timeouts)) from None
    except psycopg.Error as error:
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        if "cannot insert multiple commands" in reason:
            reason = "the query must be exactly one SELECT statement"
        raise UnreadableFileError(f"{source.shown}: {type(error).__name__}: {reason}") from None


def _lock_session(connection: Any, source: HrSource, timeouts: HrTimeouts) -> None:
    """Every transaction of the session read-only, queries and idle transactions bounded, and
    the query ended by the server if lianjie goes away mid-query; then checked back."""
    connection.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    connection.execute("SET default_transaction_read_only = on")
    connection.execute(f"SET statement_timeout = '{int(timeouts.statement_seconds)}s'")
    connection.execute(f"SET idle_in_transaction_session_timeout = '{int(timeouts.idle_seconds)}s'")
    if connection.info.server_version >= 140000:
        # The backend looks at the socket while a query runs: a lianjie killed mid-query (no
        # cancel request sent) does not leave its query running until the timeout.
        connection.execute("SET client_connection_check_interval = '2s'")
    read_only = connection.execute("SHOW default_transaction_read_only").fetchone()
    if read_only is None or read_only[0] != "on":
        raise UnreadableFileError(f"{source.shown}: the session could not be made read-only")


def _refuse_a_login_that_can_write(connection: Any, source: HrSource) -> None:
    """A read-only session stops writes to tables, but a superuser can still run programs or
    write files on the database host, and a login that may write is one mistake from it."""
    superuser = connection.execute(
        "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
    ).fetchone()
    if superuser is None or superuser[0]:
        raise UnreadableFileError(
            f"{source.shown}: the HR database login is a superuser; lianjie reads the roster "
            "with a login that may only read it (see docs/roster.md, An HR database)"
        )
    powers = connection.execute(WRITING_POWERS).fetchall()
    if powers:
        named = ", ".join(p[0] for p in powers[:3]) + (" …" if len(powers) > 3 else "")
        raise UnreadableFileError(
            f"{source.shown}: the HR database login can change data ({named}); lianjie reads "
            "the roster with a login that may only read it (see docs/roster.md, An HR database)"
        )


# What a login may change: tables it may write to, schemas it may create in, the database
# itself, and the built-in roles that write files or run programs on the server.
WRITING_POWERS = """
SELECT 'write to ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
  AND (has_table_privilege(c.oid, 'INSERT') OR has_table_privilege(c.oid, 'UPDATE')
       OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE'))
UNION ALL
SELECT 'create in schema ' || quote_ident(nspname) FROM pg_namespace
WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg_%'
  AND has_schema_privilege(oid, 'CREATE')
UNION ALL
SELECT 'create schemas' WHERE has_database_privilege(current_database(), 'CREATE')
UNION ALL
SELECT 'member of ' || rolname FROM pg_roles
WHERE rolname IN ('pg_write_server_files', 'pg_execute_server_program', 'pg_write_all_data')
  AND pg_has_role(current_user, oid, 'MEMBER')
"""


def _visible_table(connection: Any, source: HrSource) -> Any:
    from psycopg import sql  # noqa: PLC0415  (read only once psycopg is known to be there)

    name = source.table or ""
    for parts in ([name], name.split(".", 1)):
        identifier = sql.Identifier(*parts)
        found = connection.execute(
            "SELECT to_regclass(%s)", (identifier.as_string(connection),)
        ).fetchone()
        if found is not None and found[0] is not None:
            return identifier
    raise UnreadableFileError(f"{source.shown}: no table named {name!r}")
