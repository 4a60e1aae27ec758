"""Planning the quarter's messages: holiday reminders with greeting cards, session invitations."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from prefect import task
from sqlmodel import Session

from core.domain import PLANNED_KINDS, Quarter, SessionPlan, name_in
from flows.common import RunSettings, log, quarter_policy
from models.cadres import quarter_people, quarter_roster
from models.db import rehearsing, session_for
from models.education import quarter_tracks, stored_sessions
from models.outbox import (
    add_messages,
    cancel_messages,
    message_statuses,
    requeue_cancelled,
)
from policy.calendar import HolidayBreak, WorkingCalendar
from policy.confidentiality import confidential_codes
from policy.config import Policy
from policy.message_plan import QuarterMessages, changed_places, plan_quarter_messages
from policy.notices import places_after
from policy.reminders import reminder_due_on
from reports.messages import Composer, Queueing, SmsStyle, card_key
from reports.render import (
    Rendered,
    RenderJob,
    labels,
    render_aside,
    render_many,
    safe_file_name,
    start_renderer,
)
from reports.wording import long_day

# Reminders are owned by the quarter their due date falls in, so look a little past its end.
HORIZON = timedelta(days=45)


@task(persist_result=False)
def plan_messages(*, run: RunSettings, quarter: Quarter, as_of: date) -> dict[str, int]:
    """Queue session invitations, day-before reminders and holiday reminders, each once."""
    calendar = run.calendar(quarter.starts_on, quarter.ends_on + HORIZON)
    if not rehearsing():
        start_renderer()  # for the greeting cards, forked before the quarter is loaded
    with session_for(run.db_url) as session:
        _, loaded = quarter_policy(session=session, quarter=quarter)
        policy = loaded.policy
        sessions = stored_sessions(session=session, quarter=quarter)
        planned = plan_quarter_messages(
            policy=policy,
            lang=run.lang,
            window=(quarter.starts_on, quarter.ends_on),
            horizon=quarter.ends_on + HORIZON,
            as_of=as_of,
            calendar=calendar,
            everyone=quarter_roster(session=session, quarter=quarter, leavers=True),
            on_roster=quarter_people(session=session, quarter=quarter),
            tracks=quarter_tracks(session=session, quarter=quarter),
            sessions=sessions,
            relay_to=run.organiser_email,
        )
        cards = GreetingCards(planned.holidays, run, calendar, policy)
        queueing = Queueing(
            composer=composer_for(run, quarter, policy, cards),
            known=message_statuses(session=session, quarter=quarter),
            shared=planned.shared,
            secret=confidential_codes(policy.programmes),
        )
        queued = queue_planned(
            session, queueing, planned, sessions=sessions, calendar=calendar, as_of=as_of
        )
        cards.wait()
    log_planned(planned, calendar=calendar, policy=policy)
    return queued.told_in_the_log(queueing)


@dataclass(frozen=True)
class Queued:
    added: int
    requeued: int
    told: int

    def told_in_the_log(self, queueing: Queueing) -> dict[str, int]:
        """The run's counts, logged, as the cycle's summary shows them. Not the held ones:
        only a confidential message is held, and the roster's warning names who shares the
        contact, so a count of them would say that one of those people is on the track."""
        counts = {kind: queueing.counts[kind] for kind in PLANNED_KINDS}
        log().info(
            "queued %d new messages (%s); %d were already planned; %d cancelled ones queued "
            "again; %d notices of changed places",
            *(self.added, counts, len(queueing.known), self.requeued, self.told),
        )
        return counts | {
            "total_new": self.added,
            "requeued": self.requeued,
            "place_notices": self.told,
        }


def queue_planned(
    session: Session,
    queueing: Queueing,
    planned: QuarterMessages,
    *,
    sessions: list[SessionPlan],
    calendar: WorkingCalendar,
    as_of: date,
) -> Queued:
    """The planned messages the outbox does not know yet; cancelled ones planned again queued
    again; and notices to people whose place changed since they were told."""
    added = add_messages(session=session, rows=queueing.rows(planned.planned()))
    requeued = requeue_cancelled(session=session, send_keys=queueing.planned_again, on=as_of)
    notices, moot = changed_places(
        sessions=sessions,
        reached=planned.reached,
        statuses=places_after(queueing.known, requeued),
        calendar=calendar,
        as_of=as_of,
    )
    told = add_messages(session=session, rows=queueing.notice_rows(notices))
    cancel_messages(session=session, prefixes=moot)
    return Queued(added, len(requeued), told)


def log_planned(planned: QuarterMessages, *, calendar: WorkingCalendar, policy: Policy) -> None:
    """When each holiday's reminder goes, for whoever checks the quarter's plan."""
    for holiday in planned.holidays:
        log().info(
            "holiday reminder for %s (break from %s) due %s%s",
            holiday.name_en,
            holiday.first_day,
            reminder_due_on(holiday, calendar, policy.reminders),
            " (estimated calendar)" if holiday.estimated else "",
        )


def composer_for(
    run: RunSettings, quarter: Quarter, policy: Policy, cards: GreetingCards
) -> Composer:
    """The quarter's composer, with a greeting card for each holiday it reminds of."""
    return Composer(
        quarter=quarter,
        lang=run.lang,
        organisation=run.organisation,
        programmes={p.code: p for p in policy.programmes},
        cards=cards,
        sms=SmsStyle(run.signature, policy.reminders.sms_max_chars),
    )


