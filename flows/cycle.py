"""quarterly-cycle: import the roster, classify, schedule, plan reminders, queue invitations."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

from prefect import flow, task
from pydantic import BaseModel, computed_field
from sqlmodel import Session

from flows.common import (
    RejectOut,
    artifact_key,
    as_plan,
    existing_file,
    log,
    one_at_a_time,
    parse_quarter,
    publish_table,
    quarter_policy,
    session_row,
    settings,
    this_quarter,
    titled,
    today,
)
from flows.messages import plan_messages
from intake.columns import ImportResult
from intake.read import is_database_source, read_source
from intake.roster import parse_roster
from models.db import session_for, utcnow
from models.domain import Language, Quarter, Track
from models.education import (
    quarter_tracks,
    replace_assignments,
    store_programmes,
    store_schedule,
    stored_sessions,
)
from models.facts import completed_before
from models.outbox import cancel_messages
from models.roster import find_import, quarter_roster, record_import, store_roster
from models.tables import QuarterCycle
from policy.calendar import calendar_for
from policy.classify import classify_all, key_areas_of
from policy.config import LoadedPolicy, Policy, load_policy
from policy.schedule import plan_sessions, seat_demand


class ImportSummary(BaseModel):
    """What a file import did, for the CLI, JSON output and artifacts."""

    source: str
    read: int
    accepted: int
    rejected: int
    already_imported: bool = False
    unknown_columns: list[str] = []
    rejects: list[RejectOut] = []

    @classmethod
    def of(cls, result: ImportResult[Any], *, already_imported: bool = False) -> ImportSummary:
        return cls(
            source=result.source,
            read=result.read,
            accepted=len(result.accepted),
            rejected=len(result.rejects),
            already_imported=already_imported,
            unknown_columns=result.unknown_columns,
            rejects=[RejectOut.of(result.source, r) for r in result.rejects],
        )


class CycleSummary(BaseModel):
    """What a cycle did; the roster's counts and rejects also stand at the top, as the
    command line's --json contract asks of every import."""

    quarter: str
    as_of: date
    policy_sha256: str
    roster: ImportSummary
    tracks: dict[str, int]
    sessions: dict[str, int]
    messages: dict[str, int]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def read(self) -> int:
        return self.roster.read

    @computed_field  # type: ignore[prop-decorator]
    @property
    def accepted(self) -> int:
        return self.roster.accepted

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rejected(self) -> int:
        return self.roster.rejected

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rejects(self) -> list[RejectOut]:
        return self.roster.rejects


def open_quarter(*, session: Session, quarter: str, as_of: date, loaded: LoadedPolicy) -> None:
    """Record the quarter with the policy in force (text and hash) and its programmes."""
    period = Quarter.parse(quarter)
    cycle = session.get(QuarterCycle, quarter) or QuarterCycle(
        label=quarter,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        as_of=as_of,
        policy_name="",
        policy_text="",
        policy_sha256="",
        created_at=utcnow(),
    )
    cycle.as_of, cycle.policy_name = as_of, f"{loaded.policy.name} v{loaded.policy.version}"
    cycle.policy_text, cycle.policy_sha256 = loaded.text, loaded.sha256
    session.add(cycle)
    store_programmes(
        session=session,
        rows=[
            {
                "quarter": quarter,
                "code": p.code,
                "track": p.track.value,
                "name_zh": p.name_zh,
                "name_en": p.name_en,
                "sessions_required": p.sessions_per_quarter,
                "duration_minutes": p.duration_minutes,
                "pass_mark": p.pass_mark,
                "confidential": p.confidential,
                "once": p.once,
                "joint_with": p.joint_with,
            }
            for p in loaded.policy.programmes
        ],
    )


