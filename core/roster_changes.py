"""What a roster import changed: who joined, left, changed or was kept."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ChangeKind(StrEnum):
    joined = "joined"
    left = "left"
    changed = "changed"
    kept = "kept"


@dataclass(frozen=True, slots=True)
class Change:
    """One line of what a roster import changed, as the `changes` export shows it."""

    employee_id: str
    name: str
    unit_code: str
    change: ChangeKind
    field: str = ""
    before: str | None = None
    after: str | None = None
    source_row: int | None = None
