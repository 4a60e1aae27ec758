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

from core.domain import Quarter
from harness.pipeline import run_cycle, run_settings, write_city

CYCLE = (
    "import sys; from pathlib import Path; from harness.pipeline import run_cycle; "
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


def test_huge_cell_is_refused_with_one_message(tmp_path: Path) -> None:
    """A CSV with a megabyte in one cell is a broken export: refused, naming the file."""
    from core.exceptions import UnreadableFileError
    from harness.factories import roster_row, write_roster
    from intake.read import read_table

    path = write_roster(tmp_path / "huge.csv", [roster_row(1, 姓名="王" * 1_000_000)])
    with pytest.raises(UnreadableFileError, match=r"huge\.csv"):
        read_table(path)


@pytest.mark.slow
def test_render_killed_leaves_no_half_written_pdf(db_url: str, tmp_path: Path) -> None:
    """SIGKILL while reports render: every .pdf present is whole; a rerun completes them."""
    from pypdf import PdfReader

    run_cycle(db_url, write_city(tmp_path, units=6, per_unit=30), tmp_path / "cards")
    out = tmp_path / "out"
    render = (
        "import sys; from pathlib import Path; from harness.pipeline import prepared; "
        "from reports.render import render_many; "
        "jobs = prepared(sys.argv[1], Path(sys.argv[2])); "
        "render_many([job for _, job in jobs], processes=1)"
    )
    worker = subprocess.Popen([sys.executable, "-c", render, db_url, str(out)])
    deadline = time.monotonic() + 120
    while len(list(out.glob("*.pdf"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    done = list(out.glob("*.pdf"))
    assert 2 <= len(done) < 8
    for pdf in done:
        assert len(PdfReader(pdf).pages) >= 1
    subprocess.run([sys.executable, "-c", render, db_url, str(out)], check=True)
    assert 8 == len(list(out.rglob("*.pdf")))


def test_secrets_stay_out_of_logs_and_exports(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A failing SMTP server with a password in the URL: the password is in no log or export."""
    import logging

    from flows.dispatch import send_due
    from harness.pipeline import SEND_ON
    from lianjie.exports import Export, Format, build_rows, serialise
    from models.db import session_for
    from models.facts import load_quarter
    from models.outbox import quarter_messages

    caplog.set_level(logging.DEBUG)
    run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
    monkeypatch.setenv("LIANJIE_SMTP_URL", "smtp://clerk:s3cr3t-pw@127.0.0.1:1")
    assert send_due.fn(run=run_settings(db_url), kind="email", on=SEND_ON)["failed"] > 0
    with session_for(db_url) as session:
        data = load_quarter(session=session, quarter=Quarter(2026, 4))
        outbox = quarter_messages(session=session, quarter=Quarter(2026, 4))
    assert data is not None
    rows = build_rows(Export.messages, data, outbox, confidential=False, as_of=SEND_ON)
    exported = serialise(Export.messages, rows, Format.csv)
    assert b"s3cr3t-pw" not in exported
    assert "s3cr3t-pw" not in "\n".join(r.getMessage() for r in caplog.records)
    assert b"127.0.0.1" in exported  # the error is there, naming the host
