"""The roster's part of the cycle: read the file, decide what it changes, store that."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from prefect import task
from sqlmodel import Session

from core.domain import ImportKind, Quarter
from core.exceptions import LeaversToConfirm, LianjieInputError
from flows.artifacts import ImportSummary, RosterChanges, log_layout
from flows.common import RunSettings, log, settings
from intake.database import read_source
from intake.hr_database import HrTimeouts
from intake.roster import RosterResult, parse_roster
from models.cadres import roster_records
from models.db import rehearsing, session_for, utcnow
from models.education import store_programmes
from models.outbox import cancel_messages_to
from models.roster import record_import, store_roster
from models.tables import QuarterCycle
from policy.classify import unit_key_areas
from policy.config import LoadedPolicy, load_policy
from policy.roster import RosterDecision, decide_roster, judge_roster
from policy.roster_warnings import RosterWarning


@task(persist_result=False)
def import_roster(
    *,
    run: RunSettings,
    quarter: Quarter,
    roster: str,
    policy_file: str | None,
    as_of: date,
    accept_leavers: bool = False,
    sheet: str = "",
) -> ImportSummary:
    """Read and validate the roster, then open the quarter and store cadres, units, changes and
    rejects in one transaction: a file that cannot be read, or looks partial, changes nothing."""
    loaded = load_policy(Path(policy_file) if policy_file else None)
    result, sha256 = read_roster(run=run, roster=roster, sheet=sheet)
    try:
        return stored_roster(run, quarter, result, sha256, loaded, as_of, accept_leavers)
    except LeaversToConfirm as asked:
        # Nothing was stored. A question for the operator, not a failed task: the flow asks it.
        return ImportSummary.of(result, to_confirm=(str(asked), asked.facts))


def stored_roster(
    run: RunSettings,
    quarter: Quarter,
    result: RosterResult,
    sha256: str,
    loaded: LoadedPolicy,
    as_of: date,
    accept_leavers: bool,
) -> ImportSummary:
    """The roster judged and, unless refused, stored with the quarter it opens, in one
    transaction."""
    with session_for(run.db_url) as session:
        cycle = open_quarter(session=session, quarter=quarter, as_of=as_of, loaded=loaded)
        # Only the roster in force is "already imported": going back to an earlier file is a change.
        already = cycle.roster_sha256 == sha256
        decision = roster_decision(session=session, quarter=quarter, result=result)
        verdict = judge_roster(
            decision,
            max_leavers_share=loaded.policy.roster.max_leavers_share,
            accept_leavers=accept_leavers,
            rehearsal=rehearsing(),
            already_in_force=already,
            header_hints=result.header_hints,
            missing_columns=result.missing_columns,
        )
        if verdict.refusal and verdict.leavers:  # the one refusal: too many leavers
            raise LeaversToConfirm(f"{result.source}: {verdict.refusal}", verdict.leavers)
        verdict.warnings.extend(calendar_warnings(run, quarter))
        cancelled = 0
        if already:
            log().info("%s is the roster in force for %s; nothing changes", result.source, quarter)
        else:
            cancelled = store_decision(
                session=session,
                quarter=quarter,
                cycle=cycle,
                result=result,
                decision=decision,
                loaded=loaded,
                sha256=sha256,
                warnings=verdict.warnings,
            )
    log_outcome(result=result, decision=decision, warnings=verdict.warnings)
    return ImportSummary.of(
        result,
        already_imported=already,
        warnings=verdict.warnings,
        kept_from={k.at: k.kept_from for k in decision.kept},
        changes=RosterChanges.of(decision, quarter=quarter, cancelled=cancelled),
    )


# Holiday reminders look this far past the quarter's end (New Year, the Spring Festival).
REMINDERS_AHEAD = timedelta(days=60)


def calendar_warnings(run: RunSettings, quarter: Quarter) -> list[RosterWarning]:
    """A warning when the quarter's working days or its holidays ahead rest on a year with no
    official notice yet: an estimate is not stated as fact."""
    last = quarter.ends_on + REMINDERS_AHEAD
    calendar = run.calendar(quarter.starts_on, last)
    years = sorted({quarter.starts_on.year, last.year})
    estimated = [str(y) for y in years if calendar.is_estimated(y)]
    return [RosterWarning.of("estimated_calendar", years=", ".join(estimated))] if estimated else []


def read_roster(*, run: RunSettings, roster: str, sheet: str) -> tuple[RosterResult, str]:
    """The roster's accepted and rejected rows and the file's hash; a roster with no usable
    row is refused before anything is opened."""
    # A large roster takes a while to read: with debug logging, one sees it has begun (at INFO
    # it would be a second line beside a bad file's one-line refusal).
    log().debug("reading the roster %s", roster if roster.startswith("hr:") else Path(roster).name)
    # The HR database's URL is a secret: read here from the settings, never a parameter.
    config = settings()
    hr_url = config.hr_database_url
    table = read_source(
        roster,
        hr_url=hr_url.get_secret_value() if hr_url else None,
        own_url=run.db_url,
        sheet=sheet or None,
        limits=run.read_limits,
        timeouts=HrTimeouts(config.hr_statement_timeout_seconds, config.hr_idle_timeout_seconds),
    )
    result = parse_roster(table)
    log_layout(log(), result)
    if not result.accepted:
        raise LianjieInputError(nothing_accepted(result))
    return result, table.sha256


def roster_decision(*, session: Session, quarter: Quarter, result: RosterResult) -> RosterDecision:
    """What the roster changes against the quarter's current cadres (or the previous
    quarter's, on a quarter's first roster or to keep a rejected row's earlier record)."""
    current = roster_records(session=session, quarter=quarter)
    needs_previous = not current or any(
        r.values.get("employee_id", "").strip() not in current for r in result.rejects
    )
    return decide_roster(
        accepted=result.accepted,
        rejects=result.rejects,
        rows=dict(zip((c.employee_id for c in result.accepted), result.accepted_rows, strict=True)),
        current=current,
        previous=roster_records(session=session, quarter=quarter.previous)
        if needs_previous
        else {},
        quarter=quarter,
    )


