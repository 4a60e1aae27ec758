"""The notice to a session's organiser that its returned sheet left people out: told once, with
the day after which they count as absent, so that a corrected sheet can still settle them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date

from core.domain import Channel, MessageKind, MessageStatus, Quarter, name_in
from core.send_keys import not_recorded_key
from models.facts import QuarterData
from models.outbox import OutboxRow
from policy.recorded import NotRecorded
from reports.messages import render_message
from reports.sheets import sheet_recipient
from reports.wording import day_text


def not_recorded_notices(
    left_off: Iterable[NotRecorded],
    data: QuarterData,
    *,
    organisers: Mapping[str, str],
    organiser: str | None,
    discipline_email: str | None,
    absent_from: Callable[[date], date],
    quarter: Quarter,
    lang: str,
    organisation: str,
    on: date,
) -> list[OutboxRow]:
    """One e-mail per session whose sheet left people out, to whoever was sent its sheet (a
    confidential session's to the discipline inspection body alone); its send key names the
    session, so each organiser is told once."""
    by_session: dict[str, list[NotRecorded]] = defaultdict(list)
    for person in left_off:
        by_session[person.session_code].append(person)
    sessions = {s.code: s for s in data.sessions}
    programmes = {p.code: p for p in data.programmes}
    names = {c.employee_id: c.name for c in data.cadres}
    rows: list[OutboxRow] = []
    for code, missing in sorted(by_session.items()):
        session, programme = sessions[code], programmes[sessions[code].programme_code]
        to = sheet_recipient(
            programme.code,
            confidential=programme.confidential,
            organisers=organisers,
            organiser=organiser,
            discipline_email=discipline_email,
        )
        if to is None:
            continue
        back = min(m.back_on for m in missing)
        subject, body = render_message(
            "not_recorded",
            lang,
            {
                "programme": name_in(programme, lang),
                "session": code,
                "day": day_text(session.held_on, lang),
                "back": day_text(back, lang),
                "absent_from": day_text(absent_from(back), lang),
                "people": [
                    {"employee_id": m.employee_id, "name": names.get(m.employee_id, "")}
                    for m in sorted(missing, key=lambda m: m.employee_id)
                ],
                "organisation": organisation,
            },
        )
        rows.append(
            {
                "send_key": not_recorded_key(code, to[0]),
                "quarter": quarter.label,
                "kind": MessageKind.not_recorded,
                "channel": Channel.email,
                "recipient": to[1],
                "employee_id": None,
                "subject": subject,
                "body": body,
                "attachment": None,
                "due_on": on,
                # once they count as absent, the notice has nothing left to ask
                "expires_on": absent_from(back),
                "status": MessageStatus.queued,
                "last_error": None,
                "params": None,
            }
        )
    return rows
