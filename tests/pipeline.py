"""Running the stages' tasks directly (task.fn()) on a small synthetic city, no Prefect server."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flows.cycle import classify_cadres, import_roster, schedule_sessions
from flows.messages import plan_messages
from lianjie.synthetic import HEADER, roster_rows, with_mistakes, write_csv

AS_OF = date(2026, 10, 1)
# Messages are dated on working days: the invitations of a cycle run on National Day go out on
# the first working day after the break.
SEND_ON = date(2026, 10, 8)
# Reports stand at a moment in the middle of the quarter: some sessions held, some still ahead.
REPORTED_AT = datetime(2026, 11, 20, 18, 36, tzinfo=ZoneInfo("Asia/Shanghai"))


def write_city(folder: Path, *, units: int = 4, per_unit: int = 12, seed: int = 2026) -> Path:
    rows = with_mistakes(roster_rows(units, per_unit, AS_OF, seed=seed))
    return write_csv(folder / f"roster-{seed}.csv", HEADER, rows)


def run_cycle(
    db_url: str,
    roster: Path,
    cards: Path,
    quarter: str = "2026Q4",
    as_of: date = AS_OF,
    *,
    accept_leavers: bool = False,
) -> dict[str, object]:
    """The cycle's stages in order, as the flow runs them."""
    imported = import_roster.fn(db_url, quarter, str(roster), None, as_of, accept_leavers)
    tracks = classify_cadres.fn(db_url, quarter, as_of)
    sessions = schedule_sessions.fn(db_url, quarter, as_of)
    messages = plan_messages.fn(db_url, quarter, as_of, "zh", "示范市", str(cards))
    return {"imported": imported, "tracks": tracks, "sessions": sessions, "messages": messages}
