"""Issue 43's quarter lived day by day on a fake clock: a roster with three promotions and a
new top leader mid-quarter opens its talks; the registers go out; the top leader's comes back
on 30 November with two talks held and one missing; every working morning dispatch plans the
talk reminders. On 1 December a corrected roster: the member in charge (E2), who holds the
reminder talk, has left; whoever now answers for the unit holds it. After every day the
invariants hold over the whole outbox:

- no talk is chased before its day and the wait for its register, nor once it is held;
- each talk is chased once at each rung, the talker first, then someone above the talker;
- the reminder talk (a cadre showing signs) is chased with its talker alone, in a message whose
  key says it is confidential: no other message, export or count names it;
- nothing goes to anyone off the roster on the day it is planned.
At the end the year report and the records show the talks as they stand.
On SQLite, and on PostgreSQL with LIANJIE_TEST_POSTGRES=1 (the `db_url` fixture).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from core.domain import MessageKind, Quarter
from core.send_keys import confidential_talks_in
from core.talks import TalkKind, TalkState
from flows.annual import prepare_annual
from flows.completion_file import import_completions
from flows.talk_chasing import plan_talk_reminders
from flows.talk_registers import write_talk_registers
from harness.pipeline import run_cycle, run_settings
from harness.talks import AS_OF, ROSTER
from lianjie.exports import Export, Format
from lianjie.exports.database import quarter_file
from lianjie.synthetic import HEADER, write_csv
from models.db import session_for
from models.records import record_data
from models.tables import Message
from models.talks import Talk
from policy.calendar import calendar_for
from policy.escalation import ORGANISATION_DEPARTMENT
from policy.talk_chasing import DISCIPLINE_BODY
from reports.record import cadre_record
from reports.render import labels

Q4 = Quarter(2026, 4)
ZONE = ZoneInfo("Asia/Shanghai")
BACK, CORRECTED, LAST = date(2026, 11, 30), date(2026, 12, 1), date(2027, 1, 8)
CALENDAR = calendar_for(AS_OF, LAST)
WAIT, CLIMB = 2, 7  # the register's wait; the ladder's gap from the cadre's rung to the next
ABOVE = {"E2": {"E1"}, "E1": {ORGANISATION_DEPARTMENT}}  # who ranks above each talker
CORRECTED_ROSTER = [r for r in ROSTER if r[0] != "E2"]


def talk_reminders(db_url: str) -> list[Message]:
    with session_for(db_url) as session:
        query = select(Message).where(Message.kind == MessageKind.talk_reminder)
        return list(session.exec(query).all())


def talks(db_url: str) -> dict[tuple[str, str], Talk]:
    with session_for(db_url) as session:
        return {(t.kind, t.employee_id): t for t in session.exec(select(Talk)).all()}


def names(talk: Talk, body: str) -> bool:
    """Whether a message's body lists this talk: its cadre and its kind on one line."""
    kind = labels("zh")["talk_kinds"][talk.kind]
    cadre = (f"- 干部{talk.employee_id}，", f"与干部{talk.employee_id}（")
    return any(any(c in line for c in cadre) and kind in line for line in body.splitlines())


def check_the_day(db_url: str, day: date, talked: dict[tuple[str, str], Talk]) -> None:
    bodies = {ORGANISATION_DEPARTMENT, DISCIPLINE_BODY}
    for message in talk_reminders(db_url):
        on_roster = {r[0] for r in (ROSTER if message.due_on < CORRECTED else CORRECTED_ROSTER)}
        assert message.employee_id in on_roster | bodies
        level = int(message.send_key.split(":")[2].removeprefix("L"))
        sent_on = message.due_on
        named = [t for t in talked.values() if names(t, message.body)]
        assert named or message.channel == "sms", message.body
        for talk in named:
            # never before the day and the register's wait, never about a talk held by then
            assert sent_on >= CALENDAR.shift_working_days(talk.due_on, WAIT + CLIMB * (level - 1))
            assert talk.held_on is None or talk.held_on > sent_on
            if level == 1:
                # its talker, or whoever holds the role since the talker left
                talker = "E1" if talk.talker_id == "E2" and sent_on >= CORRECTED else talk.talker_id
                assert message.employee_id in {talker, ORGANISATION_DEPARTMENT} | (
                    {DISCIPLINE_BODY} if talk.talker == "discipline_head" else set()
                )
            else:
                assert talk.talker_id and message.employee_id in ABOVE[talk.talker_id]
            if talk.kind in (TalkKind.reminder, TalkKind.admonishment):
                assert confidential_talks_in(message.send_key) and level == 1
        if not confidential_talks_in(message.send_key):
            assert "干部E5" not in message.body and "提醒谈话" not in message.body
    emails = [m for m in talk_reminders(db_url) if m.channel == "email"]
    chased = [
        (t.id, m.send_key.split(":")[2]) for m in emails for t in talked.values()
        if names(t, m.body)
    ]  # fmt: skip
    assert len(chased) == len(set(chased)), "a talk chased twice at one rung"


