"""What each report shows, computed once from the quarter's data; templates only display it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from core.domain import CadreRecord, LeadershipRole, Quarter, Reject, Track
from intake.completions import ALIASES as COMPLETION_ALIASES
from intake.roster import ALIASES as ROSTER_ALIASES
from models.facts import QuarterData
from policy.classify import own_key_areas
from policy.confidentiality import shown_reject
from policy.config import Policy
from policy.progress import Requirement, Standing
from reports.wording import moment_text, short_day

CHART_WIDTH = 300  # px of a 100 % bar in the completion chart
BAR_PITCH = 22  # px from one bar to the next
TREND_HEIGHT = 80  # px of a 100 % column in the trend chart
TREND_PITCH = 90  # px from one quarter's column to the next
CONFIDENTIAL_TRACKS = {Track.admonition}


@dataclass(frozen=True, slots=True)
class Tally:
    """Programme places by standing: what each count table of a report shows."""

    complete: int = 0
    scheduled: int = 0
    overdue: int = 0
    failed: int = 0
    excused: int = 0

    @property
    def required(self) -> int:
        return self.complete + self.scheduled + self.overdue + self.failed + self.excused

    @property
    def left(self) -> int:
        """Places not complete: work left, whatever its standing."""
        return self.required - self.complete

    @property
    def rate(self) -> float | None:
        return self.complete / self.required if self.required else None

    @property
    def percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate:.1%}"

    def of(self, standing: str) -> int:
        return int(getattr(self, standing))

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(self.of(s) + other.of(s) for s in Standing))


def tally(standings: Iterable[Standing]) -> Tally:
    counts = Counter(standings)
    return Tally(*(counts[s] for s in Standing))


@dataclass(frozen=True)
class PastQuarter:
    """An earlier quarter's completion, per unit and overall, for the trend."""

    label: str
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
        data.label,
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
            if status == "enrolled":
                self.sessions_of[who].add(code)
        sent_by = self.as_of.astimezone(UTC)
        self.reminders_of: dict[str, Counter[str]] = defaultdict(Counter)
        for reminder in self.data.reminders:
            if reminder.employee_id is None:
                continue
            if reminder.status == "sent" and reminder.sent_at and reminder.sent_at <= sent_by:
                self.reminders_of[reminder.employee_id]["sent"] += 1
            elif reminder.status == "failed":
                self.reminders_of[reminder.employee_id]["failed"] += 1
        self.held_on = {s.code: s.held_on for s in self.data.sessions}
        self.session_programme = {s.code: s.programme_code for s in self.data.sessions}
        self._unit_tallies: dict[str, Tally] = {}

    def standing_of(self, requirement: Requirement) -> Standing:
        return self.standing[(requirement.employee_id, requirement.programme_code)]

    def standing_text(self, requirement: Requirement) -> str:
        """已完成, 待参加（12-29）, 逾期未完成（应于 12-15 完成）, 不合格 or 请假."""
        standing = self.standing_of(requirement)
        if standing not in (Standing.scheduled, Standing.overdue):
            return str(self.labels["standing_names"][standing.value])
        words = self.labels["standing_on" if requirement.placed else "standing_by"]
        return str(words[standing.value].format(day=short_day(requirement.due_on)))

    def in_scope(self, people: Iterable[str]) -> int:
        """People with at least one requirement this quarter (the roster may hold more)."""
        return sum(1 for person in people if self.required_of[person])

    def held(self, sessions: Iterable[str]) -> int:
        """Sessions dated on or before the report's day: the one definition of "held"."""
        return sum(1 for code in sessions if self.held_on[code] <= self.today)

    def tally_people(self, people: Iterable[str], track: Track | None = None) -> Tally:
        return tally(
            self.standing_of(r)
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
            "quarter": self.data.label,
            "as_of": moment_text(self.as_of, self.lang),
            "generated_at": moment_text(self.generated_at, self.lang),
            "policy": f"{self.data.policy_name} ({self.data.policy_sha256[:12]})",
            "roster": (self.data.roster_sha256 or "")[:12],
            "estimated_calendar": self.estimated_calendar,
            "standings": [(s.value, self.labels["standing_names"][s.value]) for s in Standing],
        }

    def trend(self, current: Tally, unit_code: str | None = None) -> dict[str, Any]:
        """The last four quarters' completion as positioned bars, and the change on the last."""
        points = [
            (
                past.label,
                past.overall if unit_code is None else past.by_unit.get(unit_code, Tally()),
            )
            for past in self.history
        ]
        points.append((self.data.label, current))
        return trend_bars(points)


