"""Exports read from the database, without the command line around them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.domain import Quarter
from core.exceptions import LianjieInputError
from lianjie.exports import Export, Format
from lianjie.exports.database import access_file, quarter_file
from models.db import ready_engine


class TestDatabaseExports:
    def test_an_empty_access_log_is_its_header(self, db_url: str) -> None:
        """Before any record is produced, the access log is its column names and nothing else."""
        ready_engine(db_url)
        expected = b"produced_at,os_user,employee_id,confidential,path,action\r\n"
        assert expected == access_file(db_url=db_url, fmt=Format.csv)

    def test_a_quarter_never_started_is_named(self, db_url: str) -> None:
        """A list of a quarter no cycle has run for is refused with the quarter's name."""
        ready_engine(db_url)
        with pytest.raises(LianjieInputError, match="quarter 2026Q4 has not been started"):
            quarter_file(
                db_url=db_url,
                kind=Export.tracks,
                quarter=Quarter(2026, 4),
                as_of=date(2026, 10, 1),
                fmt=Format.csv,
                confidential=False,
            )


def test_an_export_replaces_a_link_at_its_place_and_never_writes_through_it(
    tmp_path: Path,
) -> None:
    """Issue 41: `export --out` followed a symbolic link and overwrote its target."""
    from lianjie.exports import Format, write

    victim = tmp_path / "payroll.csv"
    victim.write_text("untouched", encoding="utf-8")
    out = tmp_path / "tracks.csv"
    out.symlink_to(victim)
    write(b"employee_id\n", Format.csv, out)
    assert "untouched" == victim.read_text(encoding="utf-8")
    assert not out.is_symlink() and out.read_bytes().endswith(b"employee_id\n")
    assert 0o600 == out.stat().st_mode & 0o777
    assert [] == [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_moment_is_written_with_the_organisations_offset() -> None:
    """Issue 38: sent_at and produced_at came out in UTC without saying so."""
    import json
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from lianjie.exports import serialise

    rows = [{"produced_at": datetime(2026, 10, 8, 0, 5, 12, 345678), "employee_id": "E1"}]
    for zone, expected in [
        (ZoneInfo("Asia/Shanghai"), "2026-10-08T08:05:12+08:00"),
        (ZoneInfo("Asia/Urumqi"), "2026-10-08T06:05:12+06:00"),
    ]:
        [row] = json.loads(serialise(Export.access, rows, Format.json, zone=zone))
        assert expected == row["produced_at"]
    csv_text = serialise(Export.access, rows, Format.csv).decode()
    assert "2026-10-08T08:05:12+08:00" in csv_text  # the organisation's zone by default
