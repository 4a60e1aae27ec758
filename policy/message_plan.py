"""The quarter's messages, planned: who is reached how, holiday reminders, session messages,
and notices of places that changed. Pure: the flow loads the quarter and stores the result."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from core.domain import CadreRecord, Channel, MessageKind, SessionPlan, Track
from policy.calendar import HolidayBreak, WorkingCalendar
from policy.classify import leading_reason, own_key_areas
from policy.confidentiality import hold_reason, shared_contacts
from policy.config import Policy
from policy.notices import Notice, place_notices
from policy.reminders import (
    PlannedMessage,
    Recipient,
    extra_breaks,
    owned_breaks,
    plan_holiday_reminders,
    plan_session_messages,
)


@dataclass(frozen=True, slots=True)
class QuarterMessages:
    """The quarter's reminders and invitations, and everyone as messages reach them."""

    holidays: list[HolidayBreak]  # whose reminders the quarter owns, in the order they come
    # Streamed: a province's million holiday reminders and five million session messages are
    # never all in memory at once.
    holiday_reminders: Iterator[PlannedMessage]
    session_messages: Iterator[PlannedMessage]
    reached: dict[str, Recipient]  # leavers too: a place taken from them is still told
    shared: dict[str, list[str]]  # addresses more than one cadre gives

    def planned(self) -> Iterator[PlannedMessage]:
        yield from self.holiday_reminders
        yield from self.session_messages


def plan_quarter_messages(
    *,
    policy: Policy,
    lang: str,
    window: tuple[date, date],
    horizon: date,
    as_of: date,
    calendar: WorkingCalendar,
    everyone: list[CadreRecord],
    on_roster: set[str],
    tracks: Mapping[str, list[str]],
    sessions: list[SessionPlan],
    relay_to: str | None = None,
) -> QuarterMessages:
    """Holiday reminders for leading cadres, and an invitation and a reminder per enrolment;
    for someone no channel reaches, to `relay_to` (the organiser) to pass on.

    `everyone` includes leavers, with the contacts the roster last gave; `window` is the
    quarter, `horizon` how far past its end holidays are looked for (a reminder belongs to the
    quarter its due date falls in).
    """
    cadres = [c for c in everyone if c.employee_id in on_roster]
    shared = shared_contacts(cadres)
    words: dict[tuple[str, str], str] = {}  # per unit and post: a province has a few thousand
    reached = {
        c.employee_id: recipient(c, tracks, policy, lang, shared, words, relay_to) for c in everyone
    }
    people = {who: reached[who] for who in on_roster}
    leading = [people[c.employee_id] for c in cadres if leading_reason(c, policy)]
    breaks = calendar.breaks(window[0], horizon) + extra_breaks(policy.reminders)
    owned = owned_breaks(
        holidays=breaks, calendar=calendar, rules=policy.reminders, window=window, as_of=as_of
    )
    holiday_reminders = plan_holiday_reminders(
        audience=leading, owned=owned, rules=policy.reminders
    )
    session_messages = plan_session_messages(
        enrolments=enrolments_of(sessions, people),
        calendar=calendar,
        rules=policy.reminders,
        as_of=as_of,
    )
    return QuarterMessages(
        [h for h, _ in owned], holiday_reminders, session_messages, reached, shared
    )


def changed_places(
    *,
    sessions: list[SessionPlan],
    reached: Mapping[str, Recipient],
    statuses: Mapping[str, str],
    calendar: WorkingCalendar,
    as_of: date,
) -> tuple[list[PlannedMessage], list[str]]:
    """Notices for people whose place changed after they were told (a withdrawal, or an
    invitation again), and the send keys of unsent notices that a change back makes moot.
    `statuses` are the outbox's, once this run's invitations are in it."""
    notices, moot = place_notices(
        enrolled=[(s.code, who) for s in sessions for who in s.enrolled],
        ahead={s.code for s in sessions if s.held_on > as_of},
        statuses=statuses,
    )
    by_code = {s.code: s for s in sessions}
    told = [
        message
        for notice in notices
        if notice.employee_id in reached
        for message in notice_messages(
            notice, reached[notice.employee_id], by_code, calendar, as_of
        )
    ]
    return told, moot


def recipient(
    cadre: CadreRecord,
    tracks: Mapping[str, list[str]],
    policy: Policy,
    lang: str,
    shared: dict[str, list[str]],
    words: dict[tuple[str, str], str],
    relay_to: str | None = None,
) -> Recipient:
    """A cadre as messages reach them: the pointed wording names only their own key areas."""
    held, pointed = tracks.get(cadre.employee_id, ()), policy.reminders.pointed_tracks
    areas = ""
    if Track.key_area in pointed and Track.key_area in held:
        post = (cadre.unit_name, cadre.post)
        if post not in words:
            words[post] = own_key_areas(cadre, policy, lang)
        areas = words[post]
    return Recipient(
        cadre.employee_id,
        cadre.name,
        cadre.phone,
        cadre.email,
        areas,
        # The admonition wording would tell whoever else reads a shared phone or mailbox, or
        # the organiser who passes a message on to someone no channel reaches.
        Track.admonition in pointed
        and Track.admonition in held
        and bool(cadre.phone or cadre.email)
        and not any(hold_reason(a, shared) for a in (cadre.phone, cadre.email) if a),
        relay_to if not (cadre.phone or cadre.email) else None,
    )


def notice_messages(
    notice: Notice,
    who: Recipient,
    sessions: Mapping[str, SessionPlan],
    calendar: WorkingCalendar,
    as_of: date,
) -> Iterator[PlannedMessage]:
    """A place notice, on the channel its earlier message went by."""
    session = sessions[notice.session_code]
    for channel, address in who.addresses([Channel(notice.channel)]):
        yield PlannedMessage(
            send_key=notice.send_key,
            kind=MessageKind(notice.kind),
            channel=channel,
            recipient=who,
            address=address,
            due_on=calendar.send_day(as_of, session.held_on),
            expires_on=session.held_on,
            session=session,
        )


def enrolments_of(
    sessions: Iterable[SessionPlan], people: Mapping[str, Recipient]
) -> Iterator[tuple[SessionPlan, Recipient]]:
    """Each person enrolled in each session, with the session planned once, not per person."""
    for session in sessions:
        for who in sorted(session.enrolled):
            if who in people:
                yield session, people[who]
