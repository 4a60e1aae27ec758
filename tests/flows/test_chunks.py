"""Reports fanned out over workers, the pure part: units into chunks, and what the parent does
about a chunk's run as the server last saw it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.reporting.chunks import ChunkSeen, Next, next_step, split_units

NOW = datetime(2027, 1, 4, 9, 30, tzinfo=UTC)
HOUR = timedelta(hours=1)
MINUTES_5 = timedelta(minutes=5)


class TestSplitUnits:
    def test_forty_units_in_four_chunks_of_ten(self) -> None:
        """40 units in 4 chunks: 10 each, in their order."""
        units = [f"U{n:02}" for n in range(40)]
        chunks = split_units(units, 4)
        assert [10, 10, 10, 10] == [len(c) for c in chunks]
        assert units == [u for c in chunks for u in c]

    def test_uneven_sizes_differ_by_one_at_most(self) -> None:
        """10 units in 4 chunks: 3, 3, 2, 2."""
        assert [3, 3, 2, 2] == [len(c) for c in split_units(list("abcdefghij"), 4)]

    def test_fewer_units_than_chunks_makes_no_empty_chunk(self) -> None:
        """2 units in 4 chunks: two chunks of one."""
        assert [["a"], ["b"]] == split_units(["a", "b"], 4)

    def test_no_units_no_chunks(self) -> None:
        """No units: nothing to start."""
        assert [] == split_units([], 3)

    def test_zero_chunks_is_refused(self) -> None:
        """Zero chunks is a caller's mistake (0 means: render in the parent)."""
        with pytest.raises(ValueError, match="1 or more"):
            split_units(["a"], 0)

    @given(st.lists(st.text(max_size=3), unique=True, max_size=60), st.integers(1, 12))
    def test_every_unit_once_in_even_chunks(self, units: list[str], chunks: int) -> None:
        """Every unit in exactly one chunk, in order; no chunk empty; sizes differ by one."""
        split = split_units(units, chunks)
        assert units == [u for c in split for u in c]
        assert all(split)
        assert len(split) == min(chunks, len(units))
        if split:
            assert max(map(len, split)) - min(map(len, split)) <= 1


class TestNextStep:
    def test_completed_is_done(self) -> None:
        """A completed chunk is done, however long it took."""
        seen = ChunkSeen("COMPLETED", NOW - 5 * HOUR)
        assert Next.done == next_step(seen, now=NOW, deadline=HOUR, pending_deadline=MINUTES_5)

    @pytest.mark.parametrize("state", ["CRASHED", "FAILED", "CANCELLED"])
    def test_ended_badly_runs_again(self, state: str) -> None:
        """A crashed, failed or cancelled chunk is run again."""
        seen = ChunkSeen(state, NOW - timedelta(minutes=1))
        assert Next.again == next_step(seen, now=NOW, deadline=HOUR, pending_deadline=MINUTES_5)

    def test_running_within_deadline_waits(self) -> None:
        """A chunk running for less than its deadline is waited for."""
        seen = ChunkSeen("RUNNING", NOW - timedelta(minutes=59))
        assert Next.wait == next_step(seen, now=NOW, deadline=HOUR, pending_deadline=MINUTES_5)

    @pytest.mark.parametrize("state", ["RUNNING", "PENDING"])
    def test_taken_and_silent_past_deadline_is_stuck(self, state: str) -> None:
        """A chunk taken by a worker and not ended after its deadline is stuck."""
        seen = ChunkSeen(state, NOW - timedelta(minutes=61))
        assert Next.stuck == next_step(seen, now=NOW, deadline=HOUR, pending_deadline=MINUTES_5)

    def test_taken_but_not_started_past_its_bound_is_stuck(self) -> None:
        """A chunk a worker took and did not start within its bound is stuck (no heartbeat
        ever came: Prefect's automation cannot see it)."""
        seen = ChunkSeen("PENDING", NOW - timedelta(minutes=6))
        assert Next.stuck == next_step(seen, now=NOW, deadline=HOUR, pending_deadline=MINUTES_5)

    def test_running_past_the_pending_bound_waits(self) -> None:
        """The start bound is not the run's: a chunk running for 6 minutes is waited for."""
        seen = ChunkSeen("RUNNING", NOW - timedelta(minutes=6))
        assert Next.wait == next_step(seen, now=NOW, deadline=HOUR, pending_deadline=MINUTES_5)

    def test_waiting_for_a_worker_is_never_stuck(self) -> None:
        """A scheduled chunk waits for a worker as long as it takes."""
        seen = ChunkSeen("SCHEDULED")
        assert Next.wait == next_step(seen, now=NOW, deadline=HOUR, pending_deadline=MINUTES_5)
