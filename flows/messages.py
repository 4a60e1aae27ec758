"""Planning the quarter's messages: holiday reminders with greeting cards, session invitations."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import chain
from pathlib import Path

from prefect import task

from core.domain import (
    CadreRecord,
    Channel,
    MessageKind,
    MessageStatus,
    Quarter,
    SessionPlan,
    Track,
)
from flows.common import RunSettings, log, quarter_policy
from models.db import rehearsing, session_for
from models.education import quarter_tracks, stored_sessions
from models.outbox import (
    add_messages,
    cancel_messages,
    message_statuses,
    place_statuses,
    requeue_cancelled,
)
from models.roster import quarter_people, quarter_roster
from policy.calendar import HolidayBreak, WorkingCalendar
from policy.classify import leading_reason, own_key_areas
from policy.confidentiality import hold_reason, shared_contacts
from policy.config import Policy
from policy.notices import Notice, place_notices
from policy.reminders import (
    PlannedMessage,
    Recipient,
    extra_breaks,
    plan_holiday_reminders,
    plan_session_messages,
    reminder_due_on,
)
from reports.messages import Composer, SmsStyle, card_key
from reports.render import RenderJob, labels, render_many, safe_file_name

# Reminders are owned by the quarter their due date falls in, so look a little past its end.
HORIZON = timedelta(days=45)


@task
def plan_messages(*, run: RunSettings, quarter: str, as_of: date) -> dict[str, int]:
    """Queue session invitations, day-before reminders and holiday reminders, each once."""
    period = Quarter.parse(quarter)
    lang, organisation = run.lang.value, run.organisation
    with session_for(run.db_url) as session:
        _, loaded = quarter_policy(session=session, quarter=quarter)
        policy = loaded.policy
        calendar = run.calendar(period.starts_on, period.ends_on + HORIZON)
        tracks = quarter_tracks(session=session, quarter=quarter)
        # Leavers too, read once: a place taken from them after their invitation is told.
        on_roster = quarter_people(session=session, quarter=quarter)
        everyone = quarter_roster(session=session, quarter=quarter, leavers=True)
        cadres = [c for c in everyone if c.employee_id in on_roster]
        shared = shared_contacts(cadres)
        words: dict[tuple[str, str], str] = {}  # per unit and post: a province has a few thousand
        reached = {
            c.employee_id: recipient(c, tracks, policy, lang, shared, words) for c in everyone
        }
        people = {who: reached[who] for who in on_roster}
        leading = [people[c.employee_id] for c in cadres if leading_reason(c, policy)]
        breaks = calendar.breaks(period.starts_on, period.ends_on + HORIZON)
        breaks += extra_breaks(policy.reminders)
        holiday_messages = plan_holiday_reminders(
            audience=leading,
            holidays=breaks,
            calendar=calendar,
            rules=policy.reminders,
            window=(period.starts_on, period.ends_on),
            as_of=as_of,
        )
        session_messages = plan_session_messages(
            enrolments=enrolments_of(
                stored := stored_sessions(session=session, quarter=quarter), people
            ),
            calendar=calendar,
            rules=policy.reminders,
            as_of=as_of,
        )
        known = message_statuses(session=session, quarter=quarter)
        cancelled = {key for key, status in known.items() if status == MessageStatus.cancelled}
        planned_again: list[str] = []
        holidays = {
            card_key(m.holiday.key, m.holiday.first_day.isoformat()): m.holiday
            for m in holiday_messages
            if m.holiday is not None and m.send_key not in known
        }
        composer = Composer(
            quarter=quarter,
            lang=lang,
            organisation=organisation,
            programmes={
                p.code: (p.name_zh if lang == "zh" else p.name_en, p.duration_minutes)
                for p in policy.programmes
            },
            cards=render_cards(list(holidays.values()), lang, organisation, run.cards_dir),
            sms=SmsStyle(run.signature, policy.reminders.sms_max_chars),
        )
        counts: Counter[str] = Counter()

        secret = {p.code for p in policy.programmes if p.confidential}

        def new_rows() -> Iterator[dict[str, object]]:
            # Streamed: a province's half a million messages are never all in memory at once.
            for message in chain(holiday_messages, session_messages):
                if message.send_key not in known:
                    counts[message.kind.value] += 1
                    row = composer.row(message)
                    held = (
                        hold_reason(message.address, shared)
                        if message.session and message.session.programme_code in secret
                        else None
                    )
                    counts["held"] += bool(held)
                    # Every row names the same columns: they are inserted many at a time.
                    yield row | {
                        "status": MessageStatus.held if held else MessageStatus.queued,
                        "last_error": held,
                    }
                elif message.send_key in cancelled:
                    planned_again.append(message.send_key)  # a cadre back on the roster

        added = add_messages(session=session, rows=new_rows())
        requeued = requeue_cancelled(session=session, send_keys=planned_again, on=as_of)
        # People whose place changed after they were told: a withdrawal notice, or an
        # invitation again. Leavers are told too, with the contacts the roster last gave.
        notices, moot = place_notices(
            enrolled=[(s.code, who) for s in stored for who in s.enrolled],
            ahead={s.code for s in stored if s.held_on > as_of},
            statuses=place_statuses(session=session, quarter=quarter),
        )
        plans = {s.code: s for s in stored}
        told = add_messages(
            session=session,
            rows=(
                row | {"status": MessageStatus.queued, "last_error": None}
                for notice in notices
                if notice.employee_id in reached
                for row in notice_rows(
                    notice, reached[notice.employee_id], plans, composer, calendar, as_of
                )
            ),
        )
        cancel_messages(session=session, prefixes=moot)
    logger = log()
    for holiday in sorted(
        {m.holiday for m in holiday_messages if m.holiday}, key=lambda h: h.first_day
    ):
        logger.info(
            "holiday reminder for %s (break from %s) due %s%s",
            holiday.name_en,
            holiday.first_day,
            reminder_due_on(holiday, calendar, policy.reminders),
            " (estimated calendar)" if holiday.estimated else "",
        )
    logger.info(
        "queued %d new messages (%s); %d were already planned; %d cancelled ones queued again; "
        "%d notices of changed places",
        added,
        dict(counts),
        len(known),
        requeued,
        told,
    )
    return {
        kind: counts[kind] for kind in ("invitation", "session_reminder", "holiday_reminder")
    } | {"total_new": added, "requeued": requeued, "held": counts["held"], "place_notices": told}


def recipient(
    cadre: CadreRecord,
    tracks: dict[str, list[str]],
    policy: Policy,
    lang: str,
    shared: dict[str, list[str]],
    words: dict[tuple[str, str], str],
) -> Recipient:
    """A cadre as messages reach them: the pointed wording names only their own key areas."""
    held = set(tracks.get(cadre.employee_id, []))
    pointed = {t.value for t in policy.reminders.pointed_tracks} & held
    areas = ""
    if Track.key_area.value in pointed:
        post = (cadre.unit_name, cadre.post)
        if post not in words:
            words[post] = own_key_areas(cadre, policy, lang)
        areas = words[post]
    # The admonition wording would tell whoever else reads a shared phone or mailbox.
    private = not any(hold_reason(a, shared) for a in (cadre.phone, cadre.email) if a)
    return Recipient(
        cadre.employee_id,
        cadre.name,
        cadre.phone,
        cadre.email,
        key_areas=areas if Track.key_area.value in pointed else "",
        admonition=Track.admonition.value in pointed and private,
    )


def notice_rows(
    notice: Notice,
    who: Recipient,
    plans: dict[str, SessionPlan],
    composer: Composer,
    calendar: WorkingCalendar,
    as_of: date,
) -> Iterator[dict[str, object]]:
    """The outbox row of a place notice, on the channel its earlier message went by."""
    plan = plans[notice.session_code]
    for channel, address in who.addresses([Channel(notice.channel)]):
        yield composer.row(
            PlannedMessage(
                send_key=notice.send_key,
                kind=MessageKind(notice.kind),
                channel=channel,
                recipient=who,
                address=address,
                due_on=calendar.send_day(as_of, plan.held_on),
                expires_on=plan.held_on,
                session=plan,
            )
        )


def enrolments_of(
    stored: list[SessionPlan], people: dict[str, Recipient]
) -> Iterator[tuple[SessionPlan, Recipient]]:
    """Each person enrolled in each session, with the session planned once, not per person."""
    for plan in stored:
        for who in sorted(plan.enrolled):
            if who in people:
                yield plan, people[who]


def render_cards(
    holidays: list[HolidayBreak], lang: str, organisation: str, folder: Path
) -> dict[str, Path]:
    """One greeting card PDF per holiday, attached to every reminder e-mail for it."""
    jobs = {
        card_key(h.key, h.first_day.isoformat()): RenderJob(
            "greeting_card.html.j2",
            {
                "t": labels(lang),
                "organisation": organisation,
                "holiday": h.name_zh if lang == "zh" else h.name_en,
                "start": h.first_day.isoformat(),
            },
            folder / safe_file_name("card", h.first_day.isoformat(), h.key.replace(":", "-"), lang),
        )
        for h in holidays
    }
    if not rehearsing():  # a dry run writes no file
        render_many(jobs.values(), processes=1)
    # Stored as cards/<file>, found under the data folder of whichever machine sends it.
    return {key: Path(folder.name) / job.path.name for key, job in jobs.items()}