@task
def import_roster(
    db_url: str, quarter: str, roster: str, policy_file: str | None, as_of: date
) -> ImportSummary:
    """Read and validate the roster, then open the quarter and store cadres, units, changes and
    rejects in one transaction: a file that cannot be read changes nothing."""
    logger = log()
    loaded = load_policy(Path(policy_file) if policy_file else None)
    table = read_source(roster)
    result = parse_roster(table)
    with session_for(db_url) as session:
        open_quarter(session=session, quarter=quarter, as_of=as_of, loaded=loaded)
        session.flush()
        earlier = find_import(session=session, quarter=quarter, kind="roster", sha256=table.sha256)
        if earlier is not None:
            logger.info("%s was already imported into %s; nothing changes", roster, quarter)
        else:
            # Key areas per unit, not per cadre: 400 units, not 100,000 pattern matches.
            unit_names: dict[str, str] = {}
            for cadre in result.accepted:  # the first name given for a unit, as store_roster
                unit_names.setdefault(cadre.unit_code, cadre.unit_name)
            areas = {
                code: ",".join(key_areas_of(name, loaded.policy))
                for code, name in unit_names.items()
            }
            stored = store_roster(
                session=session,
                quarter=quarter,
                previous=Quarter.parse(quarter).previous.label,
                cadres=result.accepted,
                unit_key_areas=areas,
            )
            record_import(
                session=session,
                quarter=quarter,
                kind="roster",
                source=table.source,
                sha256=table.sha256,
                read=result.read,
                accepted=len(result.accepted),
                rejects=result.rejects,
            )
            logger.info("roster stored: %s", stored)
        cycle = session.get(QuarterCycle, quarter)
        assert cycle is not None
        cycle.roster_sha256 = table.sha256
        session.add(cycle)
    if result.unknown_columns:
        logger.warning(
            "columns ignored (not in the roster contract): %s", ", ".join(result.unknown_columns)
        )
    logger.info(
        "roster %s: %d rows read, %d accepted, %d rejected",
        table.source,
        result.read,
        len(result.accepted),
        len(result.rejects),
    )
    return ImportSummary.of(result, already_imported=earlier is not None)


@task
def classify_cadres(db_url: str, quarter: str, as_of: date) -> dict[str, int]:
    """Put every cadre on the roster on their tracks, with reasons."""
    with session_for(db_url) as session:
        _, loaded = quarter_policy(session=session, quarter=quarter)
        cadres = quarter_roster(session=session, quarter=quarter)
        assignments = classify_all(cadres, loaded.policy, as_of)
        replace_assignments(session=session, quarter=quarter, assignments=assignments)
    counts = Counter(a.track.value for a in assignments)
    log().info("classified %d cadres: %s", len(cadres), dict(counts))
    return {track.value: counts[track.value] for track in Track}


def deadlines(policy: Policy, as_of: date) -> dict[str, date]:
    """Pre-appointment education is due within the policy's days of appearing on the track."""
    due = as_of + timedelta(days=policy.windows.newly_promoted_due_days)
    return {p.code: due for p in policy.programmes_for(Track.newly_promoted)}


@task
def schedule_sessions(
    db_url: str, quarter: str, as_of: date, calendar_overrides: str | None
) -> dict[str, int]:
    """Enrol everyone each track requires in sessions on working days, within capacity."""
    period = Quarter.parse(quarter)
    with session_for(db_url) as session:
        _, loaded = quarter_policy(session=session, quarter=quarter)
        rules = loaded.policy
        calendar = calendar_for(period.starts_on, period.ends_on, _path(calendar_overrides))
        first = max(
            period.starts_on, calendar.shift_working_days(as_of, rules.sessions.lead_working_days)
        )
        once = [p.code for p in rules.programmes if p.once]
        demand = seat_demand(
            quarter_tracks(session=session, quarter=quarter),
            rules,
            completed_before(session=session, quarter=quarter, programmes=once),
        )
        existing = [as_plan(s) for s in stored_sessions(session=session, quarter=quarter)]
        plan = plan_sessions(
            quarter=period,
            programmes=[p for p in rules.programmes if not p.joint_with],
            demand=demand,
            existing=existing,
            days=calendar.working_days(first, period.ends_on),
            rules=rules.sessions,
            deadlines=deadlines(rules, as_of),
        )
        store_schedule(
            session=session,
            quarter=quarter,
            new_sessions=[session_row(s) for s in plan.new_sessions],
            enrolments=plan.enrolments,
            withdrawals=plan.withdrawals,
        )
        cancel_messages(
            session=session,
            prefixes=[
                f"{kind}:{code}:{who}:"
                for code, who in plan.withdrawals
                for kind in ("invitation", "session_reminder")
            ],
        )
    logger = log()
    if calendar.is_estimated(period.year):
        logger.warning(
            "no official holiday notice for %d yet: working days are estimated; "
            "add the notice to the calendar override file",
            period.year,
        )
    if plan.unplaced:
        logger.warning(
            "%d enrolments could not be placed (no free working day left)", len(plan.unplaced)
        )
    logger.info(
        "scheduled %d new sessions, %d enrolments, %d withdrawals",
        len(plan.new_sessions),
        len(plan.enrolments),
        len(plan.withdrawals),
    )
    return {
        "new_sessions": len(plan.new_sessions),
        "enrolments": len(plan.enrolments),
        "withdrawals": len(plan.withdrawals),
        "unplaced": len(plan.unplaced),
    }


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


