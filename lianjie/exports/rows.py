"""The rows of each list, built from a quarter's data; the admonition track only when asked."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from core.domain import CompletionStatus
from lianjie.exports.columns import Export, Rows
from models.facts import QuarterData
from models.tables import Message
from policy.confidentiality import visible_messages, without_confidential
from policy.progress import Standing, quarter_standings
from policy.talks import pledge_state, state_on


@dataclass(frozen=True, slots=True)
class Asked:
    """What an export was asked for besides the quarter: the outbox, confidential or not, and
    the day standings are taken on (overdue and scheduled depend on it)."""

    outbox: list[Message]
    confidential: bool
    as_of: date


def tracks(data: QuarterData, asked: Asked) -> Rows:
    return [
        {
            "employee_id": c.employee_id,
            "name": c.name,
            "unit_code": c.unit_code,
            "track": track.value,
            "reason": placed.reason,
        }
        for c in data.cadres
        for track, placed in data.tracks.get(c.employee_id, {}).items()
    ]


def sessions(data: QuarterData, asked: Asked) -> Rows:
    tracks_of = {p.code: p.track.value for p in data.programmes}
    return [
        {
            "session_code": s.code,
            "programme": s.programme_code,
            "track": tracks_of.get(s.programme_code, ""),
            "date": s.held_on,
            "start_time": s.starts_at,
            "venue": s.venue,
            "capacity": s.capacity,
            "enrolled": len(s.enrolled),
            "makeup": s.makeup,
        }
        for s in data.sessions
    ]


def attendance(data: QuarterData, asked: Asked) -> Rows:
    """Per session, what its sign-in sheet came back with: who was there, who was not, who
    was excused, and the enrolled people nobody has said anything of yet."""
    enrolled = {s.code: s.enrolled for s in data.sessions}
    said: dict[str, dict[str, CompletionStatus]] = {}
    for row in data.completions:  # current rows only: a later row has replaced an earlier one
        if row.session_code is not None:
            said.setdefault(row.session_code, {})[row.employee_id] = row.status
    rows = []
    for s in sorted(data.sessions, key=lambda s: (s.held_on, s.code)):
        people, answers = enrolled.get(s.code, set()), said.get(s.code, {})
        states = [answers.get(who) for who in people]
        rows.append(
            {
                "session_code": s.code,
                "programme": s.programme_code,
                "date": s.held_on,
                "makeup": s.makeup,
                "enrolled": len(people),
                "present": sum(
                    1 for x in states if x in {CompletionStatus.attended, CompletionStatus.online}
                ),
                "absent": states.count(CompletionStatus.absent),
                "excused": states.count(CompletionStatus.excused),
                "not_filled_in": states.count(None),
                # walk-ins: came without being enrolled
                "walk_ins": sum(1 for who in answers if who not in people),
            }
        )
    return rows


def enrolments(data: QuarterData, asked: Asked) -> Rows:
    cadres = {c.employee_id: c for c in data.cadres}
    programme_of = {s.code: s.programme_code for s in data.sessions}
    rows = []
    for code, who, status in sorted(data.enrolments):
        cadre = cadres.get(who)
        if code in programme_of:
            rows.append(
                {
                    "session_code": code,
                    "employee_id": who,
                    "name": cadre.name if cadre else "",
                    "unit_code": cadre.unit_code if cadre else "",
                    "programme": programme_of[code],
                    "status": status,
                }
            )
    return rows


def messages(_: QuarterData, asked: Asked) -> Rows:
    return [
        {
            "send_key": m.send_key,
            "kind": m.kind,
            "channel": m.channel,
            "recipient": m.recipient,
            "employee_id": m.employee_id,
            "due_on": m.due_on,
            "status": m.status,
            "attempts": m.attempts,
            "last_error": m.last_error or "",
            "sent_at": m.sent_at,
        }
        for m in asked.outbox
    ]


def completions(data: QuarterData, asked: Asked) -> Rows:
    return [
        {
            "employee_id": c.employee_id,
            "programme": c.programme_code,
            "session_code": c.session_code or "",
            "status": c.status.value,
            "score": c.score,
            "hours": c.hours,
            "source": c.source,
            "row": c.row,
        }
        for c in data.completions
    ]


def outstanding(data: QuarterData, asked: Asked) -> Rows:
    requirements, standing = quarter_standings(data, as_of=asked.as_of)
    cadres = {c.employee_id: c for c in data.cadres}
    rows = []
    for r in requirements:
        state = standing[(r.employee_id, r.programme_code)]
        if state is not Standing.complete:
            cadre = cadres[r.employee_id]
            rows.append(
                {
                    "employee_id": r.employee_id,
                    "name": cadre.name,
                    "unit_code": cadre.unit_code,
                    "track": r.track.value,
                    "programme": r.programme_code,
                    "standing": state.value,
                    "due_on": r.due_on,
                    "placed": r.placed,
                }
            )
    return rows


def rejects(data: QuarterData, asked: Asked) -> Rows:
    return [
        {
            "source": r.source,
            "sheet": r.sheet,
            "row": r.row,
            "column": r.column,
            "reason": r.reason,
            "reason_code": r.code,
            "values": json.dumps(r.values, ensure_ascii=False),
            "kept_from": r.kept_from or "",
        }
        for r in data.rejects
    ]


def changes(data: QuarterData, asked: Asked) -> Rows:
    """Every roster import's joiners, leavers, changes of post, rank, unit, role and discipline,
    and the cadres kept from an earlier record, in the order the imports made them."""
    return [
        {
            "employee_id": c.employee_id,
            "name": c.name,
            "unit_code": c.unit_code,
            "change": c.change.value,
            "field": c.field,
            "before": c.before,
            "after": c.after,
            "source_row": c.source_row,
        }
        for c in data.changes
    ]


def talks(data: QuarterData, asked: Asked) -> Rows:
    """The quarter's talks; the talker is the person the roster names, else the role."""
    names = {c.employee_id: c.name for c in data.cadres}
    return [
        {
            "employee_id": t.employee_id,
            "name": names.get(t.employee_id, ""),
            "unit_code": t.unit_code,
            "kind": t.kind,
            "talker": t.talker_id or t.talker,
            "due_on": t.due_on,
            "held_on": t.held_on,
            "status": state_on(t.state, t.due_on, asked.as_of),
        }
        for t in data.talks
    ]


