"""quarterly-cycle: import the roster, classify, schedule, plan reminders, queue invitations."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, cast

from prefect import flow, task
from pydantic import BaseModel, computed_field
from sqlmodel import Session

from core.domain import CadreRecord, Change, ChangeKind, Quarter, Track
from core.exceptions import LianjieInputError
from flows.common import (
    UNSET,
    Day,
    FormLanguage,
    QuarterLabel,
    RejectOut,
    RosterSource,
    artifact_key,
    existing_file,
    expected_failures,
    given_day,
    lang_code,
    log,
    log_layout,
    one_at_a_time,
    parse_quarter,
    publish_table,
    quarter_policy,
    read_limits,
    reject_rows,
    settings,
    this_quarter,
    titled,
    today,
    waits_for_first_working_day,
    working_calendar,
)
from flows.messages import plan_messages
from flows.progress import stage
from intake.columns import ImportResult
from intake.database import is_database_source, read_source
from intake.roster import RosterResult, parse_roster
from models.db import rehearsal, rehearsing, session_for, utcnow
from models.education import (
    quarter_tracks,
    replace_assignments,
    store_programmes,
    store_schedule,
    stored_sessions,
)
from models.facts import completed_before
from models.outbox import cancel_messages, cancel_messages_to
from models.roster import quarter_roster, record_import, roster_records, store_roster
from models.tables import QuarterCycle
from policy.classify import classify_all, key_areas_of
from policy.confidentiality import shared_contact_warnings, shared_contacts
from policy.config import LoadedPolicy, Policy, load_policy
from policy.roster import (
    RosterDecision,
    decide_roster,
    missing_column_warnings,
    structure_warnings,
    too_many_leavers,
)
from policy.schedule import plan_sessions, seat_demand


class RosterChanges(BaseModel):
    """What a roster import changed, in words an operator reads: one line per person."""

    compared_with: str = ""  # "2026Q4's earlier roster", "2026Q3", or "" on the first roster
    joined: list[str] = []
    left: list[str] = []
    changed: list[str] = []
    kept: list[str] = []
    messages_cancelled: int = 0

    @classmethod
    def of(cls, decision: RosterDecision, *, quarter: str, cancelled: int) -> RosterChanges:
        def who(c: CadreRecord | Change) -> str:
            return f"{c.employee_id} {c.name} ({c.unit_code})"

        compared = decision.baseline
        return cls(
            compared_with=f"{quarter}'s earlier roster" if compared == quarter else compared,
            joined=[who(c) for c in decision.joined],
            left=[who(c) for c in decision.left],
            changed=[
                f"{who(c)}: {c.field} {c.before or '-'} → {c.after or '-'}"
                for c in decision.changes
                if c.change is ChangeKind.changed
            ],
            kept=[f"{k.employee_id}: {k.note}" for k in decision.kept],
            messages_cancelled=cancelled,
        )


class ImportSummary(BaseModel):
    """What a file import did, for the CLI, JSON output and artifacts."""

    source: str
    read: int
    accepted: int
    rejected: int
    already_imported: bool = False
    unknown_columns: list[str] = []
    description: list[str] = []  # the title lines above the header
    ignored_lines: list[str] = []  # totals, footers, repeated headers: not data, not rejects
    skipped_sheets: list[str] = []  # sheets with no table of this kind
    not_filled_in: list[str] = []  # sign-in sheet rows left without a status ("row 7: E0012")
    warnings: list[str] = []
    rejects: list[RejectOut] = []
    changes: RosterChanges | None = None

    @classmethod
    def of(
        cls,
        result: ImportResult[Any],
        *,
        already_imported: bool = False,
        warnings: list[str] | None = None,
        kept_from: dict[tuple[str, int], str] | None = None,
        changes: RosterChanges | None = None,
    ) -> ImportSummary:
        kept = kept_from or {}
        return cls(
            source=result.source,
            read=result.read,
            accepted=len(result.accepted),
            rejected=len(result.rejects),
            already_imported=already_imported,
            unknown_columns=result.unknown_columns,
            description=[line.text for line in result.description],
            ignored_lines=[str(line) for line in result.ignored_lines],
            skipped_sheets=result.skipped_sheets,
            not_filled_in=result.not_filled_in,
            warnings=warnings or [],
            rejects=[RejectOut.of(result.source, r, kept.get(r.at)) for r in result.rejects],
            changes=changes,
        )


class CycleSummary(BaseModel):
    """What a cycle did; the roster's counts and rejects also stand at the top, as the
    command line's --json contract asks of every import."""

    quarter: str
    as_of: date
    policy_sha256: str
    dry_run: bool = False
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

    @computed_field  # type: ignore[prop-decorator]
    @property
    def warnings(self) -> list[str]:
        return self.roster.warnings


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
                "attendance_counts": p.attendance_counts,
            }
            for p in loaded.policy.programmes
        ],
    )