@flow(name="quarterly-cycle", log_prints=True)
def quarterly_cycle(
    quarter: Annotated[str, titled("Quarter 季度")] = "",
    roster: Annotated[str, titled("Roster file or HR database 花名册")] = "",
    policy: Annotated[str | None, titled("Policy file 施教政策")] = None,
    as_of: Annotated[date | None, titled("Rules applied on 适用日期")] = None,
    lang: Annotated[Language | None, titled("Language 语言")] = None,
) -> CycleSummary:
    """Start a quarter: import the roster, classify cadres, schedule sessions, plan reminders.

    Args:
        quarter: The quarter to run, written YYYYQn, e.g. 2026Q4; empty means the current quarter.
        roster: Path of the roster file (.xlsx or .csv) on the machine that runs the flow, or an
            HR database as URL#table=NAME or URL#query=SELECT…; empty means LIANJIE_ROSTER.
        policy: Path of a policy TOML file; empty means LIANJIE_POLICY or the bundled defaults.
        as_of: The date the rules are applied on (newly promoted, discipline windows); empty: today.
        lang: Language of the messages and greeting cards; empty means LIANJIE_LANG (zh).
    """
    config = settings()
    period = parse_quarter(quarter, default=this_quarter(config))
    source = roster or str(config.roster or "")
    roster_source = (
        source if is_database_source(source) else str(existing_file(source, "roster file"))
    )
    policy_file = policy or (str(config.policy) if config.policy else None)
    as_of = as_of or max(today(config), period.starts_on)
    language = (lang or config.lang).value
    overrides = str(config.calendar_overrides) if config.calendar_overrides else None

    policy_sha = load_policy(Path(policy_file) if policy_file else None).sha256
    with one_at_a_time(config.db_url, period.label):
        imported = import_roster(config.db_url, period.label, roster_source, policy_file, as_of)
        tracks = classify_cadres(config.db_url, period.label, as_of)
        sessions = schedule_sessions(config.db_url, period.label, as_of, overrides)
        messages = plan_messages(
            config.db_url,
            period.label,
            as_of,
            language,
            config.organisation,
            str(config.reports_dir / "cards"),
            overrides,
        )
    summary = CycleSummary(
        quarter=period.label,
        as_of=as_of,
        policy_sha256=policy_sha,
        roster=imported,
        tracks=tracks,
        sessions=sessions,
        messages=messages,
    )
    publish_cycle(summary)
    return summary


def publish_cycle(summary: CycleSummary) -> None:
    """The cycle's summary and the roster's rejects as tables in the Prefect UI."""
    rows = [
        {"what": "roster rows read", "count": summary.roster.read},
        {"what": "roster rows accepted", "count": summary.roster.accepted},
        {"what": "roster rows rejected", "count": summary.roster.rejected},
    ]
    rows += [{"what": f"track {track}", "count": n} for track, n in summary.tracks.items()]
    rows += [{"what": f"sessions: {k}", "count": n} for k, n in summary.sessions.items()]
    rows += [{"what": f"messages: {k}", "count": n} for k, n in summary.messages.items()]
    publish_table(
        artifact_key("cycle", summary.quarter),
        rows,
        f"Quarterly cycle {summary.quarter} (as of {summary.as_of})",
    )
    publish_table(
        artifact_key("roster-rejects", summary.quarter),
        [r.model_dump() for r in summary.roster.rejects],
        f"Roster rows rejected in {summary.quarter}",
    )
