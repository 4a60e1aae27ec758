"""Two runs on one database take turns: the second waits, says so once, and goes on after."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import make_url

from models.db import exclusive
from models.locks import lock_key, lock_path

WAIT = 30  # s: far longer than any turn here; a failure shows as a timeout, not a hang


def test_a_second_holder_waits_says_so_once_and_goes_on_after_the_first(db_url: str) -> None:
    """The first holder works; the second calls on_wait once, then enters when the first ends."""
    events: list[str] = []
    first_in, second_waits = threading.Event(), threading.Event()

    def first() -> None:
        with exclusive(db_url, "quarter-2026Q4", lambda: events.append("first waited")):
            events.append("first in")
            first_in.set()
            assert second_waits.wait(WAIT)
            events.append("first out")

    def waiting() -> None:
        events.append("second waits")
        second_waits.set()

    def second() -> None:
        assert first_in.wait(WAIT)
        with exclusive(db_url, "quarter-2026Q4", waiting):
            events.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert ["first in", "second waits", "first out", "second in"] == events


def test_locks_of_other_names_do_not_wait_for_each_other(db_url: str) -> None:
    """Two quarters are two locks: holding one does not make the other wait."""
    waited: list[str] = []
    with (
        exclusive(db_url, "quarter-2026Q3", lambda: waited.append("Q3")),
        exclusive(db_url, "quarter-2026Q4", lambda: waited.append("Q4")),
    ):
        pass
    assert [] == waited


def test_one_lock_file_sits_beside_the_database_and_memory_needs_none(tmp_path: Path) -> None:
    """A SQLite file's locks are one file next to it, whatever the quarters and the schema
    ask for (a file per lock left one more beside the database each quarter); an in-memory
    database has nobody to wait for."""
    url = f"sqlite:///{tmp_path / 'lianjie.db'}"
    path = lock_path(make_url(url))
    assert path == tmp_path / "lianjie.db.lock"
    for quarter in ("2026Q3", "2026Q4", "2027Q1"):
        with exclusive(url, f"quarter-{quarter}"):
            pass
    from models.db import ready_engine

    ready_engine(url)  # the schema's lock, taken while migrating
    assert ["lianjie.db", "lianjie.db.lock"] == sorted(
        p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))
    )
    assert None is lock_path(make_url("sqlite://"))
    with exclusive("sqlite://", "quarter-2026Q4"), exclusive("sqlite://", "quarter-2026Q4"):
        pass


def test_advisory_keys_are_stable_signed_64_bit_numbers() -> None:
    """PostgreSQL knows a lock by a bigint: the same name always gives the same one."""
    key = lock_key("quarter-2026Q4")
    assert key == lock_key("quarter-2026Q4") != lock_key("quarter-2027Q1")
    assert -(2**63) <= key < 2**63


def test_another_process_holding_a_quarter_makes_this_one_wait(tmp_path: Path) -> None:
    """Across processes the byte of the quarter's name is the lock: a command run while another
    holds the quarter waits for it, and goes on once it is let go."""
    import subprocess
    import sys
    import threading

    url = f"sqlite:///{tmp_path / 'lianjie.db'}"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\nfrom models.db import exclusive\n"
            f"with exclusive({url!r}, 'quarter-2026Q4'):\n"
            "    print('held', flush=True)\n    sys.stdin.readline()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert "held" == holder.stdout.readline().strip()
        waited, done = threading.Event(), threading.Event()

        def second() -> None:
            with exclusive(url, "quarter-2026Q4", waited.set):
                done.set()

        thread = threading.Thread(target=second, daemon=True)
        thread.start()
        assert waited.wait(WAIT), "the second holder did not wait"
        assert not done.is_set()
        with exclusive(url, "quarter-2026Q3", lambda: pytest.fail("another quarter waited")):
            pass
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert done.wait(WAIT), "the lock was not passed on"
    finally:
        holder.kill()
        holder.wait()