@task
def import_roster(
    db_url: str,
    quarter: str,
    roster: str,
    policy_file: str | None,
    as_of: date,
    accept_leavers: bool = False,
    sheet: str = "",
) -> ImportSummary:
    """Read and validate the roster, then open the quarter and store cadres, units, changes and
    rejects in one transaction: a file that cannot be read, or looks partial, changes nothing."""
    logger = log()
    loaded = load_policy(Path(policy_file) if policy_file else None)
    config = settings()  # the HR database's URL is a secret: read here, never a parameter
    hr_url = config.hr_database_url.get_secret_value() if config.hr_database_url else None
    table = read_source(
        roster, hr_url=hr_url, own_url=db_url, sheet=sheet or None, limits=read_limits(config)
    )
    result = parse_roster(table)
    log_layout(logger, result)
    if not result.accepted:
        raise LianjieInputError(nothing_accepted(result))
    period = Quarter.parse(quarter)
    with session_for(db_url) as session:
        open_quarter(session=session, quarter=quarter, as_of=as_of, loaded=loaded)
        session.flush()
        cycle = session.get(QuarterCycle, quarter)
        assert cycle is not None
        # Only the roster in force is "already imported": going back to an earlier file is a change.
        already = cycle.roster_sha256 == table.sha256
        decision = decide_roster(
            accepted=result.accepted,
            rejects=result.rejects,
            rows=dict(
                zip((c.employee_id for c in result.accepted), result.accepted_rows, strict=True)
            ),
            current=(current := roster_records(session=session, quarter=quarter)),
            # Needed on a quarter's first roster, or to keep a rejected row's earlier record.
            previous=(
                roster_records(session=session, quarter=period.previous.label)
                if not current
                or any(
                    r.values.get("employee_id", "").strip() not in current for r in result.rejects
                )
                else {}
            ),
            quarter=quarter,
            previous_quarter=period.previous.label,
        )
        refusal = too_many_leavers(decision, max_share=loaded.policy.roster.max_leavers_share)
        # A dry run shows the leavers of a roster that would be refused, and says so.
        if refusal and not accept_leavers and not already and not rehearsing():
            raise LianjieInputError(f"{table.source}: {refusal}")
        warnings = [
            *([leavers_confirmed(refusal, accept_leavers)] if refusal else []),
            *result.header_hints,
            *missing_column_warnings(result.missing_columns, decision.cadres),
            *structure_warnings(decision.cadres),
            *shared_contact_warnings(shared_contacts(decision.cadres)),
        ]
        kept_from = {k.at: k.kept_from for k in decision.kept}
        cancelled = 0
        if already:
            logger.info("%s is the roster in force for %s; nothing changes", table.source, quarter)
        else:
            stored = store_roster(
                session=session,
                quarter=quarter,
                cadres=decision.cadres,
                changes=decision.changes,
                unit_key_areas=unit_key_areas(decision.cadres, loaded.policy),
                source=Path(table.source).name,
            )
            cancelled = cancel_messages_to(
                session=session,
                quarter=quarter,
                employee_ids=[c.employee_id for c in decision.left],
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
                kept_from=kept_from,
                warnings=warnings,
            )
            cycle.roster_sha256 = table.sha256
            session.add(cycle)
            logger.info(
                "roster stored: %s; %d unsent messages to leavers cancelled", stored, cancelled
            )
    for warning in [*warnings, *(k.note for k in decision.kept)]:
        logger.warning("%s", warning)
    if result.unknown_columns:
        logger.warning(
            "columns ignored (not in the roster contract): %s", ", ".join(result.unknown_columns)
        )
    logger.info(
        "roster %s: %d rows read, %d accepted, %d rejected (%d of them kept from an earlier "
        "record); %d joined, %d left",
        table.source,
        result.read,
        len(result.accepted),
        len(result.rejects),
        len(decision.kept),
        len(decision.joined),
        len(decision.left),
    )
    return ImportSummary.of(
        result,
        already_imported=already,
        warnings=warnings,
        kept_from=kept_from,
        changes=RosterChanges.of(decision, quarter=quarter, cancelled=cancelled),
    )


