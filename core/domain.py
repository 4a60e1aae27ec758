"""Plain domain records shared by intake, policy, delivery and reports (no database, no Prefect)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from enum import StrEnum
from typing import NamedTuple, Protocol

# A quarter written YYYYQn: read by Quarter.parse, and the Run form's pattern for the field.
QUARTER_LABEL = r"^(\d{4})Q([1-4])$"
QUARTER_PATTERN = re.compile(QUARTER_LABEL)


class Language(StrEnum):
    zh = "zh"
    en = "en"


class Bilingual(Protocol):
    """A thing named in both languages: a programme, a holiday."""

    @property
    def name_zh(self) -> str: ...
    @property
    def name_en(self) -> str: ...


def name_in(thing: Bilingual, lang: str) -> str:
    """The name a reader of `lang` reads."""
    return thing.name_zh if lang == Language.zh else thing.name_en


class Rank(StrEnum):
    bureau = "bureau"
    division = "division"
    section = "section"
    staff = "staff"


class LeadershipRole(StrEnum):
    top_leader = "top_leader"
    team_member = "team_member"
    none = "none"


class DisciplineStatus(StrEnum):
    none = "none"
    signs = "signs"
    disciplined = "disciplined"


class Track(StrEnum):
    top_leader = "top_leader"
    team_member = "team_member"
    in_office = "in_office"
    newly_promoted = "newly_promoted"
    reserve = "reserve"
    admonition = "admonition"
    non_party = "non_party"
    key_area = "key_area"


class MessageKind(StrEnum):
    invitation = "invitation"
    session_reminder = "session_reminder"
    holiday_reminder = "holiday_reminder"
    escalation = "escalation"
    withdrawal = "withdrawal"  # a place taken away after its invitation went out
    report = "report"
    sign_in_sheet = "sign_in_sheet"  # to whoever organises a session
    not_recorded = "not_recorded"  # to the same: who its returned sheet left out
    talk_reminder = "talk_reminder"  # to a talker: talks not held by their day
    family_letter = "family_letter"  # to a cadre's consenting family member, before a holiday


# What a cycle plans for everyone on the roster: the kinds its summary counts one by one.
PLANNED_KINDS = (MessageKind.invitation, MessageKind.session_reminder, MessageKind.holiday_reminder)


class ReportKind(StrEnum):
    """Which report a PDF is; the report register's kind column holds these words."""

    unit = "unit"  # a unit's, for its leadership team
    summary = "summary"  # the organisation department's
    confidential = "confidential"  # the admonition list, for the discipline inspection body
    annual = "annual"  # the year's


class ImportKind(StrEnum):
    """What a file read into a quarter held; the file register's kind column holds these."""

    roster = "roster"
    completions = "completions"
    talks = "talks"  # a talk register handed back
    family_slips = "family_slips"  # families' return slips (回执), as the office lists them


class Channel(StrEnum):
    email = "email"
    sms = "sms"


class Route(StrEnum):
    """The service a text message goes through: a work notice in WeCom or DingTalk, a template
    SMS through Aliyun or Tencent Cloud, or the plain SMS gateway (or the file outbox)."""

    wecom = "wecom"
    dingtalk = "dingtalk"
    aliyun_sms = "aliyun_sms"
    tencent_sms = "tencent_sms"
    sms_gateway = "sms_gateway"


class MessageStatus(StrEnum):
    """Where a message in the outbox stands; the outbox's status column holds these words."""

    queued = "queued"
    retrying = "retrying"  # a channel failed for now: tried again at next_attempt_at
    sending = "sending"  # claimed by a dispatch; a crash leaves it to be reclaimed
    sent = "sent"  # handed to a channel that gives no receipt (SMTP, the gateway, a file)
    accepted = "accepted"  # taken by a provider whose receipt is still to come
    delivered = "delivered"  # the provider's receipt (or its answer) says it reached them
    failed = "failed"  # gave up: attempts used, or a permanent refusal
    expired = "expired"  # its day passed before it could go
    cancelled = "cancelled"  # no longer wanted (a leaver, a withdrawn place); may be queued again
    held = "held"  # never sent: confidential wording to a shared address (see last_error)


# A message that reached its reader, as far as anyone can know: confirmed by the provider's
# receipt, or handed to a channel that gives none. Reports count these, never `accepted`.
REACHED = (MessageStatus.sent, MessageStatus.delivered)


class EnrolmentStatus(StrEnum):
    enrolled = "enrolled"
    withdrawn = "withdrawn"  # the place was taken away; the row stays so it can come back


