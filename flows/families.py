"""Families as an audience (家庭助廉): the families file taken in, and each holiday's letter
planned for every consenting family. Nothing of a family member — name, number, address —
goes where Prefect keeps things (parameters, logs, results, artifacts): counts and row
numbers only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import task
from pydantic import BaseModel

from core.domain import ImportKind, Quarter, Reject
from core.send_keys import family_prefix
from flows.artifacts import ImportSummary
from flows.common import RunSettings, log, quarter_policy
from flows.messages import HORIZON
from intake.families import parse_families
from intake.family_slips import parse_slips
from intake.read import Table, read_table
from models.cadres import quarter_people, roster_records
from models.db import rehearsing, session_for
from models.families import (
    consenting_families,
    forget_leavers,
    kept_contacts,
    record_slips,
    replace_families,
)
from models.outbox import add_messages, cancel_messages
from models.roster import find_import, record_import
from policy.calendar import HolidayBreak, WorkingCalendar
from policy.config import Policy
from policy.reminders import Recipient, extra_breaks, owned_breaks
from reports.family_letters import family_letter_rows, letter_job, write_slip_list
from reports.messages import SmsStyle
from reports.render import render_pdf


class FamiliesTaken(BaseModel):
    """A families file as it went in: counts, and the rejected rows' numbers and columns."""

    read: int
    accepted: int
    consenting: int
    stopped: int  # consent withdrawn or left out of the file: their unsent letters cancelled
    cancelled: int
    rejects: list[Reject]  # for the operator's own terminal: never logged with their values

    @property
    def rejected(self) -> int:
        return len(self.rejects)

    def counts(self) -> dict[str, int]:
        """What a summary kept by Prefect may say of it: numbers."""
        return {
            "read": self.read,
            "accepted": self.accepted,
            "rejected": len(self.rejects),
            "consenting": self.consenting,
            "stopped": self.stopped,
        }


class FamiliesDone(BaseModel):
    """`lianjie families`: the file taken in, and the letters planned."""

    quarter: str
    taken: FamiliesTaken
    letters: dict[str, int]
    slip_list: str | None = None  # with return slips: the list to fill in as they come back


@task(persist_result=False)
def take_families(*, run: RunSettings, quarter: Quarter, file: str) -> FamiliesTaken:
    """The families file replaces the contacts kept; whoever it stops receiving letters (consent
    withdrawn, or no longer in it) has every unsent letter cancelled at once."""
    table = read_table(Path(file), sheet=None, limits=run.read_limits)
    with session_for(run.db_url) as session:
        quarter_policy(session=session, quarter=quarter)  # refuses a quarter not started
        cadres = frozenset(quarter_people(session=session, quarter=quarter))
        result = parse_families(table, cadres=cadres)
        replaced = replace_families(session, result.accepted)
        cancelled = cancel_messages(
            session=session, prefixes=[family_prefix(key) for key in replaced.stopped]
        )
        session.commit()
    rows = ", ".join(str(r.row) for r in result.rejects[:20])
    log().info(
        "families file: %d rows read, %d accepted (%d consenting), %d rejected%s; %d contacts "
        "stopped, %d unsent letters cancelled",
        *(result.read, len(result.accepted), replaced.consenting, len(result.rejects)),
        f" (rows {rows})" if rows else "",
        *(len(replaced.stopped), cancelled),
    )
    return FamiliesTaken(
        read=result.read,
        accepted=len(result.accepted),
        consenting=replaced.consenting,
        stopped=len(replaced.stopped),
        cancelled=cancelled,
        rejects=result.rejects,
    )