def store_decision(
    *,
    session: Session,
    quarter: Quarter,
    cycle: QuarterCycle,
    result: RosterResult,
    decision: RosterDecision,
    loaded: LoadedPolicy,
    sha256: str,
    warnings: list[RosterWarning],
) -> int:
    """Store the roster's cadres, changes and rejects; cancel what was unsent to leavers.
    Returns how many messages were cancelled."""
    stored = store_roster(
        session=session,
        quarter=quarter,
        cadres=decision.cadres,
        changes=decision.changes,
        unit_key_areas=unit_key_areas(decision.cadres, loaded.policy),
        source=Path(result.source).name,
    )
    cancelled = cancel_messages_to(
        session=session, quarter=quarter, employee_ids=[c.employee_id for c in decision.left]
    )
    record_import(
        session=session,
        quarter=quarter,
        kind=ImportKind.roster,
        source=result.source,
        sha256=sha256,
        read=result.read,
        accepted=len(result.accepted),
        rejects=result.rejects,
        kept_from={k.at: k.kept_from for k in decision.kept},
        warnings=[w.stored() for w in warnings],
    )
    cycle.roster_sha256 = sha256
    session.add(cycle)
    log().info("roster stored: %s; %d unsent messages to leavers cancelled", stored, cancelled)
    return cancelled


def log_outcome(
    *, result: RosterResult, decision: RosterDecision, warnings: list[RosterWarning]
) -> None:
    logger = log()
    for warning in [*map(str, warnings), *(k.note for k in decision.kept)]:
        logger.warning("%s", warning)
    if result.unknown_columns:
        logger.warning(
            "columns ignored (not in the roster contract): %s", ", ".join(result.unknown_columns)
        )
    logger.info(
        "roster %s: %d rows read, %d accepted, %d rejected (%d of them kept from an earlier "
        "record); %d joined, %d left",
        result.source,
        result.read,
        len(result.accepted),
        len(result.rejects),
        len(decision.kept),
        len(decision.joined),
        len(decision.left),
    )


def nothing_accepted(result: RosterResult) -> str:
    """Why a roster with no usable row is refused, with the first reasons to fix."""
    if not result.read:
        return f"{result.source} has a header but no rows: nothing was changed"
    first = "; ".join(f"{r.where}, {r.column}: {r.reason}" for r in result.rejects[:3])
    return (
        f"{result.source}: none of its {result.read} rows could be imported, so nothing was "
        f"changed. First problems: {first}"
    )


def open_quarter(
    *, session: Session, quarter: Quarter, as_of: date, loaded: LoadedPolicy
) -> QuarterCycle:
    """Record the quarter with the policy in force (text and hash) and its programmes."""
    cycle = session.get(QuarterCycle, quarter.label) or QuarterCycle(
        label=quarter.label,
        starts_on=quarter.starts_on,
        ends_on=quarter.ends_on,
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
                "quarter": quarter.label,
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
                "attendance_counts": p.attendance_counts,
            }
            for p in loaded.policy.programmes
        ],
    )
    return cycle
