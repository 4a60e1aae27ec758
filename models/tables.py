"""SQLModel tables: what the pipeline keeps between runs and across quarters."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, Column, Index, Table, UniqueConstraint
from sqlmodel import AutoString, Field, SQLModel

from core.domain import (
    Channel,
    CompletionStatus,
    DisciplineStatus,
    EnrolmentStatus,
    ImportKind,
    LeadershipRole,
    MessageKind,
    MessageStatus,
    Rank,
    ReportKind,
    Track,
)
from core.roster_changes import ChangeKind


class Unit(SQLModel, table=True):
    """An organisational unit; upserted by code from every roster."""

    code: str = Field(primary_key=True)
    name: str
    parent_code: str | None = None
    key_areas: str = ""  # money/affairs/people, comma separated, inferred from the name by policy


class QuarterCycle(SQLModel, table=True):
    """A quarter's cycle with the policy and roster it was run with."""

    __tablename__ = "quarter"

    label: str = Field(primary_key=True)  # 2026Q4
    starts_on: date
    ends_on: date
    as_of: date
    policy_name: str
    policy_text: str
    policy_sha256: str
    roster_sha256: str | None = None
    status: str = "open"
    created_at: datetime


class Cadre(SQLModel, table=True):
    """A cadre as the quarter's roster gives them; earlier quarters keep their own rows."""

    __table_args__ = (Index("ix_cadre_quarter_unit", "quarter", "unit_code"),)

    quarter: str = Field(primary_key=True)
    employee_id: str = Field(primary_key=True)
    name: str
    unit_code: str
    post: str
    rank: Rank | None = Field(default=None, sa_type=AutoString)
    leadership_role: LeadershipRole = Field(default=LeadershipRole.none, sa_type=AutoString)
    in_charge_of: str = ""  # unit codes joined by ";"
    party_member: bool | None = None
    appointed_on: date | None = None
    reserve_cadre: bool = False
    discipline_status: DisciplineStatus = Field(default=DisciplineStatus.none, sa_type=AutoString)
    discipline_kind: str | None = None  # as the roster wrote it: 谈话函询, 党纪处分 …
    discipline_on: date | None = None
    key_post: bool | None = None
    phone: str | None = None
    email: str | None = None
    wecom_user_id: str | None = None  # 企业微信账号: work notices in WeCom
    dingtalk_user_id: str | None = None  # 钉钉账号: work notices in DingTalk
    on_roster: bool = True  # False once a later import of the same quarter no longer lists them


class RosterChange(SQLModel, table=True):
    """What one roster import changed: who joined, left or changed, and who was kept.

    A log, not a state: roster A, then B, then A again records each step, in order.
    """

    __tablename__ = "roster_change"

    id: int | None = Field(default=None, primary_key=True)
    quarter: str = Field(index=True)
    employee_id: str
    name: str = ""  # as the roster had them: a leaver has no row in the quarter to look up
    unit_code: str = ""
    change: ChangeKind = Field(sa_type=AutoString)
    field: str = ""
    old: str | None = None
    new: str | None = None
    source: str = ""  # the roster file (or HR source) that made the change
    source_row: int | None = None  # the row of that file, for joined, changed and kept


class FileImport(SQLModel, table=True):
    """One roster or completion file read into a quarter, recognised by its content hash."""

    __tablename__ = "file_import"
    __table_args__ = (UniqueConstraint("quarter", "kind", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    quarter: str = Field(index=True)
    kind: ImportKind = Field(sa_type=AutoString)
    source: str
    sha256: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    imported_at: datetime
    # The day the run collected it (its --as-of): a returned sheet settles its session from then.
    collected_on: date | None = None
    # What the operator must know about the file: columns missing that decide tracks, a header
    # that looks mistyped, a unit left without a top leader.
    # each {code, params, text} (policy/roster_warnings.py); a plain text if stored before 0.6.5
    warnings: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class RejectedRow(SQLModel, table=True):
    """A row that was not imported, kept for review with its raw values."""

    __tablename__ = "rejected_row"

    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="file_import.id", index=True)
    row: int
    column: str
    reason: str
    values: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON))
    kept_from: str | None = None  # the cadre's earlier record stayed in force (where it came from)
    reason_code: str = ""  # intake/reasons.py: reports translate the reason from it
    reason_params: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON))
    sheet: str = ""  # named when a workbook's data spans several sheets


class Assignment(SQLModel, table=True):
    """A cadre on a track for a quarter, and why."""

    __table_args__ = (UniqueConstraint("quarter", "employee_id", "track"),)

    id: int | None = Field(default=None, primary_key=True)
    quarter: str = Field(index=True)
    employee_id: str
    track: Track = Field(sa_type=AutoString)
    reason: str  # in English, for logs and exports
    reason_code: str = ""  # policy/classify.py REASONS: documents word the reason from it
    reason_params: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON))


