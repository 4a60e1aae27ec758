"""Faults: a cycle killed at any moment and run again ends where an uninterrupted one does;
two cycles of one quarter at once end as one did."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.pipeline import run_cycle, write_city

CYCLE = (
    "import sys; from pathlib import Path; from tests.pipeline import run_cycle; "
    "run_cycle(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))"
)
KEYS = {
    "cadre": "quarter, employee_id, on_roster",
    "assignment": "quarter, employee_id, track, reason",
    "session": "code, held_on, venue, capacity",
    "enrolment": "session_code, employee_id, status",
    "message": "send_key, status, due_on, subject",
    "file_import": "quarter, kind, sha256, rows_read, rows_accepted, rows_rejected",
    "rejected_row": 'row, "column", reason',
}


def state(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every table that a cycle writes, by its natural keys, in order."""
    engine = create_engine(url)
    with engine.connect() as connection:
        found = {
            table: sorted(
                tuple(row) for row in connection.execute(text(f"SELECT {columns} FROM {table}"))
            )
            for table, columns in KEYS.items()
        }
    engine.dispose()
    return found


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [0.3, 0.9, 1.6, 2.4])
def test_cycle_killed_and_rerun_ends_as_an_uninterrupted_one(
    tmp_path: Path, kill_after: float
) -> None:
    """SIGKILL mid-import, mid-classification, mid-schedule or mid-planning; then run again."""
    roster = write_city(tmp_path, units=12, per_unit=40)
    reference = f"sqlite:///{tmp_path / 'reference.db'}"
    run_cycle(reference, roster, tmp_path / "cards")

    url = f"sqlite:///{tmp_path / 'killed.db'}"
    worker = subprocess.Popen(
        [sys.executable, "-c", CYCLE, url, str(roster), str(tmp_path / "cards")],
        env=os.environ.copy(),
    )
    time.sleep(kill_after)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    run_cycle(url, roster, tmp_path / "cards")
    assert state(reference) == state(url)


@pytest.mark.slow
def test_two_cycles_of_one_quarter_at_once(
    db_url: str, tmp_path: Path, prefect_harness: str
) -> None:
    """Two `lianjie cycle` runs started together: the second waits; no duplicate, no crash."""
    roster = write_city(tmp_path, units=6, per_unit=30)
    env = os.environ | {"PREFECT_API_URL": prefect_harness}
    command = [
        sys.executable,
        "-m",
        "lianjie.cli",
        "cycle",
        "--quarter",
        "2026Q4",
        "--roster",
        str(roster),
        "--as-of",
        "2026-10-01",
        "--json",
    ]
    runs = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outcomes = [run.communicate(timeout=300) for run in runs]
    assert [0, 0] == [run.returncode for run in runs], [err[-2000:] for _, err in outcomes]
    once = state(db_url)
    assert len(once["cadre"]) == 180
    run_cycle(db_url, roster, tmp_path / "cards")
    assert once == state(db_url)