def leavers_confirmed(refusal: str, accept_leavers: bool) -> str:
    """The refusal as a warning: confirmed by the operator, or shown by a dry run."""
    facts = refusal.split(". Nothing was changed", maxsplit=1)[0]
    if rehearsing() and not accept_leavers:
        return f"a real run would refuse this roster without --accept-leavers: {facts}"
    return f"confirmed with --accept-leavers: {facts}"


def nothing_accepted(result: RosterResult) -> str:
    """Why a roster with no usable row is refused, with the first reasons to fix."""
    if not result.read:
        return f"{result.source} has a header but no rows: nothing was changed"
    first = "; ".join(f"{r.where}, {r.column}: {r.reason}" for r in result.rejects[:3])
    return (
        f"{result.source}: none of its {result.read} rows could be imported, so nothing was "
        f"changed. First problems: {first}"
    )


def unit_key_areas(cadres: list[CadreRecord], policy: Policy) -> dict[str, str]:
    """Key areas per unit, not per cadre: 400 units, not 100,000 pattern matches."""
    unit_names: dict[str, str] = {}
    for cadre in cadres:  # the first name given for a unit, as store_roster
        unit_names.setdefault(cadre.unit_code, cadre.unit_name)
    return {code: ",".join(key_areas_of(name, policy)) for code, name in unit_names.items()}


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
def schedule_sessions(db_url: str, quarter: str, as_of: date) -> dict[str, int]:
    """Enrol everyone each track requires in sessions on working days, within capacity."""
    period = Quarter.parse(quarter)
    with session_for(db_url) as session:
        _, loaded = quarter_policy(session=session, quarter=quarter)
        rules = loaded.policy
        calendar = working_calendar(settings(), period.starts_on, period.ends_on)
        first = max(
            period.starts_on, calendar.shift_working_days(as_of, rules.sessions.lead_working_days)
        )
        once = [p.code for p in rules.programmes if p.once]
        demand = seat_demand(
            quarter_tracks(session=session, quarter=quarter),
            rules,
            completed_before(session=session, quarter=quarter, programmes=once),
        )
        existing = stored_sessions(session=session, quarter=quarter)
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
            new_sessions=plan.new_sessions,
            enrolments=plan.enrolments,
            withdrawals=plan.withdrawals,
        )
        cancelled = cancel_messages(
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
        "messages_cancelled": cancelled,
    }