def trend_bars(points: list[tuple[str, Tally]]) -> dict[str, Any]:
    """Quarters' completion as positioned columns (the last one current), and the last change."""
    bars = []
    for index, (label, counts) in enumerate(points):
        height = round((counts.rate or 0.0) * TREND_HEIGHT, 1)
        x, y = index * TREND_PITCH, TREND_HEIGHT - height + 14
        bars.append(
            {
                "label": label,
                "percent": counts.percent,
                "height": height,
                "rect_x": x + 20,
                "y": y,
                "value_x": x + 22,
                "value_y": y - 3,
                "label_x": x + 18,
                "current": index == len(points) - 1,
            }
        )
    change = None
    if len(points) > 1 and points[-2][1].rate is not None and points[-1][1].rate is not None:
        change = f"{(points[-1][1].rate - points[-2][1].rate) * 100:+.1f}"
    return {
        "bars": bars,
        "change": change,
        "width": len(points) * TREND_PITCH,
        "height": TREND_HEIGHT + 34,
        "axis_y": TREND_HEIGHT + 14,
        "label_y": TREND_HEIGHT + 28,
    }


def unit_report(view: QuarterView, unit_code: str) -> dict[str, Any]:
    """The report addressed to one unit's leadership team."""
    labels, members = view.labels, view.by_unit.get(unit_code, [])
    people = [c.employee_id for c in members]
    overall = view.unit_tally(unit_code)
    top_leaders = [c for c in members if c.leadership_role is LeadershipRole.top_leader]
    team = [c for c in members if c.leadership_role is LeadershipRole.team_member]
    track_rows = _track_rows(view, people)
    sessions = set().union(*(view.sessions_of[p] for p in people)) if people else set()
    reminders = sum((view.reminders_of[p] for p in people), Counter[str]())
    return {
        **view.header(),
        "t": labels,
        "unit": {"code": unit_code, "name": view.data.units.get(unit_code, unit_code)},
        "top_leaders": [c.name for c in top_leaders],
        "in_scope": view.in_scope(people),
        "on_roster": len(members),
        "overall": overall,
        "sessions_held": view.held(sessions),
        "reminders": {"sent": reminders["sent"], "failed": reminders["failed"]},
        "actions": action_items(view, members, top_leaders, team),
        "responsibility": _responsibility(view, top_leaders, team, overall),
        "track_rows": track_rows,
        "track_total": {"people": view.in_scope(people), "tally": overall},
        "chart": _chart(track_rows),
        "trend": view.trend(overall, unit_code),
        "admonition_count": sum(
            1 for p in people if Track.admonition in view.data.tracks.get(p, {})
        ),
        "outstanding": _outstanding(view, members),
        "key_posts": _key_posts(view, members),
    }


ACTION_LINES = 8  # the action box fits the summary page


