"""Programme places counted by standing: the one count every report table and chart shows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from policy.progress import Standing


@dataclass(frozen=True, slots=True)
class Tally:
    """Programme places by standing: what each count table of a report shows."""

    complete: int = 0
    scheduled: int = 0
    overdue: int = 0
    failed: int = 0
    excused: int = 0

    @property
    def required(self) -> int:
        return self.complete + self.scheduled + self.overdue + self.failed + self.excused

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
        return Tally(*(self.of(s) + other.of(s) for s in Standing))


def tally(standings: Iterable[Standing]) -> Tally:
    counts = Counter(standings)
    return Tally(*(counts[s] for s in Standing))
