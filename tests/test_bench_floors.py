"""The benchmark's floors: the same-rows floor writes every column lianjie stores."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from bench.floors import MESSAGE, STORED, stored_floor
from lianjie.synthetic import HEADER, roster_rows, write_csv
from models.tables import Cadre, Message


def test_the_same_rows_floor_fills_every_column_of_the_cadre_and_message_tables(
    tmp_path: Path,
) -> None:
    write_csv(tmp_path / "roster.csv", HEADER, roster_rows(2, 10, date(2026, 10, 1)))
    stored_floor(tmp_path, messages=30)

    with sqlite3.connect(tmp_path / "stored-floor.db") as db:
        assert 20 == db.execute("SELECT count(*) FROM cadre").fetchone()[0]
        assert 30 == db.execute("SELECT count(DISTINCT send_key) FROM message").fetchone()[0]
        first = db.execute("SELECT employee_id, name, unit_code, phone FROM cadre").fetchone()
    assert all(first), first  # the file's values, each in its own column
    assert set(Cadre.__table__.columns.keys()) == {"quarter", *STORED, "on_roster"}  # type: ignore[attr-defined]
    assert set(Message.__table__.columns.keys()) == {"id", *MESSAGE}  # type: ignore[attr-defined]