def action_items(
    view: QuarterView,
    members: list[CadreRecord],
    top_leaders: list[CadreRecord],
    team: list[CadreRecord],
) -> list[str]:
    """What the leadership team must do and by when, in at most eight lines, most urgent first."""
    t = view.labels["actions"]
    # Counts take in every place, as the unit's tables do; names and dates of the admonition
    # track's sessions go only to the confidential list.
    left = [
        (cadre, r)
        for cadre in members
        for r in view.required_of[cadre.employee_id]
        if view.standing_of(r) is not Standing.complete
    ]
    if not left:
        return [t["all_done"]]
    shown = [(c, r) for c, r in left if r.track not in CONFIDENTIAL_TRACKS]
    lines = []
    overdue = [(c, r) for c, r in left if view.standing_of(r) is Standing.overdue]
    if overdue:
        people = {c.employee_id for c, _ in overdue}
        earliest = min(r.due_on for _, r in overdue)
        lines.append(
            t["overdue"].format(people=len(people), places=len(overdue), day=short_day(earliest))
        )
    retake = [(c, r) for c, r in left if view.standing_of(r) in (Standing.failed, Standing.excused)]
    if overdue or retake:
        seats = {view.programmes[r.programme_code].joint_with or r.programme_code for _, r in shown}
        makeups = sorted(
            {
                s.held_on
                for s in view.data.sessions
                if s.makeup and s.held_on >= view.today and s.programme_code in seats
            }
        )
        if makeups:
            days = view.labels["list_separator"].join(short_day(d) for d in makeups[:3])
            lines.append(t["makeups"].format(days=days))
        else:
            lines.append(t["no_makeups"])
    if retake:
        lines.append(t["retake"].format(people=len({c.employee_id for c, _ in retake})))
    scheduled = [r for _, r in left if view.standing_of(r) is Standing.scheduled]
    if scheduled:
        lines.append(
            t["scheduled"].format(
                places=len(scheduled), day=short_day(min(r.due_on for r in scheduled))
            )
        )
    lines += _leaders_lines(view, len(left), shown, top_leaders, team)
    quarter_ends = Quarter.parse(view.data.label).ends_on
    deadline = (
        t["deadline"].format(day=quarter_ends.isoformat())
        if view.today <= quarter_ends
        else t["after_quarter"]
    )
    if len(lines) >= ACTION_LINES:
        hidden = len(lines) - (ACTION_LINES - 2)
        lines = [*lines[: ACTION_LINES - 2], t["more"].format(count=hidden)]
    return [*lines, deadline]


def _leaders_lines(
    view: QuarterView,
    places_left: int,
    shown: list[tuple[CadreRecord, Requirement]],
    top_leaders: list[CadreRecord],
    team: list[CadreRecord],
) -> list[str]:
    """For the top leader and each team member: what they answer for, and their own items."""
    t = view.labels["actions"]
    lines = []
    for leader in top_leaders:
        own = [r for c, r in shown if c.employee_id == leader.employee_id]
        text = t["top_leader"].format(name=leader.name, places=places_left)
        if own:
            text += t["own_items"].format(items=_items(view, own))
        lines.append(text)
    for member in team:
        # as in the responsibility table: everyone in the units in their charge
        theirs = sum(view.unit_tally(code).left for code in member.in_charge_of)
        own = [r for c, r in shown if c.employee_id == member.employee_id]
        if not theirs and not own:
            continue
        text = t["team_member"].format(name=member.name, places=theirs)
        if own:
            text += t["own_items"].format(items=_items(view, own))
        lines.append(text)
    return lines


def _items(view: QuarterView, requirements: list[Requirement]) -> str:
    return str(view.labels["list_separator"]).join(
        f"{view.programme_name(r.programme_code)} {view.standing_text(r)}" for r in requirements
    )


def _track_rows(view: QuarterView, people: list[str]) -> list[dict[str, Any]]:
    rows = []
    for track in Track:
        on_track = [p for p in people if track in view.data.tracks.get(p, {})]
        counts = view.tally_people(on_track, track)
        rows.append(
            {
                "track": track.value,
                "name": view.labels["track_names"][track.value],
                "people": len(on_track),
                "tally": counts,
            }
        )
    return rows


