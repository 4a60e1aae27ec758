"""Many rows at once: insert the new ones, or insert-or-update, in batches."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from copy import copy
from functools import lru_cache
from itertools import repeat
from operator import itemgetter
from typing import Any

from sqlalchemy import Boolean, Date
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Dialect
from sqlmodel import Session, SQLModel

BATCH_ROWS = 10_000  # rows per executemany: bounds memory without costing round trips


def insert_new(
    session: Session,
    table: type[SQLModel],
    rows: Iterable[Mapping[str, Any]],
    *,
    conflict_columns: Sequence[str] | None = None,
) -> int:
    """Insert rows in batches, skipping any that a unique constraint says exist already."""
    statement = _insert_skipping(session, table, conflict_columns)
    # One statement compiled once and executed for many rows: far cheaper than a VALUES list.
    return sum(
        _executemany(session.connection(), statement, _turned(chunk))
        for chunk in chunked(rows, BATCH_ROWS)
    )


def insert_columns(
    session: Session, table: type[SQLModel], columns: Mapping[str, Sequence[Any]]
) -> int:
    """`insert_new` of rows given column by column, as a stage that built them so holds them:
    no dictionary per row on the way in."""
    if not columns:
        return 0
    statement = _insert_skipping(session, table, None)
    count = len(next(iter(columns.values())))
    return sum(
        _executemany(
            session.connection(),
            statement,
            {key: values[start : start + BATCH_ROWS] for key, values in columns.items()},
        )
        for start in range(0, count, BATCH_ROWS)
    )


def _insert_skipping(
    session: Session, table: type[SQLModel], conflict_columns: Sequence[str] | None
) -> Any:
    target = table.__table__  # type: ignore[attr-defined]
    return _insert(session)(target).on_conflict_do_nothing(
        index_elements=list(conflict_columns) if conflict_columns else None
    )


def _turned(rows: list[Mapping[str, Any]]) -> dict[str, Sequence[Any]]:
    """Rows as columns: the rows' values taken in one C pass and turned into columns in
    another (a pass per column cost a C call per cell, eight million for a province's half a
    million messages)."""
    given = list(rows[0])
    take = itemgetter(*given) if len(given) > 1 else lambda row: (row[given[0]],)
    return dict(zip(given, zip(*map(take, rows), strict=True), strict=True))


def _executemany(connection: Connection, statement: Any, given: dict[str, Sequence[Any]]) -> int:
    """Run `statement` once per row, compiled once, the rows handed to the driver as plain
    tuples; the rows that went in, counted by the driver.

    SQLAlchemy builds every row's parameters in Python, which was a quarter of planning a
    province's half a million messages on SQLite, and on PostgreSQL made the roster import of
    100,000 cadres take 54 s against SQLite's 8 s. Here each column's own type converts its
    values (dates and JSON stored as SQLAlchemy stores them) and the driver gets tuples:
    sqlite3 runs them in C, psycopg in one pipeline.
    """
    target = statement.table
    count = len(next(iter(given.values())))
    defaults = {
        column.key: column.default.arg
        for column in target.columns
        if column.key not in given and column.default is not None and column.default.is_scalar
    }
    dialect = _positional(connection.dialect)
    # for_executemany: no RETURNING of each row's new key, which nobody reads here
    compiled = statement.compile(
        dialect=dialect, column_keys=[*given, *defaults], for_executemany=True
    )
    columns: list[Iterable[Any]] = []
    for key in compiled.positiontup or ():
        column: Iterable[Any] = given[key] if key in given else repeat(defaults[key], count)
        if not _driver_binds(target.c[key]) and (
            convert := target.c[key].type.dialect_impl(dialect).bind_processor(dialect)
        ):
            # A day recurs on thousands of rows (due dates): each is converted once.
            column = map(
                lru_cache(maxsize=4096)(convert) if _is_day(target.c[key]) else convert, column
            )
        columns.append(column)
    params = list(zip(*columns, strict=True))  # the driver takes a row as a tuple
    result = connection.exec_driver_sql(compiled.string, params)
    return result.rowcount or 0


def _positional(dialect: Dialect) -> Dialect:
    """The connection's dialect, binding parameters by position: SQLite's is already; psycopg
    takes `%s` as well as the `%(name)s` SQLAlchemy writes for it."""
    if dialect.positional:
        return dialect
    positional = copy(dialect)  # the engine's own settings (JSON serialiser…) kept
    positional.paramstyle, positional.positional = "format", True
    return positional


def _driver_binds(column: Any) -> bool:
    """Whether the driver takes the column's values as they are: a yes/no column, which our
    rows fill with True, False or None (sqlite3 stores them as 1 and 0, as SQLAlchemy's
    conversion would; that conversion was a fifth of storing a province's roster)."""
    return type(column.type) is Boolean


def _is_day(column: Any) -> bool:
    return type(column.type) is Date


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


def chunked(rows: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    """Yield lists of at most `size` rows."""
    chunk: list[Mapping[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