@flow(name="quarterly-cycle", log_prints=True)
@expected_failures
def quarterly_cycle(
    quarter: Annotated[QuarterLabel, titled("Quarter 季度")] = UNSET,
    roster: Annotated[RosterSource, titled("Roster file or HR database 花名册")] = "",
    policy: Annotated[str, titled("Policy file 施教政策")] = "",
    as_of: Annotated[Day, titled("Rules applied on 适用日期")] = UNSET,
    lang: Annotated[FormLanguage, titled("Language 语言")] = UNSET,
    dry_run: Annotated[bool, titled("Dry run: preview, change nothing 试运行")] = False,
    accept_leavers: Annotated[bool, titled("Confirm many leavers 确认大批人员离开")] = False,
    sheet: Annotated[str, titled("Sheet of the workbook 工作表")] = "",
    only_on_first_working_day: Annotated[
        bool, titled("Only on the month's first working day 仅在当月首个工作日运行")
    ] = False,
) -> CycleSummary:
    """Start a quarter: import the roster, classify cadres, schedule sessions, plan reminders.

    Args:
        quarter: The quarter to run, written YYYYQn, e.g. 2026Q4; empty means the current quarter.
        roster: Path of the roster file (.xlsx or .csv) on the machine that runs the flow, or an
            HR database of LIANJIE_HR_DATABASE_URL as hr:table=NAME or hr:query=SELECT …
            (one SELECT, read only); empty means LIANJIE_ROSTER.
        policy: Path of a policy TOML file; empty means LIANJIE_POLICY or the bundled defaults.
        as_of: The date the rules are applied on (newly promoted, discipline windows); empty: today.
            It must fall before the quarter's end.
        lang: Language of the messages and greeting cards; empty means LIANJIE_LANG (zh).
        dry_run: Read, validate, classify and plan, report what would change, and write nothing.
        accept_leavers: Confirm a roster that makes more than the policy's share of the
            quarter's cadres leave (refused otherwise, as a partial file would be).
        sheet: The one sheet of a workbook to read; empty means every sheet whose header
            matches the roster's columns.
        only_on_first_working_day: Do nothing unless today is the first working day of the
            month (the schedule fires on each of the quarter's first ten days and sets this).
    """
    config = settings()
    if only_on_first_working_day and (idle := waits_for_first_working_day(config, today(config))):
        return cast(CycleSummary, idle)
    period = parse_quarter(quarter, default=this_quarter(config))
    source = roster or str(config.roster or "")
    if not source.strip():
        raise LianjieInputError(
            "no roster: give one (a .xlsx or .csv file, or hr:table=NAME) or set LIANJIE_ROSTER"
        )
    roster_source = (
        source if is_database_source(source) else str(existing_file(source, "roster file"))
    )
    policy_file = policy or (str(config.policy) if config.policy else None)
    as_of_day = given_day(as_of) or max(today(config), period.starts_on)
    if as_of_day > period.ends_on:
        raise LianjieInputError(
            f"as-of date {as_of_day} is after {period.label} ended on {period.ends_on}: "
            f"run the quarter that contains it, or give a date within {period.label}"
        )
    language = lang_code(lang, config)

    policy_sha = load_policy(Path(policy_file) if policy_file else None).sha256
    # A dry run rehearses every stage in one transaction that is rolled back at the end.
    guard = rehearsal(config.db_url) if dry_run else one_at_a_time(config.db_url, period.label)
    with guard, stage("importing the roster", 4, key=f"cycle-{period.label}") as steps:
        imported = import_roster(
            config.db_url,
            period.label,
            roster_source,
            policy_file,
            as_of_day,
            accept_leavers,
            sheet.strip(),
        )
        steps.advance(doing="classifying cadres")
        tracks = classify_cadres(config.db_url, period.label, as_of_day)
        steps.advance(doing="scheduling sessions")
        sessions = schedule_sessions(config.db_url, period.label, as_of_day)
        steps.advance(doing="planning messages")
        messages = plan_messages(
            config.db_url,
            period.label,
            as_of_day,
            language,
            config.organisation,
            str(config.data_dir / "cards"),
            sms_signature=config.signature,
        )
        steps.advance(doing="quarter planned")
    summary = CycleSummary(
        quarter=period.label,
        as_of=as_of_day,
        policy_sha256=policy_sha,
        dry_run=dry_run,
        roster=imported,
        tracks=tracks,
        sessions=sessions,
        messages=messages,
    )
    if dry_run:
        log().info("dry run: nothing was stored, queued, cancelled or written")
    else:
        publish_cycle(summary)
    return summary


def publish_cycle(summary: CycleSummary) -> None:
    """The cycle's summary and the roster's rejects as tables in the Prefect UI."""
    rows = [
        {"what": "roster rows read", "count": summary.roster.read},
        {"what": "roster rows accepted", "count": summary.roster.accepted},
        {"what": "roster rows rejected", "count": summary.roster.rejected},
        # titles, totals and footers: not data, not rejects (their text stays off the server)
        {"what": "roster lines ignored (not data)", "count": len(summary.roster.ignored_lines)},
    ]
    if summary.roster.changes is not None:
        changes = summary.roster.changes
        rows += [
            {"what": f"roster: {what}", "count": len(getattr(changes, what))}
            for what in ("joined", "left", "changed", "kept")
        ]
        rows.append({"what": "messages to leavers cancelled", "count": changes.messages_cancelled})
    rows += [{"what": f"track {track}", "count": n} for track, n in summary.tracks.items()]
    rows += [{"what": f"sessions: {k}", "count": n} for k, n in summary.sessions.items()]
    rows += [{"what": f"messages: {k}", "count": n} for k, n in summary.messages.items()]
    publish_table(
        artifact_key("cycle", summary.quarter),
        rows,
        f"Quarterly cycle {summary.quarter} (as of {summary.as_of})",
    )
    publish_table(
        artifact_key("roster-warnings", summary.quarter),
        [{"warning": w} for w in summary.roster.warnings],
        f"Roster warnings in {summary.quarter}: tracks that could not be decided, units to check",
    )
    publish_table(
        artifact_key("roster-rejects", summary.quarter),
        reject_rows(summary.roster.rejects),
        f"Roster rows rejected in {summary.quarter}",
    )
