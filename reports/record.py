"""A cadre's education record (廉政教育档案): every quarter on file, in one document."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from models.db import stored_utc
from models.facts import QuarterData
from models.tables import Message
from policy.confidentiality import visible_messages, without_confidential
from policy.progress import Standing, quarter_standings
from policy.talks import state_on
from reports.view import QuarterView
from reports.wording import long_day, moment_text, quarter_text, short_day


def cadre_record(
    employee_id: str,
    quarters: list[tuple[QuarterData, list[Message]]],
    *,
    labels: dict[str, Any],
    organisation: str,
    as_of: datetime,
    confidential: bool,
) -> dict[str, Any]:
    """What the record shows: per quarter, tracks and why, sessions, standings, make-ups and
    the messages sent. Without `confidential` the admonition track leaves no trace."""
    lang = "zh" if labels["lang_tag"].startswith("zh") else "en"
    sections = []
    latest = None
    for data, messages in quarters:
        shown = data if confidential else without_confidential(data)
        outbox = messages if confidential else visible_messages(messages, data)
        day = min(as_of.date(), data.quarter.ends_on)
        requirements, standing = quarter_standings(shown, as_of=day)
        view = QuarterView(shown, requirements, standing, labels, organisation, as_of, as_of, {})
        cadre = view.cadres.get(employee_id)
        latest = cadre or latest
        sections.append(_quarter(view, employee_id, outbox, day, lang, on_roster=cadre is not None))
    return {
        "t": labels,
        "organisation": organisation,
        "employee_id": employee_id,
        "name": latest.name if latest else employee_id,
        "post": latest.post if latest else "",
        "unit": latest.unit_name if latest else "",
        "as_of": moment_text(as_of, lang),
        "generated_at": moment_text(as_of, lang),
        "confidential": confidential,
        "quarters": sections,
    }


def _quarter(
    view: QuarterView,
    who: str,
    outbox: list[Message],
    day: date,
    lang: str,
    *,
    on_roster: bool,
) -> dict[str, Any]:
    t = view.labels
    sessions = {s.code: s for s in view.data.sessions}
    mine = [
        (sessions[code], status)
        for code, person, status in view.data.enrolments
        if person == who and code in sessions
    ]
    mine.sort(key=lambda pair: (pair[0].held_on, pair[0].code))
    required = view.required_of.get(who, [])
    return {
        "label": quarter_text(view.data.quarter, view.lang),
        "as_of": long_day(day, view.lang),
        "on_roster": on_roster,
        "tracks": [
            {"name": t["track_names"][track.value], "reason": view.why(placed)}
            for track, placed in view.data.tracks.get(who, {}).items()
        ],
        "standings": [
            {
                "programme": view.programme_name(r.programme_code),
                "status": view.standing_text(r),
                "done": view.standing_of(r) is Standing.complete,
            }
            for r in required
        ],
        "sessions": [
            {
                "code": s.code,
                "programme": view.programme_name(s.programme_code),
                "day": short_day(s.held_on, view.lang),
                "time": s.starts_at.strftime("%H:%M"),
                "venue": s.venue,
                "makeup": s.makeup,
                "status": t["enrolment_names"].get(status, status),
            }
            for s, status in mine
        ],
        "completions": [
            {
                "programme": view.programme_name(c.programme_code)
                if c.programme_code in view.programmes
                else c.programme_code,
                "session": c.session_code or "",
                "status": t["completion_names"].get(c.status.value, c.status.value),
                "score": "" if c.score is None else f"{c.score:g}",
                "day": short_day(c.attended_on, view.lang) if c.attended_on else "",
            }
            for c in view.data.completions
            if c.employee_id == who
        ],
        "talks": [
            {
                "kind": t["talk_kinds"][talk.kind.value],
                "talker": _talker(view, talk.talker_id, talk.talker.value),
                "due_on": short_day(talk.due_on, view.lang),
                "held_on": short_day(talk.held_on, view.lang) if talk.held_on else "",
                "state": t["talk_states"][state_on(talk.state, talk.due_on, day).value],
            }
            for talk in view.data.talks
            if talk.employee_id == who
        ],
        "letters": [
            {
                "version": p.version,
                "due_on": short_day(p.due_on, view.lang),
                "issued_on": short_day(p.issued_on, view.lang) if p.issued_on else "",
                "signed_on": short_day(p.signed_on, view.lang) if p.signed_on else "",
            }
            for p in view.data.pledges
            if p.employee_id == who
        ],
        "messages": [
            {
                "kind": t["message_kinds"].get(m.kind, m.kind),
                "channel": t["channel_names"].get(m.channel, m.channel),
                "due_on": short_day(m.due_on, view.lang),
                "status": t["message_statuses"].get(m.status, m.status),
                "sent_at": moment_text(_local(m.sent_at, view.as_of), lang) if m.sent_at else "",
            }
            for m in outbox
        ],
    }


def _talker(view: QuarterView, talker_id: str | None, role: str) -> str:
    """Who holds a talk: the person, by name, when the roster names them; else the body."""
    person = view.cadres.get(talker_id or "")
    return person.name if person else view.labels["talkers"][role]


def _local(moment: datetime, like: datetime) -> datetime:
    """A stored UTC time in the report's zone."""
    return stored_utc(moment).astimezone(like.tzinfo)