class GreetingCards(Mapping[str, Path]):
    """Each holiday's greeting card, rendered when the first new reminder of it is queued: a
    run that plans nothing new for a holiday (the same quarter again) renders no card for it.

    A card renders in a worker process while the messages go on being planned and stored (it
    was the largest single step after the database's own work); `wait` before committing, so
    that no stored reminder attaches a card that is not on disk.
    """

    def __init__(
        self,
        holidays: list[HolidayBreak],
        run: RunSettings,
        calendar: WorkingCalendar,
        policy: Policy,
    ) -> None:
        self._holidays = {card_key(h): h for h in holidays}
        # A card is dated the day its reminders go, as a letter is.
        self._dated = {
            card_key(h): reminder_due_on(h, calendar, policy.reminders) for h in holidays
        }
        self._cards: dict[str, Path] = {}
        self._rendering: list[Future[Rendered]] = []
        self._run = run

    def __getitem__(self, key: str) -> Path:
        if key not in self._cards:
            run = self._run
            job = card_job(
                self._holidays[key], self._dated[key], run.lang, run.organisation, run.cards_dir
            )
            if not rehearsing():  # a dry run writes no file
                self._rendering.append(render_aside(job))
            self._cards[key] = stored_card(job)
        return self._cards[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._holidays)

    def __len__(self) -> int:
        return len(self._holidays)

    def wait(self) -> None:
        """Every card asked for is on disk; a card that failed raises its error here."""
        for rendering in self._rendering:
            rendering.result()


def card_job(
    holiday: HolidayBreak, dated: date, lang: str, organisation: str, folder: Path
) -> RenderJob:
    """A holiday's greeting card, attached to every reminder e-mail for it, dated the day its
    reminders go."""
    return RenderJob(
        "greeting_card.html.j2",
        {
            "t": labels(lang),
            "organisation": organisation,
            "holiday": name_in(holiday, lang),
            "start": long_day(holiday.first_day, lang),
            "estimated": holiday.estimated,
            "dated": long_day(dated, lang),
        },
        folder
        / safe_file_name(
            "card", holiday.first_day.isoformat(), holiday.key.replace(":", "-"), lang
        ),
    )


def stored_card(job: RenderJob) -> Path:
    # Stored as cards/<file>, found under the data folder of whichever machine sends it.
    return Path(job.path.parent.name) / job.path.name


def render_cards(
    holidays: list[tuple[HolidayBreak, date]], lang: str, organisation: str, folder: Path
) -> dict[str, Path]:
    """One greeting card PDF per (holiday, day its reminders go), rendered now (a card gone
    missing before sending)."""
    jobs = {card_key(h): card_job(h, on, lang, organisation, folder) for h, on in holidays}
    if not rehearsing():  # a dry run writes no file
        render_many(jobs.values(), processes=1)
    return {key: stored_card(job) for key, job in jobs.items()}
