"""The policy file: a validated TOML document with the defaults of the education-policy spec."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core.domain import Channel, DisciplineStatus, LeadershipRole, Rank, Track
from core.exceptions import PolicyError
from core.talks import Talker, TalkKind
from policy.texts import Texts

DEFAULT_POLICY = Path(__file__).with_name("default.toml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LeadingCadre(_Strict):
    ranks: list[Rank]
    leadership_roles: list[LeadershipRole]


class Windows(_Strict):
    newly_promoted_months: int = Field(gt=0)
    disciplined_months: int = Field(gt=0)
    newly_promoted_due_days: int = Field(gt=0)


class KeyArea(_Strict):
    label_zh: str
    label_en: str
    patterns: list[str] = Field(min_length=1)


class KeyPosts(_Strict):
    patterns: list[str]


class Sessions(_Strict):
    start_time: time
    lead_working_days: int = Field(ge=0)
    makeup_lead_working_days: int = Field(ge=0)
    venues: list[str] = Field(min_length=1)
    # The least notice a place in a session already planned is given with (a joiner, a
    # make-up with a free seat); a new session needs the lead time above.
    notice_working_days: int = Field(default=3, ge=0)
    # A returned sign-in sheet may be followed by a second one: people it left out are taken
    # as absent (booked on a make-up, chased) only this many working days after it came back.
    not_recorded_wait_working_days: int = Field(default=2, ge=0)
    # The last first-round session this many working days before the quarter's end at the
    # latest, so that each has its make-up round (a late joiner may still get a later one).
    first_round_ends_working_days_before: int = Field(default=15, ge=0)


class Escalation(_Strict):
    cadre_after_days: int = Field(ge=0)
    team_member_after_days: int = Field(ge=0)
    top_leader_after_days: int = Field(ge=0)

    @model_validator(mode="after")
    def _in_order(self) -> Escalation:
        if not self.cadre_after_days <= self.team_member_after_days <= self.top_leader_after_days:
            raise ValueError("the ladder must climb: cadre ≤ team member ≤ top leader days")
        return self


class ExtraDate(_Strict):
    on: date
    name_zh: str
    name_en: str


class Reminders(_Strict):
    working_days_before: int = Field(ge=0)
    channels: list[Channel]
    holidays: list[str]
    pointed_tracks: list[Track]
    session_reminder_working_days_before: int = Field(ge=0)
    extra_dates: list[ExtraDate] = []
    sms_max_chars: int = Field(default=140, ge=40)  # a longer text is shortened


class SignInSheets(_Strict):
    """The paper a session runs on: printed ahead, with room for people who just turn up."""

    days_ahead: int = Field(default=2, ge=1)  # sheets for sessions in the next N working days
    walk_in_rows: int = Field(default=5, ge=0)
    # whoever organises a programme's sessions gets its sheets (else LIANJIE_ORGANISER_EMAIL)
    organisers: dict[str, str] = {}


class Documents(_Strict):
    """What the office calls its documents and how it marks them, per language (zh, en); a
    word not given keeps lianjie's own (落实情况报告, 内部资料 · …). A classification such as 秘密
    is the office's to assign: lianjie never prints one unless it is written here."""

    report_title: dict[str, str] = {}
    summary_title: dict[str, str] = {}
    marking: dict[str, str] = {}
    confidential_marking: dict[str, str] = {}

    def words(self, lang: str) -> dict[str, str]:
        """The labels these words replace, in one language."""
        given = {
            "report_title": self.report_title,
            "summary_title": self.summary_title,
            "marking": self.marking,
            "confidential_marking": self.confidential_marking,
        }
        return {label: by_lang[lang] for label, by_lang in given.items() if lang in by_lang}


class RosterRules(_Strict):
    # A roster that would make more than this share of the quarter's cadres leave is more
    # likely a partial or wrong file than a reorganisation: it needs confirming.
    max_leavers_share: float = Field(default=0.10, ge=0, le=1)


class TalkRules(_Strict):
    """Which integrity talks the roster opens, when each is due and who holds it (by role;
    for a cadre with no one of that role above them, the next role up)."""

    # 任前廉政谈话, with a commitment letter: due within this many days after the appointment
    appointment_within_days: int = Field(default=30, ge=0)
    appointment_talker: Talker = Talker.top_leader
    pledge_with_appointment: bool = True
    letter_version: str = "lianjie-2026.1"  # the commitment letter's text (yours: your own)
    # The letter's paragraphs in the organisation's words, per language; unset: lianjie's
    letter: dict[str, list[str]] = {}
    # 监督谈话: each top leader once a year, due by its last day
    supervision_talker: Talker = Talker.discipline_head
    # 提醒谈话: for a discipline status in this list, due within the days after it is known
    reminder_statuses: list[DisciplineStatus] = [DisciplineStatus.signs]
    reminder_within_days: int = Field(default=30, ge=0)
    reminder_talker: Talker = Talker.in_charge
    # 诫勉谈话 and 集体廉政谈话 are decided by people, not the roster: a register's row of one
    # of these kinds opens and records the talk it says was held, by this talker
    recorded_when_held: list[TalkKind] = [TalkKind.admonishment, TalkKind.collective]
    held_talker: Talker = Talker.top_leader


