"""Two runs on one database take turns: the second waits, says so once, and goes on after."""

from __future__ import annotations

import threading
from pathlib import Path

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


def test_the_lock_file_sits_beside_the_database_and_memory_needs_none(tmp_path: Path) -> None:
    """A SQLite file's lock is a file next to it; an in-memory database has nobody to wait for."""
    path = lock_path(make_url(f"sqlite:///{tmp_path / 'lianjie.db'}"), "quarter-2026Q4")
    assert path is not None and path.parent == tmp_path
    assert path.name.startswith("lianjie.db.") and path.suffix == ".lock"
    assert None is lock_path(make_url("sqlite://"), "quarter-2026Q4")
    with exclusive("sqlite://", "quarter-2026Q4"), exclusive("sqlite://", "quarter-2026Q4"):
        pass


def test_advisory_keys_are_stable_signed_64_bit_numbers() -> None:
    """PostgreSQL knows a lock by a bigint: the same name always gives the same one."""
    key = lock_key("quarter-2026Q4")
    assert key == lock_key("quarter-2026Q4") != lock_key("quarter-2027Q1")
    assert -(2**63) <= key < 2**63
