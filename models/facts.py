"""Everything the reports and exports read about a quarter, loaded once as plain records."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, true
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from core.domain import (
    CadreRecord,
    CompletionStatus,
    EnrolmentStatus,
    ImportKind,
    MessageKind,
    Quarter,
    Reject,
    SessionPlan,
    Track,
    TrackAssignment,
)
from core.families import FamilyTally
from core.roster_changes import Change, ChangeKind
from core.talks import PledgeInfo, TalkInfo
from models.cadres import quarter_roster, unit_names
from models.completions import completed_before, current_rows
from models.db import stored_utc
from models.education import as_plan
from models.families import family_facts
from models.placements import ProgrammeInfo, quarter_programmes
from models.roster import roster_changes
from models.tables import (
    Assignment,
    Cadre,
    Completion,
    EducationSession,
    Enrolment,
    FileImport,
    Message,
    QuarterCycle,
    RejectedRow,
)
from models.talks import talk_facts


@dataclass(frozen=True, slots=True)
class CompletionInfo:
    employee_id: str
    programme_code: str
    session_code: str | None
    status: CompletionStatus
    score: float | None
    hours: float | None
    source: str
    row: int
    attended_on: date | None = None
    collected_on: date | None = None  # the day its file was collected (its sheet was back)


@dataclass(frozen=True, slots=True)
class ReminderInfo:
    """A holiday reminder in the outbox: to whom, how it went, for which holiday, and when."""

    employee_id: str | None
    channel: str
    status: str
    expires_on: date | None  # the eve of its holiday: it is pointless after
    sent_at: datetime | None  # in UTC


@dataclass(frozen=True)
class QuarterData:
    """A quarter as stored: roster, tracks, programmes, sessions, completions, outbox counts."""

    quarter: Quarter
    as_of: date
    policy_name: str
    policy_sha256: str
    roster_sha256: str | None
    units: dict[str, str]
    cadres: list[CadreRecord]
    tracks: dict[str, dict[Track, TrackAssignment]]  # employee id → track → why
    programmes: list[ProgrammeInfo]
    sessions: list[SessionPlan]
    enrolments: list[tuple[str, str, str]]  # session code, employee id, status
    completions: list[CompletionInfo]  # current rows only, in import order
    messages: Counter[tuple[str | None, str, str]]  # (employee id, kind, status) → count
    rejects: list[Reject]  # the roster in force's and every completion file's
    done_before: set[tuple[str, str]] = field(default_factory=set)  # once-only programmes done
    roster_warnings: list[Any] = field(default_factory=list)  # of the roster in force, as stored
    changes: list[Change] = field(default_factory=list)  # every roster import's, in order
    reminders: list[ReminderInfo] = field(default_factory=list)  # holiday reminders
    talks: list[TalkInfo] = field(default_factory=list)  # due in the quarter or opened by it
    families: dict[str, FamilyTally] = field(default_factory=dict)  # unit code → counts
    pledges: list[PledgeInfo] = field(default_factory=list)  # the same, of commitment letters


TRACK_ORDER = {track.value: n for n, track in enumerate(Track)}


def load_quarter(
    *, session: Session, quarter: Quarter, units: Collection[str] | None = None
) -> QuarterData | None:
    """The stored quarter, or None when no cycle has run for it.

    With `units`, only the people of those units (cadres, tracks, enrolments, completions,
    messages): the reports load a province's quarter a part at a time. What belongs to the
    whole quarter (units, programmes, sessions, rejects, changes) is there either way.
    """
    cycle = session.get(QuarterCycle, quarter.label)
    if cycle is None:
        return None
    names = unit_names(session=session)

    def theirs(column: Any) -> Any:
        """Rows about the units' people: every row when no units are given."""
        if units is None:
            return true()
        return col(column).in_(
            select(Cadre.employee_id).where(
                Cadre.quarter == quarter.label, col(Cadre.unit_code).in_(list(units))
            )
        )

    tracks: dict[str, dict[Track, TrackAssignment]] = {}
    # Plain columns rather than ORM objects here and for completions: a province's quarter
    # has over 100,000 of each, and building entities was most of loading it.
    assigned = session.execute(
        sa_select(
            col(Assignment.employee_id),
            col(Assignment.track),
            col(Assignment.reason),
            col(Assignment.reason_code),
            col(Assignment.reason_params),
        ).where(col(Assignment.quarter) == quarter.label, theirs(Assignment.employee_id))
    )
    # Each person's tracks in the policy's order, whatever order the database gives them in.
    for who, track, reason, code, params in sorted(assigned, key=lambda row: TRACK_ORDER[row[1]]):
        tracks.setdefault(who, {})[Track(track)] = TrackAssignment(
            who, Track(track), reason, code, tuple((params or {}).items())
        )
    programmes = quarter_programmes(session=session, quarter=quarter)
    placed = (
        select(Enrolment.session_code, Enrolment.employee_id, Enrolment.status)
        .join(EducationSession, col(EducationSession.code) == col(Enrolment.session_code))
        .where(EducationSession.quarter == quarter.label)
    )
    if units is not None:
        # From the units' people to their places: as an IN list SQLite went through every
        # session's places instead (13 s for a part of a province, 0.06 s this way).
        placed = placed.join(
            Cadre,
            (col(Cadre.employee_id) == col(Enrolment.employee_id))
            & (Cadre.quarter == quarter.label),
        ).where(col(Cadre.unit_code).in_(list(units)))
    enrolments = list(session.exec(placed))
    enrolled: dict[str, set[str]] = {}
    for code, who, status in enrolments:
        if status == EnrolmentStatus.enrolled:
            enrolled.setdefault(code, set()).add(who)
    sessions = [
        as_plan(s, enrolled.get(s.code, set()))
        for s in session.exec(
            select(EducationSession)
            .where(EducationSession.quarter == quarter.label)
            .order_by(col(EducationSession.held_on), col(EducationSession.code))
        )
    ]
    completions = [
        CompletionInfo(who, programme, session_code, CompletionStatus(status), *rest)
        for who, programme, session_code, status, *rest in current_rows(
            session=session, quarter=quarter, about=theirs(Completion.employee_id)
        )
    ]
    # Counted by the database: the outbox is the largest table (5.5 million rows at a million).
    messages: Counter[tuple[str | None, str, str]] = Counter(
        {
            (employee_id, kind, status): count
            for employee_id, kind, status, count in session.exec(
                select(Message.employee_id, Message.kind, Message.status, func.count())
                .where(Message.quarter == quarter.label, theirs(Message.employee_id))
                .group_by(col(Message.employee_id), col(Message.kind), col(Message.status))
            )
        }
    )
    # Rosters replaced by a later one keep their rejects in the database, out of the way.
    in_force = (FileImport.kind != ImportKind.roster) | (FileImport.sha256 == cycle.roster_sha256)
    rejects = [
        Reject(
            r.row,
            r.column,
            r.reason,
            r.values,
            code=r.reason_code,
            params=r.reason_params,
            sheet=r.sheet,
            source=source,
            kept_from=r.kept_from,
        )
        for r, source in session.exec(
            select(RejectedRow, FileImport.source)
            .join(FileImport, col(FileImport.id) == col(RejectedRow.import_id))
            .where(FileImport.quarter == quarter.label, in_force)
            .order_by(col(FileImport.id), col(RejectedRow.id))
        )
    ]
    roster_import = session.exec(
        select(FileImport).where(
            FileImport.quarter == quarter.label,
            FileImport.kind == ImportKind.roster,
            FileImport.sha256 == cycle.roster_sha256,
        )
    ).first()
    reminders = [
        ReminderInfo(who, channel, status, occasion, sent_at and stored_utc(sent_at))
        for who, channel, status, occasion, sent_at in session.exec(
            select(  # type: ignore[call-overload]  # typed up to four columns only
                Message.employee_id,
                Message.channel,
                Message.status,
                Message.expires_on,
                Message.sent_at,
            ).where(
                Message.quarter == quarter.label,
                Message.kind == MessageKind.holiday_reminder,
                theirs(Message.employee_id),
            )
        )
    ]
    talks, pledges = talk_facts(session, quarter, units)
    cadres = quarter_roster(session=session, quarter=quarter, units=units)
    return QuarterData(
        quarter=quarter,
        as_of=cycle.as_of,
        policy_name=cycle.policy_name,
        policy_sha256=cycle.policy_sha256,
        roster_sha256=cycle.roster_sha256,
        units=names,
        cadres=cadres,
        tracks=tracks,
        programmes=programmes,
        sessions=sessions,
        enrolments=[(code, who, status) for code, who, status in enrolments],
        completions=completions,
        messages=messages,
        rejects=rejects,
        done_before=completed_before(
            session=session,
            quarter=quarter,
            programmes=[p.code for p in programmes if p.once],
            people=None if units is None else set(tracks),
        ),
        roster_warnings=list(roster_import.warnings) if roster_import else [],
        changes=[
            Change(
                c.employee_id,
                c.name,
                c.unit_code,
                ChangeKind(c.change),
                c.field,
                c.old,
                c.new,
                c.source_row,
            )
            for c in roster_changes(session=session, quarter=quarter)
        ],
        reminders=reminders,
        talks=talks,
        pledges=pledges,
        families=family_facts(session, quarter, {c.employee_id: c.unit_code for c in cadres}),
    )
