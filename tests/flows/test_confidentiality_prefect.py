"""What Prefect's own database keeps of a quarter with admonition cadres (issue 37, item 3).

The operator's UI shows every run's name, tags and parameters, every task run's name, every
artifact (tables, markdown, progress) and every log line. The quarter is run here through the
real flows on a Prefect server: the cycle, the sign-in sheets of an admonition session's day,
the collect of a sheet that includes the admonition session, the dispatch that chases, and the
reports. Then everything the server stored for those runs is read back through its API and
searched for what would show the track: the programme, its code and sessions, the discipline
kinds, and any count of the track.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from core.domain import Quarter
from harness.factories import DISCIPLINE_KINDS, admonition_unit, write_roster
from harness.prefect_stored import flow_run_of, stored_for
from lianjie.synthetic import COMPLETION_HEADER, write_csv
from models.db import session_for
from models.facts import load_quarter
from models.tables import EscalationLog

KINDS = DISCIPLINE_KINDS
TELLTALES = [
    "警示教育",
    "Warning education",
    "-AD-",
    "admonition",
    "Admonition",
    "signs of violating discipline",
    "disciplined",
    *KINDS,
]


def roster(folder: Path) -> Path:
    return write_roster(folder / "roster.csv", admonition_unit())


@pytest.mark.slow
def test_prefects_database_shows_no_telltale(
    db_url: str, tmp_path: Path, prefect_harness: str
) -> None:
    from flows.collect import collect_completions
    from flows.cycle import quarterly_cycle
    from flows.dispatch import daily_dispatch
    from flows.reporting.accountability import accountability_reports
    from flows.sheets import sign_in_sheets

    runs = [
        flow_run_of(
            quarterly_cycle(
                quarter="2026Q4",
                roster=str(roster(tmp_path)),
                as_of=date(2026, 10, 1),
                return_state=True,
            )
        )
    ]
    with session_for(db_url) as session:
        data = load_quarter(session=session, quarter=Quarter(2026, 4))
    assert data is not None
    secret = next(s for s in data.sessions if s.programme_code == "AD")
    runs.append(
        flow_run_of(sign_in_sheets(quarter="2026Q4", day=secret.held_on, return_state=True))
    )
    # The sheets come back twice, the first round's and then the make-ups': the admonition
    # session's with one person left off, everyone else absent, so that the ladder climbs.
    returned: set[str] = set()
    day = date(2026, 10, 1)
    for round_no in range(2):
        with session_for(db_url) as session:
            data = load_quarter(session=session, quarter=Quarter(2026, 4))
        assert data is not None
        due = [s for s in data.sessions if s.code not in returned]
        rows = []
        for plan in due:
            for n, who in enumerate(sorted(plan.enrolled)):
                if plan is secret and n == 0:
                    continue
                rows.append([who, plan.code, "", str(plan.held_on), "缺席", "", "0"])
        returned |= {s.code for s in due}
        day = max(s.held_on for s in due) + timedelta(days=1)
        sheet = write_csv(tmp_path / f"sheets-{round_no}.csv", COMPLETION_HEADER, rows)
        runs.append(
            flow_run_of(
                collect_completions(
                    files=[str(sheet)], quarter="2026Q4", as_of=day, return_state=True
                )
            )
        )
        for later in (day + timedelta(days=n) for n in range(0, 21, 4)):
            runs.append(
                flow_run_of(daily_dispatch(date=later, allow_future=True, return_state=True))
            )
    with session_for(db_url) as session:
        chased = session.exec(select(EscalationLog)).all()
    assert {e.programme_code for e in chased} >= {"AD"}, "the admonition programme was chased"
    assert {e.level for e in chased} >= {1, 2}, "the ladder climbed to the team"
    runs.append(
        flow_run_of(
            accountability_reports(
                quarter="2026Q4",
                as_of=date(2026, 11, 20),
                out=str(tmp_path / "reports"),
                allow_future=True,
                return_state=True,
            )
        )
    )
    stored = stored_for(runs)
    assert stored["artifacts"] and stored["logs"]
    found = {
        where: [line for line in lines if any(word in line for word in TELLTALES)]
        for where, lines in stored.items()
    }
    assert not any(found.values()), json.dumps(found, ensure_ascii=False, indent=1)
