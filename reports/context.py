"""What a unit's report shows, computed once from the quarter's view; templates only display it."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from core.domain import CadreRecord, LeadershipRole, Track
from core.families import FamilyTally
from policy.progress import Requirement, Standing
from reports.charts import completion_chart, trend_chart
from reports.talk_tally import TalksTally, letters_tally, talks_by_talker
from reports.tally import HELD, Tally
from reports.view import CONFIDENTIAL_TRACKS, QuarterView
from reports.wording import long_day, short_day


def unit_report(view: QuarterView, unit_code: str) -> dict[str, Any]:
    """The report addressed to one unit's leadership team."""
    labels, members = view.labels, view.by_unit.get(unit_code, [])
    people = [c.employee_id for c in members]
    overall = view.unit_tally(unit_code)
    top_leaders = [c for c in members if c.leadership_role is LeadershipRole.top_leader]
    team = [c for c in members if c.leadership_role is LeadershipRole.team_member]
    track_rows = view.track_rows(people)
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
        "talks": _talks(view, [*top_leaders, *team]),
        "families": view.data.families.get(unit_code, FamilyTally()),
        "letters": letters_tally(
            (p for p in view.data.pledges if p.unit_code == unit_code), on=view.today
        ),
        "track_rows": track_rows,
        "track_total": {"people": view.in_scope(people), "tally": overall},
        "chart": completion_chart(track_rows),
        "trend": trend_chart(view.trend_points(overall, unit_code)),
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
            t["overdue"].format(
                people=len(people), places=len(overdue), day=short_day(earliest, view.lang)
            )
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
            days = view.labels["list_separator"].join(short_day(d, view.lang) for d in makeups[:3])
            lines.append(t["makeups"].format(days=days))
        else:
            lines.append(t["no_makeups" if view.makeup_days_left else "no_makeup_days"])
    if retake:
        lines.append(t["retake"].format(people=len({c.employee_id for c, _ in retake})))
    held = [r for _, r in left if view.counted_as(r) == HELD]
    if held:
        lines.append(t["held"].format(places=len(held), day=short_day(view.today, view.lang)))
    scheduled = [r for _, r in left if view.counted_as(r) == Standing.scheduled]
    if scheduled:
        lines.append(
            t["scheduled"].format(
                places=len(scheduled), day=short_day(min(r.due_on for r in scheduled), view.lang)
            )
        )
    lines += _leaders_lines(view, len(left), shown, top_leaders, team)
    quarter_ends = view.data.quarter.ends_on
    deadline = (
        t["deadline"].format(day=long_day(quarter_ends, view.lang))
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
            text += t["own_items"].format(items=view.items(own))
        lines.append(text)
    for member in team:
        # as in the responsibility table: everyone in the units in their charge
        theirs = sum(view.unit_tally(code).left for code in member.in_charge_of)
        own = [r for c, r in shown if c.employee_id == member.employee_id]
        if not theirs and not own:
            continue
        text = t["team_member"].format(name=member.name, places=theirs)
        if own:
            text += t["own_items"].format(items=view.items(own))
        lines.append(text)
    return lines


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


def _talks(view: QuarterView, leaders: list[CadreRecord]) -> list[dict[str, Any]]:
    """The talks each of the unit's leaders was asked to hold (主体责任): held and owed."""
    tallies = talks_by_talker(view.data.talks, on=view.today)
    return [
        {
            "name": c.name,
            "post": c.post,
            "role": view.labels["top_leader"]
            if c.leadership_role is LeadershipRole.top_leader
            else view.labels["team_member_role"],
            "tally": tallies.get(c.employee_id, TalksTally()),
        }
        for c in leaders
    ]


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
                        "status": view.standing_text(requirement) + view.makeup_text(requirement),
                        "order": (URGENCY[standing], requirement.due_on, cadre.employee_id),
                    }
                )
    return by_person(sorted(rows, key=lambda r: r["order"]))


def by_person(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each person's rows together, in the order of their most urgent one; `first` marks the
    row that names them (the others leave the name to it), `last` the row that closes them."""
    mine: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        mine[row["employee_id"]].append(row)
    grouped = []
    for items in mine.values():
        for position, row in enumerate(items):
            grouped.append(row | {"first": position == 0, "last": position == len(items) - 1})
    return grouped


def _key_posts(view: QuarterView, members: list[CadreRecord]) -> list[dict[str, Any]]:
    rows = []
    for cadre in members:
        placed = view.data.tracks.get(cadre.employee_id, {}).get(Track.key_area)
        if placed is None:
            continue
        required = [r for r in view.required_of[cadre.employee_id] if r.track is Track.key_area]
        left = [r for r in required if view.standing_of(r) is not Standing.complete]
        first = min(left, key=lambda r: URGENCY[view.standing_of(r)], default=None)
        rows.append(
            {
                "name": cadre.name,
                "post": cadre.post,
                "areas": view.key_areas.get(cadre.employee_id) or view.why(placed),
                "status": view.standing_text(first)
                if first
                else view.labels["standing_names"]["complete"],
                "done": first is None,
            }
        )
    return sorted(rows, key=lambda r: (r["done"], r["name"]))
