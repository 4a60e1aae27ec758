"""The quarter's data indexed for reports, at one moment: who is where, how each requirement
stands, and the earlier quarters for the trend."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any

from core.domain import (
    REACHED,
    CadreRecord,
    EnrolmentStatus,
    MessageStatus,
    Quarter,
    Track,
    TrackAssignment,
)
from models.facts import QuarterData
from policy.classify import own_key_areas
from policy.config import Policy
from policy.progress import Requirement, Standing
from reports.reasons import track_reason
from reports.tally import COLUMNS, HELD, Tally, tally
from reports.wording import moment_text, quarter_text, short_day

# Names on these tracks go only to the confidential list; the other reports show counts.
CONFIDENTIAL_TRACKS = {Track.admonition}


@dataclass(frozen=True)
class PastQuarter:
    """An earlier quarter's completion, per unit and overall, for the trend."""

    quarter: Quarter
    by_unit: dict[str, Tally]
    overall: Tally


def past_quarter(
    data: QuarterData, requirements: list[Requirement], standing: dict[tuple[str, str], Standing]
) -> PastQuarter:
    """Tally an earlier quarter the same way as the current one."""
    unit_of = {c.employee_id: c.unit_code for c in data.cadres}
    by_unit: dict[str, list[Standing]] = defaultdict(list)
    for requirement in requirements:
        by_unit[unit_of[requirement.employee_id]].append(
            standing[(requirement.employee_id, requirement.programme_code)]
        )
    return PastQuarter(
        data.quarter,
        {code: tally(states) for code, states in by_unit.items()},
        tally(standing[(r.employee_id, r.programme_code)] for r in requirements),
    )