def test_a_quarter_of_talks_lived_day_by_day(db_url: str, tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "roster.csv", HEADER, ROSTER)
    run_cycle(db_url, roster, tmp_path / "cards", as_of=AS_OF)
    registers, _ = write_talk_registers(Q4, tmp_path / "out", "zh")
    workbook = next(m.workbook for m in registers if m.talker == "E1")
    run = run_settings(
        db_url,
        data_dir=tmp_path / "data",
        organisation_email="zzb@gov.example.cn",
        discipline_email="jw@gov.example.cn",
    )
    day = AS_OF
    while day <= LAST:
        if day == BACK:  # the top leader's register: E2's and E3's talks held, E4's missing
            book = load_workbook(workbook)
            sheet = book.active
            assert sheet is not None
            for row in sheet.iter_rows(min_row=3):
                if row[0].value in ("E2", "E3"):
                    row[5].value = (
                        date(2026, 11, 25) if row[0].value == "E2" else date(2026, 11, 26)
                    )
            book.save(workbook)
            back = import_completions.fn(run=run, quarter=Q4, file=str(workbook), on=day)
            assert back.accepted == 2
        if day == CORRECTED:
            corrected = write_csv(tmp_path / "corrected.csv", HEADER, CORRECTED_ROSTER)
            run_cycle(db_url, corrected, tmp_path / "cards", as_of=day, accept_leavers=True)
        if CALENDAR.is_working_day(day):
            plan_talk_reminders.fn(run=run, on=day)
            plan_talk_reminders.fn(run=run, on=day)  # a retry adds nothing
        check_the_day(db_url, day, talks(db_url))
        day += timedelta(days=1)

    talked = talks(db_url)
    assert talked[TalkKind.appointment, "E4"].state == TalkState.due  # the missing one
    assert talked[TalkKind.appointment, "E4"].chased_level == 2
    sent = {(m.employee_id, m.send_key.split(":")[2], m.due_on) for m in talk_reminders(db_url)}
    # E2's talk was chased with E1 on 23 November, before its register came back; E4's (due
    # 10 December) on the 14th with E1, on the 23rd with the organisation department above E1
    assert ("E1", "L1", date(2026, 11, 23)) in sent
    assert ("E1", "L1", date(2026, 12, 14)) in sent
    assert (ORGANISATION_DEPARTMENT, "L2", date(2026, 12, 23)) in sent
    # the new top leader's own talk, held by the organisation department, due 16 December
    assert (ORGANISATION_DEPARTMENT, "L1", date(2026, 12, 18)) in sent
    # the supervision talks, due 31 December, with the discipline body in January
    assert (DISCIPLINE_BODY, "L1", date(2027, 1, 5)) in sent
    secret = [m for m in talk_reminders(db_url) if confidential_talks_in(m.send_key)]
    # E5's reminder talk, due 5 December: E2 has left, so with the top leader, once, alone
    assert {(m.employee_id, m.due_on) for m in secret} == {("E1", date(2026, 12, 8))}
    assert all("干部E5" in m.body for m in secret if m.channel == "email")
    # the messages export without --confidential shows none of it
    plain = quarter_file(
        db_url=db_url,
        kind=Export.messages,
        quarter=Q4,
        as_of=LAST,
        fmt=Format.csv,
        confidential=False,
    )
    assert "干部E5" not in plain.decode() and "confidential" not in plain.decode()

    # the year report: talks per leader and the letters; the records: the cadre's own talks
    year, _ = prepare_annual.fn(
        run=run, year=2026, out=str(tmp_path / "year"), as_of=datetime.combine(LAST, time(9), ZONE)
    )
    leaders = {r["name"]: r["tally"] for r in year.context["talks"]["leaders"]}
    assert (leaders["干部E1"].held, leaders["干部E1"].overdue) == (2, 1)  # and no reminder talk
    assert year.context["talks"]["letters"].signed == 0
    for who, confidential, kinds in (
        ("E4", False, [("任前廉政谈话", "逾期未谈")]),
        ("E5", False, []),
        ("E5", True, [("提醒谈话", "逾期未谈")]),
    ):
        with session_for(db_url) as session:
            quarters = record_data(session=session, employee_id=who)
        record = cadre_record(
            who,
            quarters,
            labels=labels("zh"),
            organisation="示范市",
            as_of=datetime.combine(LAST, time(9), ZONE),
            confidential=confidential,
        )
        assert [(k["kind"], k["state"]) for q in record["quarters"] for k in q["talks"]] == kinds


def test_a_morning_that_chases_only_a_reminder_talk_says_nothing_of_it(
    db_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """8 December: E5's reminder talk is the only talk chased; the run's log and result count
    nothing, as on a morning with nothing to chase."""
    write = write_csv(tmp_path / "roster.csv", HEADER, ROSTER)
    run_cycle(db_url, write, tmp_path / "cards", as_of=AS_OF)
    run = run_settings(db_url, data_dir=tmp_path / "data")
    for day in (date(2026, 11, 23), date(2026, 12, 4)):  # the ordinary talks' rungs, first
        plan_talk_reminders.fn(run=run, on=day)
    with caplog.at_level("INFO"):
        told = plan_talk_reminders.fn(run=run, on=date(2026, 12, 8))
    assert told == {"talks": 0, "reminders": 0}
    assert [m for m in talk_reminders(db_url) if m.due_on == date(2026, 12, 8)]  # yet it went
    assert "0 chased, 0 reminders" in caplog.text
