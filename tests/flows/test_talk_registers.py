"""The talk registers out and back (issue 43, item 4): `lianjie talks` writes each talker's
register, a PDF and a workbook; the workbook comes back through `collect` with two talks held
and one still owed; the held ones are recorded once, the letter signed, the one owed stays
due; a reminder talk is only ever on a confidential register, counted only when it returns."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from sqlmodel import select

from core.domain import Quarter
from core.talks import TalkKind, TalkState
from flows.common import settings, today
from flows.completion_file import import_completions
from flows.talk_chasing import plan_talk_reminders
from flows.talk_registers import write_talk_registers
from harness.cli import lianjie
from harness.pipeline import run_cycle, run_settings
from harness.talks import AS_OF, ROSTER
from lianjie.exports import Export, Format
from lianjie.exports.database import quarter_file
from lianjie.synthetic import HEADER, write_csv
from models.db import session_for
from models.tables import Message, RejectedRow
from models.talks import Pledge, Talk
from reports.talk_register import REGISTER_HEADER

Q4 = Quarter(2026, 4)


def started(db_url: str, tmp_path: Path) -> None:
    run_cycle(
        db_url, write_csv(tmp_path / "r.csv", HEADER, ROSTER), tmp_path / "cards", as_of=AS_OF
    )


def text_of(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def talk(db_url: str, kind: TalkKind, employee_id: str) -> Talk:
    with session_for(db_url) as session:
        found = session.exec(
            select(Talk).where(Talk.kind == kind.value, Talk.employee_id == employee_id)
        ).one()
        session.expunge(found)
        return found


def test_each_talker_gets_a_register_and_the_reminder_talk_goes_apart(
    db_url: str, tmp_path: Path
) -> None:
    started(db_url, tmp_path)
    made = {
        (m.talker, m.confidential): m for m in write_talk_registers(Q4, tmp_path / "out", "zh")[0]
    }
    assert set(made) == {
        ("E1", False),  # the top leader: E2's, E3's and E4's appointment talks
        ("organisation", False),  # the new top leader's own
        ("discipline_head", False),  # both top leaders' supervision talks
        ("E2", True),  # the member in charge: E5's reminder talk, on a register of its own
    }
    assert made["E1", False].talks == 3
    ordinary = [m for m in made.values() if not m.confidential]
    assert all("E5" not in text_of(m.pdf) for m in ordinary)
    assert "提醒谈话" not in "".join(text_of(m.pdf) for m in ordinary)
    secret = made["E2", True]
    assert secret.pdf.parent.name == "confidential" and "提醒谈话" in text_of(secret.pdf)
    assert 0o600 == secret.workbook.stat().st_mode & 0o777
    book = load_workbook(made["E1", False].workbook).active
    assert book is not None
    assert [c.value for c in book[2]] == REGISTER_HEADER
    assert [r[0].value for r in book.iter_rows(min_row=3)] == ["E2", "E3", "E4"]


def test_a_register_comes_back_with_two_talks_held(db_url: str, tmp_path: Path) -> None:
    started(db_url, tmp_path)
    made = {m.talker: m for m in write_talk_registers(Q4, tmp_path / "out", "zh")[0]}
    workbook = made["E1"].workbook
    book = load_workbook(workbook)
    sheet = book.active
    assert sheet is not None
    held = {"E2": (date(2026, 11, 25), None), "E3": (date(2026, 11, 26), date(2026, 11, 26))}
    for row in sheet.iter_rows(min_row=3):
        if row[0].value in held:
            row[5].value, row[9].value = held[row[0].value]
            row[7].value, row[8].value = "局党组会议室", "王记录"
    book.save(workbook)
    run = run_settings(db_url, data_dir=tmp_path / "data")

    back = import_completions.fn(run=run, quarter=Q4, file=str(workbook), on=date(2026, 11, 30))
    assert (back.read, back.accepted, back.rejected) == (2, 2, 0)
    assert back.still_owed and "E4" in back.still_owed[0] and not back.not_filled_in
    e3 = talk(db_url, TalkKind.appointment, "E3")
    assert (e3.state, e3.held_on, e3.place, e3.recorder) == (
        TalkState.held,
        date(2026, 11, 26),
        "局党组会议室",
        "王记录",
    )
    assert talk(db_url, TalkKind.appointment, "E4").state == TalkState.due
    with session_for(db_url) as session:
        signed = {p.employee_id: p.signed_on for p in session.exec(select(Pledge)).all()}
    assert signed["E3"] == date(2026, 11, 26) and signed["E2"] is None

    again = import_completions.fn(run=run, quarter=Q4, file=str(workbook), on=date(2026, 12, 1))
    assert again.already_imported
    assert talk(db_url, TalkKind.appointment, "E3").held_on == date(2026, 11, 26)


def test_bad_rows_are_rejected_with_their_reason_and_the_rest_go_in(
    db_url: str, tmp_path: Path
) -> None:
    started(db_url, tmp_path)
    made = {m.talker: m for m in write_talk_registers(Q4, tmp_path / "out", "zh")[0]}
    workbook = made["E1"].workbook
    book = load_workbook(workbook)
    sheet = book.active
    assert sheet is not None
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=3)}
    rows["E2"][5].value = date(2026, 11, 25)
    rows["E3"][5].value = date(2027, 1, 5)  # still to come on the day it is collected
    rows["E4"][5].value, rows["E4"][3].value = date(2026, 11, 27), "聊天"  # no such kind
    book.save(workbook)
    run = run_settings(db_url, data_dir=tmp_path / "data")
    back = import_completions.fn(run=run, quarter=Q4, file=str(workbook), on=date(2026, 11, 30))
    assert (back.accepted, back.rejected) == (1, 2)
    assert {(r.row, r.column) for r in back.rejects} == {(4, "held_on"), (5, "kind")}
    assert talk(db_url, TalkKind.appointment, "E2").state == TalkState.held


def test_a_confidential_register_comes_back_counted_only(db_url: str, tmp_path: Path) -> None:
    started(db_url, tmp_path)
    made = {
        (m.talker, m.confidential): m for m in write_talk_registers(Q4, tmp_path / "out", "zh")[0]
    }
    workbook = made["E2", True].workbook
    book = load_workbook(workbook)
    sheet = book.active
    assert sheet is not None
    next(sheet.iter_rows(min_row=3))[5].value = date(2026, 11, 28)
    book.save(workbook)
    run = run_settings(db_url, data_dir=tmp_path / "data")
    back = import_completions.fn(run=run, quarter=Q4, file=str(workbook), on=date(2026, 11, 30))
    assert back.accepted == 1 and "E5" not in back.model_dump_json()
    assert talk(db_url, TalkKind.reminder, "E5").state == TalkState.held


def test_each_letter_to_sign_goes_out_with_its_text_version(db_url: str, tmp_path: Path) -> None:
    started(db_url, tmp_path)
    _, letters = write_talk_registers(Q4, tmp_path / "out", "zh")
    assert sorted(p.name for p in letters) == [
        f"2026Q4-pledge-{e}-zh.pdf" for e in ("E2", "E3", "E4", "E6")
    ]
    said = text_of(letters[0])
    assert "廉洁承诺书" in said and "lianjie-2026.1" in said and "承诺人（签名）" in said
    with session_for(db_url) as session:
        issued = {p.issued_on for p in session.exec(select(Pledge)).all()}
    assert issued == {today(settings())}  # the organisation's day, not the machine's


def test_the_command_line_tells_nothing_of_the_confidential_registers(
    db_url: str, tmp_path: Path
) -> None:
    """Whoever runs `lianjie talks` reads its output: a confidential register's talker and
    count would say whose unit has a cadre showing signs. Its file name says nothing either."""
    started(db_url, tmp_path)
    done = lianjie("talks", "--quarter", "2026Q4", "--out", str(tmp_path / "out"))
    assert 0 == done.returncode, done.stderr
    assert "E1" in done.stdout and "E2" not in done.stdout
    assert "confidential" not in done.stdout
    [secret] = (tmp_path / "out" / "confidential").glob("*.pdf")
    assert "E2" not in secret.name


def test_talks_people_decide_are_recorded_from_the_register_and_admonishment_kept_apart(
    db_url: str, tmp_path: Path
) -> None:
    """A collective talk and an admonishment are opened by no roster: a register row of either
    records it, held, by the unit's top leader; the admonishment is counted only and shows in
    no export without --confidential. A kind the roster opens with no talk open is still a
    mistake."""
    started(db_url, tmp_path)
    made = {m.talker: m for m in write_talk_registers(Q4, tmp_path / "out", "zh")[0]}
    workbook = made["E1"].workbook
    book = load_workbook(workbook)
    sheet = book.active
    assert sheet is not None
    sheet.append(["E7", "干部E7", "市审计局", "集体廉政谈话", None, date(2026, 11, 27)])
    sheet.append(["E4", "干部E4", "市财政局", "诫勉谈话", None, date(2026, 11, 27)])
    sheet.append(["E7", "干部E7", "市审计局", "任前廉政谈话", None, date(2026, 11, 27)])
    book.save(workbook)
    run = run_settings(db_url, data_dir=tmp_path / "data")
    back = import_completions.fn(run=run, quarter=Q4, file=str(workbook), on=date(2026, 11, 30))
    assert back.accepted == 2 and "E4" not in back.model_dump_json()  # counted only
    collective = talk(db_url, TalkKind.collective, "E7")
    assert (collective.state, collective.held_on, collective.talker_id) == (
        TalkState.held,
        date(2026, 11, 27),
        "E6",  # the top leader of E7's unit
    )
    assert talk(db_url, TalkKind.admonishment, "E4").state == TalkState.held
    with session_for(db_url) as session:
        rejected = list(session.exec(select(RejectedRow)).all())
    assert [(r.reason_code, r.reason_params["kind"]) for r in rejected] == [
        ("no_open_talk", "appointment")
    ]
    plain, sealed = (
        quarter_file(
            db_url=db_url,
            kind=Export.talks,
            quarter=Q4,
            as_of=date(2026, 12, 1),
            fmt=Format.csv,
            confidential=confidential,
        ).decode()
        for confidential in (False, True)
    )
    assert "collective" in plain and "admonishment" not in plain
    assert "E4,干部E4,U1,admonishment,E1" in sealed

    again = import_completions.fn(run=run, quarter=Q4, file=str(workbook), on=date(2026, 12, 1))
    assert again.already_imported
    with session_for(db_url) as session:
        assert len(session.exec(select(Talk).where(Talk.kind == "collective")).all()) == 1


def test_a_rejected_row_about_a_confidential_talk_is_in_no_ordinary_list(
    db_url: str, tmp_path: Path
) -> None:
    """A register's row naming an admonishment or a reminder talk, rejected (a day to come, a
    cadre unknown), says who is on the track: the rejects export without --confidential leaves
    it out, whichever language or code names the kind."""
    started(db_url, tmp_path)
    made = {m.talker: m for m in write_talk_registers(Q4, tmp_path / "out", "zh")[0]}
    workbook = made["E1"].workbook
    book = load_workbook(workbook)
    sheet = book.active
    assert sheet is not None
    sheet.append(["E4", "干部E4", "市财政局", "诫勉谈话", None, date(2027, 1, 5)])
    sheet.append(["E3", "干部E3", "市财政局", "reminder", None, date(2027, 1, 5)])
    sheet.append(["E7", "干部E7", "市审计局", "集体廉政谈话", None, date(2027, 1, 5)])
    sheet.append(["E4", "干部E4", "市财政局", "提醒谈话", None, date(2026, 11, 20)])  # none open
    book.save(workbook)
    run = run_settings(db_url, data_dir=tmp_path / "data")
    back = import_completions.fn(run=run, quarter=Q4, file=str(workbook), on=date(2026, 11, 30))
    assert back.rejected == 4
    plain, sealed = (
        quarter_file(
            db_url=db_url,
            kind=Export.rejects,
            quarter=Q4,
            as_of=date(2026, 12, 1),
            fmt=Format.csv,
            confidential=confidential,
        ).decode()
        for confidential in (False, True)
    )
    assert "集体廉政谈话" in plain  # an ordinary kind's mistake is for the clerk to fix
    assert "诫勉谈话" not in plain and "E4" not in plain and "reminder" not in plain
    assert "no_open_talk" not in plain and "no_open_talk" in sealed
    assert "诫勉谈话" in sealed and "reminder" in sealed


def test_a_talk_waived_on_the_register_with_its_reason_is_owed_no_more(
    db_url: str, tmp_path: Path
) -> None:
    """备注 免谈：reason with no day waives the talk (state waived, the reason kept), which is
    then neither owed in the reports nor chased; 免谈 with no reason is a reject saying so."""
    started(db_url, tmp_path)
    made = {m.talker: m for m in write_talk_registers(Q4, tmp_path / "out", "zh")[0]}
    workbook = made["E1"].workbook
    book = load_workbook(workbook)
    sheet = book.active
    assert sheet is not None
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=3)}
    rows["E4"][10].value = "免谈：已调任市委办公室，由新单位谈话"
    rows["E3"][10].value = "免谈"
    book.save(workbook)
    run = run_settings(db_url, data_dir=tmp_path / "data")
    back = import_completions.fn(run=run, quarter=Q4, file=str(workbook), on=date(2026, 11, 30))
    assert (back.accepted, back.rejected) == (1, 1)
    assert [(r.column, r.code) for r in back.rejects] == [("note", "waived_without_reason")]
    e4 = talk(db_url, TalkKind.appointment, "E4")
    assert (e4.state, e4.waived_because) == (TalkState.waived, "已调任市委办公室，由新单位谈话")
    assert talk(db_url, TalkKind.appointment, "E3").state == TalkState.due
    plan_talk_reminders.fn(run=run, on=date(2026, 12, 31))
    with session_for(db_url) as session:
        chased = session.exec(select(Message).where(Message.kind == "talk_reminder")).all()
    assert chased and not any("干部E4" in m.body for m in chased)