@dataclass
class QuarterView:
    """The quarter's data indexed for reports: who is where and how each requirement stands.

    Every number is taken at one moment, `as_of`, in the organisation's time zone: standings,
    sessions held (those dated on or before its day) and reminders sent (by then).
    """

    data: QuarterData
    requirements: list[Requirement]
    standing: dict[tuple[str, str], Standing]
    labels: dict[str, Any]
    organisation: str
    as_of: datetime  # with its zone
    generated_at: datetime  # with its zone
    key_areas: dict[str, str]  # employee id → the key areas of their post, in the report's words
    history: list[PastQuarter] = field(default_factory=list)  # up to three, oldest first
    estimated_calendar: bool = False  # no official holiday notice for the quarter's year yet
    makeup_days_left: bool = True  # a make-up booked now could still be held in the quarter

    def __post_init__(self) -> None:
        self.lang = "zh" if self.labels["lang_tag"].startswith("zh") else "en"
        self.today = self.as_of.date()
        self.cadres = {c.employee_id: c for c in self.data.cadres}
        self.by_unit: dict[str, list[CadreRecord]] = defaultdict(list)
        for cadre in self.data.cadres:
            self.by_unit[cadre.unit_code].append(cadre)
        self.required_of: dict[str, list[Requirement]] = defaultdict(list)
        for requirement in self.requirements:
            self.required_of[requirement.employee_id].append(requirement)
        self.programmes = {p.code: p for p in self.data.programmes}
        self.sessions_of: dict[str, set[str]] = defaultdict(set)
        for code, who, status in self.data.enrolments:
            if status == EnrolmentStatus.enrolled:
                self.sessions_of[who].add(code)
        sent_by = self.as_of.astimezone(UTC)
        self.reminders_of: dict[str, Counter[str]] = defaultdict(Counter)
        for reminder in self.data.reminders:
            if reminder.employee_id is None:
                continue
            if reminder.status in REACHED and reminder.sent_at and reminder.sent_at <= sent_by:
                self.reminders_of[reminder.employee_id]["sent"] += 1
            elif reminder.status == MessageStatus.failed:
                self.reminders_of[reminder.employee_id]["failed"] += 1
        self.sessions = {s.code: s for s in self.data.sessions}
        self.held_on = {s.code: s.held_on for s in self.data.sessions}
        self.session_programme = {s.code: s.programme_code for s in self.data.sessions}
        self._unit_tallies: dict[str, Tally] = {}

    def why(self, placed: TrackAssignment) -> str:
        """Why a cadre is on a track, in the report's words."""
        return track_reason(placed, self.labels, self.data.units)

    def standing_of(self, requirement: Requirement) -> Standing:
        return self.standing[(requirement.employee_id, requirement.programme_code)]

    def standing_text(self, requirement: Requirement) -> str:
        """已完成, 待参加（12-29）, 逾期未完成（应于 12-15 完成）, 不合格 or 请假."""
        standing = self.standing_of(requirement)
        if standing not in (Standing.scheduled, Standing.overdue):
            return str(self.labels["standing_names"][standing.value])
        if standing is Standing.scheduled and self.sheet_awaited(requirement):
            return str(
                self.labels["standing_on"]["held"].format(day=short_day(self.today, self.lang))
            )
        words = self.labels["standing_on" if requirement.placed else "standing_by"]
        return str(words[standing.value].format(day=short_day(requirement.due_on, self.lang)))

    def sheet_awaited(self, requirement: Requirement) -> bool:
        """Their session began on the report's day: it is held, and whether they came is known
        when its sign-in sheet is back; they are no longer still to attend."""
        if not requirement.placed or requirement.due_on != self.today:
            return False
        now = self.as_of.time()
        return any(
            self.sessions[code].held_on == self.today and self.sessions[code].starts_at <= now
            for code in self.sessions_of[requirement.employee_id]
            if code in self.sessions
        )

    def makeup_text(self, requirement: Requirement) -> str:
        """What follows a missed item: the make-up the person is booked on, or why none is
        (to be booked, or no working day left in the quarter for one)."""
        if self.standing_of(requirement) not in (
            Standing.overdue,
            Standing.failed,
            Standing.excused,
        ):
            return ""
        ahead = self.makeup_ahead(requirement)
        words = self.labels["makeup_of"]
        if ahead:
            return str(words["booked"].format(day=short_day(ahead, self.lang)))
        return str(words["to_book" if self.makeup_days_left else "none_left"])

    def makeup_ahead(self, requirement: Requirement) -> date | None:
        """The day of the next session of the programme (or the one it sits with) the person
        is booked on after the report's day."""
        host = self.programmes[requirement.programme_code].joint_with or requirement.programme_code
        ahead = [
            self.held_on[code]
            for code in self.sessions_of[requirement.employee_id]
            if self.session_programme[code] in (host, requirement.programme_code)
            and self.held_on[code] > self.today
        ]
        return min(ahead, default=None)

    def without_makeup(self, requirements: Iterable[Requirement]) -> list[Requirement]:
        """The missed items (overdue, failed, excused) with no make-up booked ahead."""
        return [
            r
            for r in requirements
            if self.standing_of(r) in (Standing.overdue, Standing.failed, Standing.excused)
            and self.makeup_ahead(r) is None
        ]

    def in_scope(self, people: Iterable[str]) -> int:
        """People with at least one requirement this quarter (the roster may hold more)."""
        return sum(1 for person in people if self.required_of[person])

    def held(self, sessions: Iterable[str]) -> int:
        """Sessions dated on or before the report's day: the one definition of "held"."""
        return sum(1 for code in sessions if self.held_on[code] <= self.today)

    def counted_as(self, requirement: Requirement) -> str:
        """Where a place is counted in the report's tables: its standing, or HELD while its
        session, held on the report's day, awaits its sign-in sheet."""
        standing = self.standing_of(requirement)
        if standing is Standing.scheduled and self.sheet_awaited(requirement):
            return HELD
        return standing.value

    def tally_people(self, people: Iterable[str], track: Track | None = None) -> Tally:
        return tally(
            self.counted_as(r)
            for person in people
            for r in self.required_of[person]
            if track is None or r.track is track
        )

    def unit_tally(self, code: str) -> Tally:
        """A unit's tally over everyone in it, counted once however many reports ask."""
        if code not in self._unit_tallies:
            people = (c.employee_id for c in self.by_unit.get(code, []))
            self._unit_tallies[code] = self.tally_people(people)
        return self._unit_tallies[code]

    def programme_name(self, code: str) -> str:
        programme = self.programmes[code]
        return programme.name_zh if self.lang == "zh" else programme.name_en

    def header(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation,
            "quarter": quarter_text(self.data.quarter, self.lang),
            "quarter_code": self.data.quarter.label,
            "as_of": moment_text(self.as_of, self.lang),
            "generated_at": moment_text(self.generated_at, self.lang),
            "policy": self.data.policy_name,
            # for the closing 附注: what a reader checks the report against, not its content
            "verification": {
                "policy": self.data.policy_sha256[:12],
                "roster": (self.data.roster_sha256 or "")[:12],
            },
            "estimated_calendar": self.estimated_calendar,
            "standings": self.columns(),
        }

    def columns(self, held: bool | None = None) -> list[tuple[str, str]]:
        """The count tables' columns: the standings, and the sessions held on the report's
        day awaiting their sheets when there are any (in the view, or in the tally `held`
        says of: a summary put together from parts has its own)."""
        names = self.labels["standing_names"]
        shown = self.sheets_awaited if held is None else held
        return [(c, names[c]) for c in COLUMNS if c != HELD or shown]

    @cached_property
    def sheets_awaited(self) -> bool:
        """Some place's session was held on the report's day and its sheet is not back."""
        return any(self.sheet_awaited(r) for r in self.requirements)

    def trend_points(self, current: Tally, unit_code: str | None = None) -> list[tuple[str, Tally]]:
        """The last four quarters' completion, overall or of one unit, the current one last."""
        points = [
            (
                quarter_text(past.quarter, self.lang),
                past.overall if unit_code is None else past.by_unit.get(unit_code, Tally()),
            )
            for past in self.history
        ]
        points.append((quarter_text(self.data.quarter, self.lang), current))
        return points

    def track_rows(self, people: list[str]) -> list[dict[str, Any]]:
        """Per track the view's programmes serve: the people on it and the tally of their
        places on that track (a team's view has no admonition programme, so no such row)."""
        served = {p.track for p in self.data.programmes}
        rows = []
        for track in (t for t in Track if t in served):
            on_track = [p for p in people if track in self.data.tracks.get(p, {})]
            rows.append(
                {
                    "track": track.value,
                    "name": self.labels["track_names"][track.value],
                    "people": len(on_track),
                    "tally": self.tally_people(on_track, track),
                }
            )
        return rows

    def items(self, requirements: list[Requirement]) -> str:
        """Programmes with their standings, in one line: 在职干部廉洁教育 待参加（12-29）、…"""
        return str(self.labels["list_separator"]).join(
            f"{self.programme_name(r.programme_code)} {self.standing_text(r)}" for r in requirements
        )


def key_area_words(data: QuarterData, policy: Policy, lang: str) -> dict[str, str]:
    """For each key-post holder, the areas (money, affairs, people) of their post, in words."""
    return {
        cadre.employee_id: own_key_areas(cadre, policy, lang)
        for cadre in data.cadres
        if Track.key_area in data.tracks.get(cadre.employee_id, {})
    }