def pledges(data: QuarterData, asked: Asked) -> Rows:
    names = {c.employee_id: c.name for c in data.cadres}
    return [
        {
            "employee_id": p.employee_id,
            "name": names.get(p.employee_id, ""),
            "unit_code": p.unit_code,
            "version": p.version,
            "issued_on": p.issued_on,
            "signed_on": p.signed_on,
            "status": pledge_state(p.signed_on, p.issued_on, p.due_on, asked.as_of),
        }
        for p in data.pledges
    ]


BUILDERS: dict[Export, Callable[[QuarterData, Asked], Rows]] = {
    Export.tracks: tracks,
    Export.sessions: sessions,
    Export.enrolments: enrolments,
    Export.messages: messages,
    Export.completions: completions,
    Export.outstanding: outstanding,
    Export.rejects: rejects,
    Export.changes: changes,
    Export.attendance: attendance,
    Export.talks: talks,
    Export.pledges: pledges,
}


def build_rows(
    what: Export,
    data: QuarterData,
    outbox: list[Message],
    *,
    confidential: bool,
    as_of: date,
) -> Rows:
    """The rows of an export; without `confidential` nothing shows the admonition track, nor
    a confidential kind of talk."""
    if not confidential:
        data, outbox = without_confidential(data), visible_messages(outbox, data)
    return BUILDERS[what](data, Asked(outbox, confidential, as_of))
