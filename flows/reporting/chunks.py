"""Reports fanned out over workers, the pure part: which units go in which chunk, and what to
do with a chunk's flow run as the server last saw it. No Prefect and no database here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

ATTEMPTS = 3  # a chunk's runs before the reports run gives up on it


class Next(StrEnum):
    """What the parent does about a chunk after looking at its flow run."""

    wait = "wait"  # scheduled, or working and not past its deadline
    done = "done"
    again = "again"  # ended badly (crashed, failed, cancelled): run the chunk again
    stuck = "stuck"  # "running" past its deadline: mark the run crashed, then run it again


# Prefect's state types, as the API writes them.
_ENDED_BADLY = {"CRASHED", "FAILED", "CANCELLED"}
_WORKING = {"PENDING", "RUNNING", "CANCELLING", "PAUSED"}


def split_units(units: list[str], chunks: int) -> list[list[str]]:
    """The units in `chunks` runs of consecutive units, as even as they go (sizes differ by one
    at most), none empty: fewer chunks than asked when there are fewer units."""
    if chunks < 1:
        raise ValueError(f"chunks must be 1 or more, not {chunks}")
    count = min(chunks, len(units))
    size, extra = divmod(len(units), count) if count else (0, 0)
    groups, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        groups.append(units[start:end])
        start = end
    return groups


@dataclass(frozen=True, slots=True)
class ChunkSeen:
    """A chunk's flow run as the server last told it: its state type, and since when it has
    been taken by a worker (None while it waits for one)."""

    state: str
    working_since: datetime | None = None


def next_step(
    seen: ChunkSeen, *, now: datetime, deadline: timedelta, pending_deadline: timedelta
) -> Next:
    """What to do about a chunk's run. A run waiting for a worker is never stuck: it waits for
    one as long as any deployment run would. A run a worker took (Pending) and did not start
    within `pending_deadline` is stuck: its worker died in between, before the run sent any
    heartbeat, so Prefect's heartbeat automation never sees it. A run that has not ended
    after `deadline` is stuck too: its worker died without Prefect noticing (the heartbeat
    automation normally marks such a run crashed first; this is the parent's own bound)."""
    if seen.state == "COMPLETED":
        return Next.done
    if seen.state in _ENDED_BADLY:
        return Next.again
    if seen.state in _WORKING and seen.working_since is not None:
        waited = now - seen.working_since
        if waited > deadline or (seen.state == "PENDING" and waited > pending_deadline):
            return Next.stuck
    return Next.wait