class CompletionStatus(StrEnum):
    attended = "attended"
    online = "online"
    excused = "excused"
    absent = "absent"


# The years a quarter may fall in: any other is a typing mistake (9999Q4 has no next quarter,
# 0000Q1 no calendar), refused with one line rather than failing deep inside a date.
FIRST_YEAR, LAST_YEAR = 2000, 2199


@dataclass(frozen=True, slots=True)
class Quarter:
    """A calendar quarter such as 2026Q4."""

    year: int
    number: int

    @classmethod
    def parse(cls, label: str) -> Quarter:
        """Read `YYYYQn`; raise ValueError with the expected form otherwise."""
        match = QUARTER_PATTERN.match(label.strip().upper())
        if match:
            year = int(match[1])
            if not FIRST_YEAR <= year <= LAST_YEAR:
                raise ValueError(
                    f"quarter {label.strip()!r}: the year must be from {FIRST_YEAR} to "
                    f"{LAST_YEAR} (e.g. 2026Q4)"
                )
            return cls(year, int(match[2]))
        if re.match(r"^\d{4}Q\d+$", label.strip().upper()):
            raise ValueError(f"quarter {label!r}: a year has quarters 1 to 4 (e.g. 2026Q4)")
        raise ValueError(f"quarter {label!r} is not of the form YYYYQn, e.g. 2026Q4")

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def starts_on(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def ends_on(self) -> date:
        return self.next.starts_on - timedelta(days=1)

    @property
    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    @property
    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def __str__(self) -> str:
        return self.label


@dataclass(slots=True)
class SessionPlan:
    """A session, stored or planned, with the people enrolled in it: the one record of a session
    that planners, messages and sheets share (the table row is models.tables.EducationSession)."""

    code: str
    programme_code: str
    round_no: int
    held_on: date
    starts_at: time
    venue: str
    capacity: int
    enrolled: set[str] = field(default_factory=set)
    makeup: bool = False

    @property
    def free(self) -> int:
        return self.capacity - len(self.enrolled)


class CadreRecord(NamedTuple):
    """One cadre as the roster gives them, already validated.

    A named tuple, not a frozen dataclass: as immutable and as readable, and built four times
    as fast (a frozen dataclass sets each of its 18 fields through `object.__setattr__`),
    which a province's roster does 100,000 times in every stage that reads it.
    """

    employee_id: str
    name: str
    unit_code: str
    unit_name: str
    post: str
    rank: Rank | None = None
    leadership_role: LeadershipRole = LeadershipRole.none
    in_charge_of: tuple[str, ...] = ()
    party_member: bool | None = None
    appointed_on: date | None = None
    reserve_cadre: bool = False
    discipline_status: DisciplineStatus = DisciplineStatus.none
    discipline_on: date | None = None
    key_post: bool | None = None
    phone: str | None = None
    email: str | None = None
    parent_unit_code: str | None = None
    wecom_user_id: str | None = None  # 企业微信账号: work notices in WeCom
    dingtalk_user_id: str | None = None  # 钉钉账号: work notices in DingTalk
    discipline_kind: str | None = (
        None  # as the roster wrote it (谈话函询, 党纪处分 …): confidential
    )


@dataclass(frozen=True, slots=True)
class TrackAssignment:
    """A cadre placed on a track, with the reason a person can read (in English, for logs and
    exports) and the same reason as a code and its values, which documents word in their own
    language."""

    employee_id: str
    track: Track
    reason: str
    code: str = ""
    params: tuple[tuple[str, str], ...] = ()


def row_place(sheet: str, row: int) -> str:
    """Where a row is, as a clerk finds it: its sheet only when the data spans several."""
    return f"sheet {sheet}, row {row}" if sheet else f"row {row}"


@dataclass(frozen=True, slots=True)
class Reject:
    """A row that was not imported: where it is, what is wrong, and what it said."""

    row: int
    column: str
    reason: str
    values: dict[str, str] = field(default_factory=dict)
    code: str = ""  # the reason's code (intake/reasons.py), for tools and translations
    params: dict[str, str] = field(default_factory=dict)  # the values the reason names
    sheet: str = ""  # named when a workbook's data spans several sheets
    source: str = ""  # the file, once stored (a reject read back from the quarter)
    kept_from: str | None = None  # the cadre's earlier record stays in force

    @property
    def at(self) -> tuple[str, int]:
        """Where the row is: its sheet and its number, as the user finds it in Excel."""
        return self.sheet, self.row

    @property
    def where(self) -> str:
        return row_place(self.sheet, self.row)
