"""Running the stages' tasks directly (task.fn()) on a small synthetic city, no Prefect server."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from core.domain import Language, Quarter
from core.settings import Settings
from flows.common import RunSettings
from flows.families import plan_family_letters, take_families
from flows.messages import plan_messages
from flows.placement import classify_cadres, schedule_sessions
from flows.roster import import_roster
from flows.talks import open_quarter_talks
from lianjie.synthetic import HEADER, roster_rows, with_mistakes, write_csv

AS_OF = date(2026, 10, 1)
# Messages are dated on working days: the invitations of a cycle run on National Day go out on
# the first working day after the break.
SEND_ON = date(2026, 10, 8)
# Reports stand at a moment in the middle of the quarter: some sessions held, some still ahead.
REPORTED_AT = datetime(2026, 11, 20, 18, 36, tzinfo=ZoneInfo("Asia/Shanghai"))
# The quarter the tests live in.
QUARTER = Quarter(2026, 4)


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
    families: Path | None = None,
    policy: Path | None = None,
) -> dict[str, object]:
    """The cycle's stages in order, as the flow runs them: the quarter's label read once."""
    period = Quarter.parse(quarter)
    # Greeting cards go to the run's data folder: `cards` is that folder's cards/.
    run = run_settings(db_url, data_dir=cards.parent)
    imported = import_roster.fn(
        run=run,
        quarter=period,
        roster=str(roster),
        policy_file=str(policy) if policy else None,
        as_of=as_of,
        accept_leavers=accept_leavers,
    ).leavers_confirmed()
    tracks = classify_cadres.fn(run=run, quarter=period, as_of=as_of)
    talks = open_quarter_talks.fn(run=run, quarter=period)
    sessions = schedule_sessions.fn(run=run, quarter=period, as_of=as_of)
    messages = plan_messages.fn(run=run, quarter=period, as_of=as_of)
    if families is not None:
        take_families.fn(run=run, quarter=period, file=str(families))
    letters = plan_family_letters.fn(run=run, quarter=period, as_of=as_of)
    return {
        "imported": imported,
        "tracks": tracks,
        "talks": talks,
        "sessions": sessions,
        "messages": messages,
        "families": letters,
    }


def run_settings(db_url: str, **changes: object) -> RunSettings:
    """The settings a flow run would hand its tasks, on this test's database."""
    if "lang" in changes:
        changes["lang"] = Language(str(changes["lang"]))
    return RunSettings.of(Settings()).model_copy(update={"db_url": db_url, **changes})


def prepared(  # type: ignore[no-untyped-def]
    db_url: str,
    out: Path,
    units: list[str] | None = None,
    lang: str = "zh",
    as_of: datetime = REPORTED_AT,
    quarter: Quarter = QUARTER,
):
    """The quarter's reports as the reports flow plans them at REPORTED_AT, nothing rendered:
    the units asked for, or all with the summary and the confidential list; (summary, job)
    pairs. Holds every report at once: for a few units."""
    from flows.reporting.parts import plan_reports, prepare_organisation, prepare_part, report_out

    run = run_settings(db_url, lang=lang)
    setting, units_in_parts = plan_reports.fn(
        run=run, quarter=quarter, units=units, out=str(out), as_of=as_of
    )
    parts = [
        prepare_part.fn(run=run, quarter=quarter, setting=setting, units=part)
        for part in units_in_parts
    ]
    planned = [report for part in parts for report in part.reports]
    if not units:
        planned += prepare_organisation.fn(run=run, quarter=quarter, setting=setting, parts=parts)
    return [(report_out(p), p.job) for p in planned]


def everyone_absent(
    db_url: str,
    folder: Path,
    *,
    held_by: date,
    on: date,
    leave: str | None = None,
    held_after: date = date.min,
) -> Path:
    """Every session held after `held_after` and by `held_by` (but those whose code holds
    `leave`) comes back on `on` with everyone in it absent, and the collect books their
    make-ups, as the daily collect would."""
    from flows.collect import import_completions
    from flows.makeups import offer_makeups
    from lianjie.synthetic import COMPLETION_HEADER
    from models.db import session_for
    from models.facts import load_quarter

    with session_for(db_url) as session:
        data = load_quarter(session=session, quarter=QUARTER)
    assert data is not None
    held = {
        s.code: s.held_on
        for s in data.sessions
        if held_after < s.held_on <= held_by and (leave is None or leave not in s.code)
    }
    rows = [
        [who, code, "", held[code].isoformat(), "缺席", "", "0"]
        for code, who, status in data.enrolments
        if status == "enrolled" and code in held
    ]
    sheet = write_csv(folder / f"absent-{held_by}-{on}.csv", COMPLETION_HEADER, rows)
    run = run_settings(db_url)
    import_completions.fn(run=run, quarter=QUARTER, file=str(sheet), on=on)
    offer_makeups.fn(run=run, quarter=QUARTER, as_of=on)
    return sheet


def counts(db_url: str) -> dict[str, int]:
    """Rows in each of the quarter's main tables: a run again must leave the same counts."""
    from sqlalchemy import func
    from sqlmodel import select

    from models.db import session_for
    from models.tables import Assignment, Cadre, EducationSession, Enrolment, Message, RejectedRow

    tables = (Cadre, Assignment, EducationSession, Enrolment, Message, RejectedRow)
    with session_for(db_url) as session:
        return {t.__name__: session.exec(select(func.count()).select_from(t)).one() for t in tables}