class FamilyRules(_Strict):
    """Letters to cadres' consenting families with each holiday reminder wave (家庭助廉)."""

    letters: bool = True  # sent whenever a families file has been given
    # The letter's paragraphs in the organisation's words, per language; unset: lianjie's
    letter: dict[str, list[str]] = {}
    # How long a leaver's family contacts are kept for the record (0: gone with the leaving)
    keep_after_leaving_days: int = Field(default=0, ge=0)
    # A return slip (回执) at the foot of the letter, listed back through `lianjie collect`
    return_slips: bool = False


class ProgrammeRule(_Strict):
    code: str = Field(pattern=r"^[A-Z]{2,4}$")
    track: Track
    name_zh: str
    name_en: str
    sessions_per_quarter: int = Field(ge=1)
    duration_minutes: int = Field(gt=0)
    capacity: int = Field(gt=0)
    pass_mark: float | None = Field(default=None, ge=0, le=100)
    confidential: bool = False
    once: bool = False  # required until completed once, not every quarter (pre-appointment)
    joint_with: str | None = None  # held in that programme's sessions
    # With a pass mark, a score is needed to complete the programme unless this is true.
    attendance_counts: bool = False


class Policy(_Strict):
    """The rules in force for a quarter."""

    name: str
    version: str
    leading_cadre: LeadingCadre
    windows: Windows
    key_areas: dict[str, KeyArea]
    key_posts: KeyPosts
    sessions: Sessions
    escalation: Escalation
    reminders: Reminders
    programmes: list[ProgrammeRule] = Field(min_length=1)
    roster: RosterRules = RosterRules()  # optional: policies stored before it existed still load
    sign_in_sheets: SignInSheets = SignInSheets()
    documents: Documents = Documents()
    talks: TalkRules = TalkRules()
    families: FamilyRules = FamilyRules()
    texts: Texts = Texts()

    @model_validator(mode="after")
    def _one_programme_per_track(self) -> Policy:
        codes = [p.code for p in self.programmes]
        if len(codes) != len(set(codes)):
            raise ValueError("programme codes must be unique")
        for programme in self.programmes:
            host = programme.joint_with
            if host is not None and (host not in codes or self.programme(host).joint_with):
                raise ValueError(
                    f"programme {programme.code}: joint_with {host!r} must name a "
                    "programme that has sessions of its own"
                )
        missing = set(Track) - {p.track for p in self.programmes}
        if missing:
            raise ValueError(f"no programme for track(s): {', '.join(sorted(missing))}")
        return self

    def programmes_for(self, track: Track) -> list[ProgrammeRule]:
        return [p for p in self.programmes if p.track == track]

    def programme(self, code: str) -> ProgrammeRule:
        return next(p for p in self.programmes if p.code == code)

    def seating(self, code: str) -> str:
        """The programme whose sessions people of programme `code` sit in."""
        return self.programme(code).joint_with or code


@dataclass(frozen=True)
class LoadedPolicy:
    """A policy with the exact text it came from and that text's hash."""

    policy: Policy
    text: str
    sha256: str
    source: str


def load_policy(path: Path | None = None) -> LoadedPolicy:
    """Read and validate a policy file (the bundled defaults when no path is given)."""
    source = path or DEFAULT_POLICY
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError(f"policy file {source} does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyError(f"policy file {source} cannot be read: {error}") from None
    return parse_policy(text, source=str(source))


def parse_policy(text: str, *, source: str = "<policy>") -> LoadedPolicy:
    """Validate policy text, naming the key and the problem when it is wrong."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(f"policy file {source} is not valid TOML: {error}") from None
    try:
        policy = Policy.model_validate(document)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc']) or '(top level)'}: "
            f"{e['msg'].removeprefix('Value error, ')}"
            for e in error.errors()
        )
        raise PolicyError(f"policy file {source}: {problems}") from None
    return LoadedPolicy(policy, text, hashlib.sha256(text.encode()).hexdigest(), source)