class Programme(SQLModel, table=True):
    """An education programme as the quarter's policy defined it."""

    quarter: str = Field(primary_key=True)
    code: str = Field(primary_key=True)
    track: Track = Field(sa_type=AutoString)
    name_zh: str
    name_en: str
    sessions_required: int
    duration_minutes: int
    pass_mark: float | None = None
    confidential: bool = False
    once: bool = False  # required until completed once, in any quarter
    joint_with: str | None = None  # its people sit in that programme's sessions
    attendance_counts: bool = False  # with a pass mark, attending without a score completes it


class EducationSession(SQLModel, table=True):
    """A scheduled education session; its code is printed on invitations and sign-in sheets."""

    __tablename__ = "session"
    __table_args__ = (Index("ix_session_quarter_programme", "quarter", "programme_code"),)

    code: str = Field(primary_key=True)  # 26Q4-IO-03
    quarter: str
    programme_code: str
    round_no: int = 1
    held_on: date
    starts_at: time
    venue: str
    capacity: int
    makeup: bool = False


class Enrolment(SQLModel, table=True):
    """A cadre expected at a session."""

    __table_args__ = (UniqueConstraint("session_code", "employee_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_code: str = Field(foreign_key="session.code", index=True)
    employee_id: str = Field(index=True)
    status: EnrolmentStatus = Field(default=EnrolmentStatus.enrolled, sa_type=AutoString)


class Completion(SQLModel, table=True):
    """A row of completion data; a later row for the same person and session supersedes it."""

    __table_args__ = (
        UniqueConstraint("import_id", "source_row"),
        Index("ix_completion_quarter_person", "quarter", "employee_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    quarter: str
    employee_id: str
    programme_code: str
    session_code: str | None = None
    status: CompletionStatus = Field(sa_type=AutoString)
    attended_on: date | None = None
    score: float | None = None
    hours: float | None = None
    import_id: int = Field(foreign_key="file_import.id")
    source: str
    source_row: int
    superseded: bool = False


class Message(SQLModel, table=True):
    """A message in the outbox; its send key makes planning and sending happen once."""

    __table_args__ = (Index("ix_message_due", "status", "due_on"),)

    id: int | None = Field(default=None, primary_key=True)
    send_key: str = Field(unique=True)
    quarter: str = Field(index=True)
    kind: MessageKind = Field(sa_type=AutoString)
    channel: Channel = Field(sa_type=AutoString)
    recipient: str
    employee_id: str | None = None
    subject: str
    body: str
    attachment: str | None = None
    due_on: date
    expires_on: date | None = None  # a holiday reminder is pointless after the holiday
    status: MessageStatus = Field(default=MessageStatus.queued, sa_type=AutoString)
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: datetime | None = None
    sent_at: datetime | None = None
    # A text message's way out: the route that took it (core.domain.Route), its place in the
    # recipient's order (moved on when a provider refuses the account or a receipt says not
    # delivered), and the provider's own id for the receipt.
    route: str | None = None
    route_index: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    provider_ref: str | None = None
    # A text message's template parameters (JSON), for the providers that take no free text.
    params: str | None = None


class EscalationLog(SQLModel, table=True):
    """That a cadre's overdue programme was chased at a level, and in which message."""

    __tablename__ = "escalation"
    __table_args__ = (UniqueConstraint("quarter", "employee_id", "programme_code", "level"),)

    id: int | None = Field(default=None, primary_key=True)
    quarter: str = Field(index=True)
    employee_id: str
    programme_code: str
    level: int  # 1 the cadre, 2 the team member in charge, 3 the top leader
    send_key: str
    on: date


class Report(SQLModel, table=True):
    """A rendered PDF: which quarter and unit, where it is and its hash."""

    quarter: str = Field(primary_key=True)
    unit_code: str = Field(primary_key=True)  # "" for organisation-wide reports
    kind: ReportKind = Field(primary_key=True, sa_type=AutoString)
    lang: str = Field(primary_key=True)
    path: str
    sha256: str
    generated_at: datetime


class RecordAccess(SQLModel, table=True):
    """That someone produced a cadre's record (`record`), or read (`download`) or was refused
    (`refused`) a document on the reports site: who, when, about whom, how much."""

    __tablename__ = "record_access"

    id: int | None = Field(default=None, primary_key=True)
    employee_id: str = Field(index=True)  # "" for a report about a unit or the organisation
    os_user: str  # the site's account as web:NAME
    produced_at: datetime
    confidential: bool
    path: str
    action: str = "record"


def table_of(model: type[SQLModel]) -> Table:
    """A model's table, for reads and writes that go by columns, not entities."""
    return model.__table__  # type: ignore[attr-defined,no-any-return]