def _chart(track_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Bars of the completion chart, positioned here so the SVG template only draws them."""
    bars = []
    for index, row in enumerate(r for r in track_rows if r["people"]):
        rate = row["tally"].rate or 0.0
        bars.append(
            {
                "label": row["name"],
                "percent": row["tally"].percent,
                "y": index * BAR_PITCH,
                "width": round(rate * CHART_WIDTH, 1),
                "text_y": index * BAR_PITCH + 14,
                "bar_y": index * BAR_PITCH + 3,
            }
        )
    return {"bars": bars, "height": len(bars) * BAR_PITCH + 6, "track_width": CHART_WIDTH}


def _responsibility(
    view: QuarterView, top_leaders: list[CadreRecord], team: list[CadreRecord], overall: Tally
) -> list[dict[str, Any]]:
    rows = [
        {
            "name": c.name,
            "post": c.post,
            "role": view.labels["top_leader"],
            "scope": view.labels["whole_unit"],
            "tally": overall,
        }
        for c in top_leaders
    ]
    for member in team:
        charge = member.in_charge_of
        names = view.labels["list_separator"].join(view.data.units.get(c, c) for c in charge)
        rows.append(
            {
                "name": member.name,
                "post": member.post,
                "role": view.labels["team_member_role"],
                "scope": names or view.labels["none"],
                # A team member answers for everyone in the units in their charge.
                "tally": sum((view.unit_tally(code) for code in charge), Tally()),
            }
        )
    return rows


# Overdue first (earliest due first), then failed, excused, and what is still ahead.
URGENCY = {
    Standing.overdue: 0,
    Standing.failed: 1,
    Standing.excused: 2,
    Standing.scheduled: 3,
    Standing.complete: 4,
}


def _outstanding(view: QuarterView, members: list[CadreRecord]) -> list[dict[str, Any]]:
    rows = []
    for cadre in members:
        for requirement in view.required_of[cadre.employee_id]:
            if requirement.track in CONFIDENTIAL_TRACKS:
                continue  # names on the admonition track go only to the confidential report
            standing = view.standing_of(requirement)
            if standing is not Standing.complete:
                rows.append(
                    {
                        "employee_id": cadre.employee_id,
                        "name": cadre.name,
                        "post": cadre.post,
                        "programme": view.programme_name(requirement.programme_code),
                        "standing": standing.value,
                        "status": view.standing_text(requirement),
                        "order": (URGENCY[standing], requirement.due_on, cadre.employee_id),
                    }
                )
    return sorted(rows, key=lambda r: r["order"])


def _key_posts(view: QuarterView, members: list[CadreRecord]) -> list[dict[str, Any]]:
    rows = []
    for cadre in members:
        reason = view.data.tracks.get(cadre.employee_id, {}).get(Track.key_area)
        if reason is None:
            continue
        required = [r for r in view.required_of[cadre.employee_id] if r.track is Track.key_area]
        left = [r for r in required if view.standing_of(r) is not Standing.complete]
        first = min(left, key=lambda r: URGENCY[view.standing_of(r)], default=None)
        rows.append(
            {
                "name": cadre.name,
                "post": cadre.post,
                "areas": view.key_areas.get(cadre.employee_id) or reason,
                "status": view.standing_text(first)
                if first
                else view.labels["standing_names"]["complete"],
                "done": first is None,
            }
        )
    return sorted(rows, key=lambda r: (r["done"], r["name"]))


def summary_report(view: QuarterView) -> dict[str, Any]:
    """The organisation summary: units ranked by completion, totals per track, what is left."""
    ranking = []
    for code, members in view.by_unit.items():
        ranking.append(
            {
                "code": code,
                "name": view.data.units.get(code, code),
                "cadres": view.in_scope(c.employee_id for c in members),
                "tally": view.unit_tally(code),
            }
        )
    ranking.sort(key=lambda r: (-(r["tally"].rate or 0), r["code"]))  # type: ignore[attr-defined]
    for position, row in enumerate(ranking, start=1):
        row["rank"] = position
    everyone = list(view.cadres)
    overall = view.tally_people(everyone)
    track_rows = _track_rows(view, everyone)
    rejects = [shown_reject(r) for r in view.data.rejects]
    return {
        **view.header(),
        "t": view.labels,
        "ranking": ranking,
        "overall": overall,
        "in_scope": view.in_scope(everyone),
        "on_roster": len(everyone),
        "track_rows": track_rows,
        "track_total": {"people": view.in_scope(everyone), "tally": overall},
        "chart": _chart(track_rows),
        "trend": view.trend(overall),
        "sessions": view.held(view.held_on),
        "sessions_planned": len(view.held_on),
        **_key_area_units(view),
        "unfinished_leaders": _unfinished_leaders(view),
        "rejects": [
            {
                "source": Path(r.source).name,
                "sheet": r.sheet,
                "row": r.row,
                "column": column_label(r.column, view.lang),
                "reason": reject_reason(r, view.labels),
                "kept": bool(r.kept_from),
            }
            for r in rejects[:REJECTS_SHOWN]
        ],
        "more_rejects": max(0, len(rejects) - REJECTS_SHOWN),
        **_roster_changes(view),
    }


REJECTS_SHOWN = 50  # the rest are in `lianjie export … rejects`


# A file's column as its clerk wrote it: the first Chinese header of the contract.
CHINESE_HEADERS = {
    column: names[0]
    for aliases in (COMPLETION_ALIASES, ROSTER_ALIASES)
    for column, names in aliases.items()
}


def column_label(column: str, lang: str) -> str:
    return CHINESE_HEADERS.get(column, column) if lang == "zh" else column


def reject_reason(reject: Reject, labels: dict[str, Any]) -> str:
    """A rejected row's reason in the report's language (the stored text when it has no code)."""
    words = labels["reasons"].get(reject.code)
    if words is None:
        return reject.reason
    lang = "zh" if labels["lang_tag"].startswith("zh") else "en"
    params = dict(reject.params)
    if "column" in params:
        params["column"] = column_label(params["column"], lang)
    try:
        return str(words.format(**params))
    except (KeyError, IndexError):
        return reject.reason


def _unfinished_leaders(view: QuarterView) -> list[dict[str, Any]]:
    """Top leaders (一把手) with their own education not complete, and what is left."""
    rows = []
    for cadre in view.data.cadres:
        if cadre.leadership_role is not LeadershipRole.top_leader:
            continue
        left = [
            r
            for r in view.required_of[cadre.employee_id]
            if r.track not in CONFIDENTIAL_TRACKS and view.standing_of(r) is not Standing.complete
        ]
        if left:
            rows.append(
                {
                    "unit": view.data.units.get(cadre.unit_code, cadre.unit_code),
                    "unit_code": cadre.unit_code,
                    "name": cadre.name,
                    "post": cadre.post,
                    "items": _items(view, left),
                    "overdue": any(view.standing_of(r) is Standing.overdue for r in left),
                }
            )
    return sorted(rows, key=lambda r: (not r["overdue"], r["unit_code"], r["name"]))


# The summary names moves of post, unit and role; discipline changes stay with the
# confidential list, and the export has every field.
SHOWN_CHANGES = {"", "post", "unit_code", "leadership_role"}
CHANGES_SHOWN = 50


def _roster_changes(view: QuarterView) -> dict[str, Any]:
    """The quarter's joiners, leavers and moves, and the roster's warnings."""
    shown = [c for c in view.data.changes if c.field in SHOWN_CHANGES and c.change.value != "kept"]
    return {
        "roster_changes": [
            {
                "employee_id": c.employee_id,
                "name": c.name,
                "unit_code": c.unit_code,
                "change": view.labels.get(f"change_{c.change.value}", c.change.value),
                "field": view.labels.get(f"field_{c.field}", c.field) if c.field else "",
                "before": c.before or "",
                "after": c.after or "",
            }
            for c in shown[:CHANGES_SHOWN]
        ],
        "more_changes": max(0, len(shown) - CHANGES_SHOWN),
        "roster_warnings": view.data.roster_warnings,
    }


@dataclass(frozen=True)
class KeyAreaUnit:
    """A unit's key-post holders and how their key-post education stands."""

    code: str
    name: str
    people: int
    tally: Tally


def _key_area_units(view: QuarterView) -> dict[str, Any]:
    """The units whose key-post holders still have education to do, most overdue first."""
    unfinished: list[KeyAreaUnit] = []
    complete = 0
    for code, members in sorted(view.by_unit.items()):
        holders = [
            c.employee_id
            for c in members
            if Track.key_area in view.data.tracks.get(c.employee_id, {})
        ]
        if not holders:
            continue
        counts = view.tally_people(holders, Track.key_area)
        if counts.left == 0:
            complete += 1
        else:
            unfinished.append(
                KeyAreaUnit(code, view.data.units.get(code, code), len(holders), counts)
            )
    unfinished.sort(key=lambda u: (-u.tally.overdue, -u.tally.left, u.code))
    return {"key_area_units": unfinished, "key_area_units_complete": complete}


def confidential_report(view: QuarterView) -> dict[str, Any]:
    """The admonition list for the discipline inspection body: who, why, where each stands."""
    t = view.labels
    today = view.today
    secret = {p.code for p in view.data.programmes if p.confidential}
    rows = []
    kinds: Counter[str] = Counter()
    standings: Counter[str] = Counter()
    for cadre in sorted(view.data.cadres, key=lambda c: (c.unit_code, c.employee_id)):
        reason = view.data.tracks.get(cadre.employee_id, {}).get(Track.admonition)
        if reason is None:
            continue
        kind = cadre.discipline_kind or t["discipline_names"][cadre.discipline_status.value]
        state, on = _admonition_standing(view, cadre.employee_id, secret, today)
        held = sum(
            n
            for (who, _, status), n in view.data.messages.items()
            if who == cadre.employee_id and status == "held"
        )
        kinds[kind] += 1
        standings[state] += 1
        rows.append(
            {
                "employee_id": cadre.employee_id,
                "name": cadre.name,
                "post": cadre.post,
                "unit": view.data.units.get(cadre.unit_code, cadre.unit_code),
                "discipline": kind,
                "since": cadre.discipline_on.isoformat() if cadre.discipline_on else "",
                "reason": reason,
                "standing": t["admonition_standings"][state].format(date=on or ""),
                "held": t["held_messages"].format(count=held) if held else "",
            }
        )
    return {
        **view.header(),
        "t": t,
        "rows": rows,
        "total": len(rows),
        "by_kind": t["list_separator"].join(
            f"{kind} {count}" for kind, count in sorted(kinds.items(), key=lambda i: (-i[1], i[0]))
        ),
        "by_standing": [
            (t["admonition_totals"][state], standings[state])
            for state in ("complete", "scheduled", "overdue", "excused", "unplaced")
            if standings[state]
        ],
    }


def _admonition_standing(
    view: QuarterView, who: str, secret: set[str], today: date
) -> tuple[str, str | None]:
    """complete, excused, scheduled (its day), overdue (since its day) or unplaced."""
    required = [r for r in view.required_of[who] if r.track is Track.admonition]
    states = {view.standing_of(r) for r in required}
    if required and states == {Standing.complete}:
        return "complete", None
    if Standing.excused in states:
        return "excused", None
    days = sorted(
        view.held_on[code]
        for code in view.sessions_of[who]
        if code in view.held_on and view.session_programme[code] in secret
    )
    if not days:
        return "unplaced", None
    ahead = [d for d in days if d >= today]
    if ahead:
        return "scheduled", ahead[0].isoformat()
    return "overdue", days[-1].isoformat()


def key_area_words(data: QuarterData, policy: Policy, lang: str) -> dict[str, str]:
    """For each key-post holder, the areas (money, affairs, people) of their post, in words."""
    return {
        cadre.employee_id: own_key_areas(cadre, policy, lang)
        for cadre in data.cadres
        if Track.key_area in data.tracks.get(cadre.employee_id, {})
    }
