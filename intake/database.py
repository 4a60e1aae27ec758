"""Naming a roster's HR database: which one, a table or one SELECT, never lianjie's own, and
never a URL in a parameter (the reading is intake/hr_database.py).

A roster source names the database as `hr:table=NAME` or `hr:query=SELECT …`, against the setting
LIANJIE_HR_DATABASE_URL, which lives in the worker's environment: a URL (and the password it may
carry) never becomes a run's parameter, which Prefect keeps and shows.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import sqlparse
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlparse import tokens

from core.exceptions import UnreadableFileError
from core.secrets import NOT_A_PARAMETER, looks_like_secret
from intake.hr_database import DEFAULT_TIMEOUTS, HrSource, HrTimeouts, read_database
from intake.read import DEFAULT_LIMITS, Limits, Table, read_table

HR_PREFIX = "hr:"


def is_database_source(source: str) -> bool:
    """A roster given as an HR database (`hr:table=…`, `hr:query=…`) rather than a file path."""
    return source.startswith(HR_PREFIX)


def check_roster_source(source: str) -> None:
    """Refuse a roster source shaped like a URL or a credential, before it is stored anywhere
    (the message never repeats it)."""
    if looks_like_secret(source):
        raise UnreadableFileError(NOT_A_PARAMETER)


def hr_source(source: str, *, hr_url: str | None, own_url: str) -> HrSource:
    """Resolve a roster source naming a database; refuse what could leak or write.

    Raises UnreadableFileError with a message that never contains a password.
    """
    check_roster_source(source)
    if not hr_url:
        raise UnreadableFileError(
            f"{source}: set LIANJIE_HR_DATABASE_URL to the HR database's URL first"
        )
    options, shown = source.removeprefix(HR_PREFIX), source
    parsed = _parsed(hr_url, "LIANJIE_HR_DATABASE_URL")
    table, query = _options(options, shown)
    if parsed.get_backend_name() not in READ_ONLY_BACKENDS:
        raise UnreadableFileError(
            f"{shown}: lianjie reads HR rosters from PostgreSQL or SQLite, the databases it can "
            f"open read-only, not from {parsed.get_backend_name()}; export the roster to .xlsx "
            "or .csv instead"
        )
    if _same_database(parsed, _parsed(own_url, "LIANJIE_DATABASE_URL")):
        raise UnreadableFileError(
            f"{shown}: this is lianjie's own database; a roster comes from the HR database"
        )
    if query is not None:
        check_select(query, shown)
    return HrSource(hr_url, table, query, shown)


# The databases lianjie can open so that nothing it sends may write: PostgreSQL (a read-only
# session, one prepared statement, a login checked) and SQLite (opened mode=ro, query_only).
READ_ONLY_BACKENDS = {"postgresql", "sqlite"}


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


def read_source(
    source: str,
    *,
    hr_url: str | None = None,
    own_url: str = "sqlite://",
    sheet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    timeouts: HrTimeouts = DEFAULT_TIMEOUTS,
) -> Table:
    """A roster or completion source: a .csv/.xlsx file, or an HR database."""
    check_roster_source(source)
    if is_database_source(source):
        return read_database(
            hr_source(source, hr_url=hr_url, own_url=own_url), limits=limits, timeouts=timeouts
        )
    return read_table(Path(source), sheet=sheet, limits=limits)
