"""The bulk insert stores exactly what SQLAlchemy itself would, and skips what exists."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.dialects import sqlite
from sqlmodel import SQLModel

from harness.postgres import POSTGRES
from models.bulk import insert_new
from models.db import STREAM_ROWS, session_for, streamed
from models.tables import Cadre, EducationSession, Message, Report

ROWS: list[tuple[type[SQLModel], list[dict[str, Any]]]] = [
    (
        Cadre,
        [
            # Columns left out on purpose: the table's defaults (leadership_role, on_roster...).
            {
                "quarter": "2026Q4",
                "employee_id": "E1",
                "name": "张三",
                "unit_code": "U1",
                "post": "科长",
                "party_member": False,
                "appointed_on": date(2026, 7, 15),
                "key_post": None,
            },
        ],
    ),
    (
        Message,
        [
            {
                "send_key": f"invitation|26Q4-IO-01|E{n}|email",
                "quarter": "2026Q4",
                "kind": "invitation",
                "channel": "email",
                "recipient": "e@example.org",
                "subject": "关于参加廉洁教育的通知",
                "body": "请准时参加。",
                "due_on": date(2026, 10, 12),
                "expires_on": None if n else date(2026, 10, 20),
                "next_attempt_at": datetime(2026, 10, 12, 8, 30, 5, 123456, tzinfo=UTC),
            }
            for n in range(3)
        ],
    ),
    (
        EducationSession,
        [
            {
                "code": "26Q4-IO-01",
                "quarter": "2026Q4",
                "programme_code": "IO",
                "held_on": date(2026, 10, 14),
                "starts_at": time(9, 0),
                "venue": "一号会议室",
                "capacity": 60,
                "makeup": True,
            }
        ],
    ),
    (
        Report,
        [
            {
                "quarter": "2026Q4",
                "unit_code": "",
                "kind": "summary",
                "lang": "zh",
                "path": "/tmp/x.pdf",
                "sha256": "0" * 64,
                "generated_at": datetime(2026, 12, 31, 23, 59, tzinfo=UTC),
            }
        ],
    ),
]


def _raw(path: Path, table: type[SQLModel]) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as connection:
        name = table.__tablename__  # type: ignore[attr-defined]
        return connection.execute(f'SELECT * FROM "{name}" ORDER BY 1, 2').fetchall()


def test_bulk_insert_stores_what_sqlalchemy_would(tmp_path: Path) -> None:
    ours, theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
    for table, rows in ROWS:
        with session_for(f"sqlite:///{ours}") as session:
            assert len(rows) == insert_new(session, table, rows)
        with session_for(f"sqlite:///{theirs}") as session:
            session.execute(sqlite.insert(table.__table__), rows)  # type: ignore[attr-defined]
    for table, _ in ROWS:
        assert _raw(theirs, table) == _raw(ours, table)


def test_bulk_insert_reads_back_as_sqlalchemys_own(
    db_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # On either database: the rows read back through SQLAlchemy, ours against its own insert.
    theirs = (
        f"sqlite:///{tmp_path / 'theirs.db'}"
        if db_url.startswith("sqlite")
        else request.getfixturevalue("postgres").database()
    )
    for table, rows in ROWS:
        with session_for(db_url) as session:
            assert len(rows) == insert_new(session, table, [dict(row) for row in rows])
        with session_for(theirs) as session:
            session.execute(insert(table), rows)
    for table, _ in ROWS:
        read = [_read_back(url, table) for url in (db_url, theirs)]
        assert read[0] == read[1]
        assert read[0]


def _read_back(url: str, table: type[SQLModel]) -> list[tuple[Any, ...]]:
    with session_for(url) as session:
        found = session.execute(select(table.__table__)).all()  # type: ignore[attr-defined]
    return sorted(tuple(row) for row in found)


def test_bulk_insert_skips_rows_that_exist(db_url: str) -> None:
    _, messages = ROWS[1]
    with session_for(db_url) as session:
        assert 2 == insert_new(session, Message, messages[:2], conflict_columns=["send_key"])
    with session_for(db_url) as session:
        assert 1 == insert_new(session, Message, messages, conflict_columns=["send_key"])
        assert 0 == insert_new(session, Message, messages, conflict_columns=["send_key"])


def test_a_quarter_wide_read_stays_on_the_postgresql_server_until_read(
    request: pytest.FixtureRequest,
) -> None:
    """A province's read is fetched in batches from a server-side cursor, planned for reading
    to the end: psycopg would otherwise hold the whole result in memory before the first row."""
    if not POSTGRES:
        pytest.skip("needs PostgreSQL (LIANJIE_TEST_POSTGRES=1)")
    url = request.getfixturevalue("postgres").database()
    numbers = select(func.generate_series(1, 3 * STREAM_ROWS + 7))
    with session_for(url) as session:
        rows = streamed(session, numbers)
        first = next(rows)
        connection = session.connection()
        open_cursors = connection.exec_driver_sql("SELECT count(*) FROM pg_cursors").scalar()
        planned_for = connection.exec_driver_sql("SHOW cursor_tuple_fraction").scalar()
        rest = list(rows)
    assert (open_cursors, planned_for) == (1, "1")
    assert [first[0], *(n for (n,) in rest)] == list(range(1, 3 * STREAM_ROWS + 8))


def test_a_quarter_wide_read_gives_every_row_past_a_batch(db_url: str) -> None:
    with session_for(db_url) as session:
        session.add_all(
            Cadre(quarter="2026Q4", employee_id=f"E{n:05d}", name="甲", unit_code="U1", post="科员")
            for n in range(STREAM_ROWS + 3)
        )
        session.flush()
        ids = list(streamed(session, select(Cadre.employee_id).order_by(Cadre.employee_id)))
    assert [i for (i,) in ids] == [f"E{n:05d}" for n in range(STREAM_ROWS + 3)]