@task(persist_result=False)
def plan_family_letters(*, run: RunSettings, quarter: Quarter, as_of: date) -> dict[str, int]:
    """A letter for each consenting family of a cadre on the roster, by e-mail and text, with
    each holiday reminder wave the quarter owns, once; a leaver's family forgotten after the
    policy's days, their unsent letters cancelled."""
    calendar = run.calendar(quarter.starts_on, quarter.ends_on + HORIZON)
    with session_for(run.db_url) as session:
        _, loaded = quarter_policy(session=session, quarter=quarter)
        rules = loaded.policy.families
        on_roster = quarter_people(session=session, quarter=quarter)
        gone = forget_leavers(
            session, on_roster, today=as_of, keep_days=rules.keep_after_leaving_days
        )
        cancelled = cancel_messages(session=session, prefixes=[family_prefix(k) for k in gone])
        families = consenting_families(session, on_roster) if rules.letters else []
        owned = holidays_owned(loaded.policy, calendar, quarter, as_of)
        letters = family_letters(owned, loaded.policy, run) if families and owned else {}
        rows = family_letter_rows(
            [(f.key, Recipient(f.employee_id, f.name, f.phone, f.email)) for f in families],
            owned if families else [],
            quarter=quarter,
            letters=letters,
            channels=loaded.policy.reminders.channels,
            lang=run.lang,
            organisation=run.organisation,
            sms=SmsStyle(run.signature, loaded.policy.reminders.sms_max_chars),
        )
        added = add_messages(session=session, rows=rows)
        session.commit()
    log().info(
        "family letters: %d families, %d holidays, %d new messages; %d leavers' contacts "
        "forgotten, %d unsent letters cancelled",
        *(len(families), len(owned), added, len(gone), cancelled),
    )
    return {"families": len(families), "letters": added, "forgotten": len(gone)}


def holidays_owned(
    policy: Policy, calendar: WorkingCalendar, quarter: Quarter, as_of: date
) -> list[tuple[HolidayBreak, date]]:
    """The holidays whose reminder wave the quarter owns, still ahead, with the day it goes."""
    horizon = quarter.ends_on + HORIZON
    return owned_breaks(
        holidays=calendar.breaks(quarter.starts_on, horizon) + extra_breaks(policy.reminders),
        calendar=calendar,
        rules=policy.reminders,
        window=(quarter.starts_on, quarter.ends_on),
        as_of=as_of,
    )


def family_letters(
    owned: list[tuple[HolidayBreak, date]], policy: Policy, run: RunSettings
) -> dict[date, str]:
    """Each holiday's letter, rendered (not in a dry run), stored as the greeting cards are:
    under the data folder every sender reaches."""
    stored = {}
    for holiday, dated in owned:
        job = letter_job(
            holiday,
            dated,
            paragraphs=policy.families.letter,
            lang=run.lang,
            organisation=run.organisation,
            folder=run.cards_dir,
            slip=policy.families.return_slips,
        )
        if not rehearsing():
            render_pdf(job)
        stored[holiday.first_day] = str(Path(job.path.parent.name) / job.path.name)
    return stored


def slips_in(table: Table, *, run: RunSettings, quarter: Quarter, on: date) -> ImportSummary:
    """A list of families' return slips (回执) handed back: each recorded once a quarter (the
    same file twice changes nothing); a rejected row is told by its row and reason only."""
    with session_for(run.db_url) as session:
        quarter_policy(session=session, quarter=quarter)
        kind = ImportKind.family_slips
        earlier = find_import(session=session, quarter=quarter, kind=kind, sha256=table.sha256)
        if earlier is not None:
            log().info("%s was already imported into %s; nothing changes", table.source, quarter)
            return ImportSummary.already(table.source, earlier)
        result = parse_slips(table, kept=kept_contacts(session), today=on)
        new = record_slips(session, quarter, result.accepted)
        record_import(
            session=session,
            quarter=quarter,
            kind=kind,
            source=table.source,
            sha256=table.sha256,
            read=result.read,
            accepted=len(result.accepted),
            rejects=result.rejects,
            collected_on=on,
        )
    log().info(
        "%s: %d return slips (%d new), %d rejected",
        *(table.source, len(result.accepted), new, len(result.rejects)),
    )
    return ImportSummary.of(result)


def slip_list(*, run: RunSettings, quarter: Quarter, folder: Path) -> Path | None:
    """With return slips in the policy, the list of the consenting families of the quarter's
    cadres to tick off as the slips come back (`QUARTER-family-slips.xlsx`, readable by its
    owner only: it names family members); None without."""
    with session_for(run.db_url) as session:
        _, loaded = quarter_policy(session=session, quarter=quarter)
        if not loaded.policy.families.return_slips:
            return None
        cadres = roster_records(session=session, quarter=quarter)
        families = consenting_families(session, cadres)
    title = f"{run.organisation} {quarter.label} 家属回执登记"
    rows = [(cadres[f.employee_id], f.name, f.relation) for f in families]
    return write_slip_list(folder / f"{quarter.label}-family-slips.xlsx", title, rows)
