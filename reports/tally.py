"""Programme places counted by standing: the one count every report table and chart shows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, fields

# Where a place stands as a report counts it: the standings (policy.progress.Standing), and
# `held` between them, a place whose session was held on the report's day and whose sign-in
# sheet is not back yet. It is no longer still to attend, and not yet complete or missed.
HELD = "held"


@dataclass(frozen=True, slots=True)
class Tally:
    """Programme places by standing: what each count table of a report shows."""

    complete: int = 0
    held: int = 0
    scheduled: int = 0
    overdue: int = 0
    failed: int = 0
    excused: int = 0

    @property
    def required(self) -> int:
        return sum(self.of(column) for column in COLUMNS)

    @property
    def left(self) -> int:
        """Places not complete: work left, whatever its standing."""
        return self.required - self.complete

    @property
    def rate(self) -> float | None:
        return self.complete / self.required if self.required else None

    @property
    def percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate:.1%}"

    def of(self, standing: str) -> int:
        return int(getattr(self, standing))

    def __add__(self, other: Tally) -> Tally:
        return Tally(**{column: self.of(column) + other.of(column) for column in COLUMNS})


COLUMNS = tuple(f.name for f in fields(Tally))


def tally(standings: Iterable[str]) -> Tally:
    """Places counted by standing (a Standing, or HELD)."""
    counts = Counter(str(s) for s in standings)
    return Tally(**{column: counts[column] for column in COLUMNS})
