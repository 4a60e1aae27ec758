"""The stages against a real database: idempotent, nothing lost, nothing sent twice."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from core.domain import Quarter
from flows.collect import import_completions
from flows.dispatch import send_due
from harness.pipeline import SEND_ON, counts, run_cycle, run_settings, write_city
from lianjie.synthetic import COMPLETION_HEADER, HEADER, write_csv
from models.db import session_for
from models.tables import (
    Cadre,
    Completion,
    EducationSession,
    Enrolment,
    Message,
    RosterChange,
)


class TestCycle:
    def test_first_run_fills_every_stage(self, db_url: str, tmp_path: Path) -> None:
        """Roster in, tracks, sessions, enrolments and messages out; the three bad rows kept."""
        result = run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
        imported = result["imported"]
        assert (51, 48, 3) == (imported.read, imported.accepted, imported.rejected)
        assert 4 == result["tracks"]["top_leader"]
        after = counts(db_url)
        assert 48 == after["Cadre"]
        assert 3 == after["RejectedRow"]
        assert after["Enrolment"] > 48
        assert after["Message"] > after["Enrolment"]

    def test_rerun_changes_nothing(self, db_url: str, tmp_path: Path) -> None:
        """Running the same quarter again leaves every table exactly as it was."""
        roster = write_city(tmp_path)
        run_cycle(db_url, roster, tmp_path / "cards")
        before = counts(db_url)
        again = run_cycle(db_url, roster, tmp_path / "cards")
        assert before == counts(db_url)
        assert again["imported"].already_imported
        assert 0 == again["messages"]["total_new"]
        assert 0 == again["sessions"]["new_sessions"]

    def test_next_quarter_records_joiners_leavers_and_changes(
        self, db_url: str, tmp_path: Path
    ) -> None:
        """A new quarter's roster updates people and records what changed; Q4 stays as it was."""
        first = write_city(tmp_path)
        run_cycle(db_url, first, tmp_path / "cards")
        lines = first.read_text(encoding="utf-8-sig").splitlines()
        header, people = lines[0], lines[1:49]
        moved = people[5].replace(",乡科级,", ",县处级,")
        changed = [*people[1:5], moved, *people[6:], people[0].replace("E000001", "E777777")]
        second = tmp_path / "roster-q1.csv"
        second.write_text("\n".join([header, *changed]) + "\n", encoding="utf-8")
        q4_cadres = counts(db_url)["Cadre"]
        run_cycle(db_url, second, tmp_path / "cards", quarter="2027Q1", as_of=date(2027, 1, 4))
        with session_for(db_url) as session:
            changes = {
                (c.employee_id, c.change, c.field)
                for c in session.exec(select(RosterChange).where(RosterChange.quarter == "2027Q1"))
            }
            q4 = session.exec(
                select(func.count()).select_from(Cadre).where(Cadre.quarter == "2026Q4")
            ).one()
        assert ("E777777", "joined", "") in changes
        assert ("E000001", "left", "") in changes
        assert any(field == "rank" for _, kind, field in changes if kind == "changed")
        assert q4_cadres == q4

    def test_holiday_reminder_for_new_year_is_planned_in_q4(
        self, db_url: str, tmp_path: Path
    ) -> None:
        """New Year's Day 2027 is reminded on 2026-12-29, in Q4, with the card attached."""
        run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
        with session_for(db_url) as session:
            reminders = session.exec(
                select(Message).where(Message.kind == "holiday_reminder")
            ).all()
        assert {date(2026, 12, 29)} == {m.due_on for m in reminders}
        emails = [m for m in reminders if m.channel == "email"]
        assert emails and all(m.attachment and (tmp_path / m.attachment).is_file() for m in emails)

    def test_a_card_that_cannot_be_written_stores_no_message_and_a_rerun_does(
        self, db_url: str, tmp_path: Path
    ) -> None:
        """The card renders in a worker beside the planning; if it cannot be written, the run
        fails before committing (no reminder points at a missing card), and the run again,
        the folder fixed, stores every message with its card."""
        roster = write_city(tmp_path)
        cards = tmp_path / "data" / "cards"
        cards.parent.mkdir()
        cards.write_text("a file where the cards folder should be")
        with pytest.raises(OSError):
            run_cycle(db_url, roster, cards)
        with session_for(db_url) as session:
            assert 0 == session.exec(select(func.count()).select_from(Message)).one()
        cards.unlink()
        planned = run_cycle(db_url, roster, cards)["messages"]
        assert isinstance(planned, dict) and planned["holiday_reminder"] > 0
        with session_for(db_url) as session:
            attached = set(
                session.exec(
                    select(Message.attachment).where(
                        Message.kind == "holiday_reminder", Message.channel == "email"
                    )
                )
            )
        assert attached and all((cards.parent / a).is_file() for a in attached if a)

    def test_a_card_is_rendered_only_for_a_holiday_with_new_reminders(
        self, db_url: str, tmp_path: Path
    ) -> None:
        """The same quarter again queues no reminder, so it renders no card; a new leader on
        the roster is reminded, with the card rendered again if it went missing."""
        roster = write_city(tmp_path)
        cards = tmp_path / "cards"
        run_cycle(db_url, roster, cards)
        first = sorted(p.name for p in cards.iterdir())
        assert [n for n in first if "new_year" in n], first
        shutil.rmtree(cards)
        run_cycle(db_url, roster, cards)
        assert not cards.exists() or not list(cards.iterdir())
        with roster.open(encoding="utf-8") as file:
            rows = list(csv.reader(file))
        newcomer = [*next(r for r in rows[1:] if r[HEADER.index("班子职务")] == "主要负责人")]
        newcomer[HEADER.index("工号")] = "E900001"
        newcomer[HEADER.index("邮箱")] = "newcomer@example.cn"
        newcomer[HEADER.index("手机")] = "13900000901"
        again = write_csv(tmp_path / "roster-b.csv", HEADER, [*rows[1:], newcomer])
        run_cycle(db_url, again, cards)
        assert sorted(p.name for p in cards.iterdir()) == first
        with session_for(db_url) as session:
            told = session.exec(
                select(Message).where(
                    Message.kind == "holiday_reminder", Message.employee_id == "E900001"
                )
            ).all()
        assert {m.channel for m in told} == {"sms", "email"}


class TestDispatch:
    def test_each_message_goes_once(self, db_url: str, tmp_path: Path) -> None:
        """Dispatching twice sends everything due once; the file outbox holds one file each."""
        run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
        first = send_due.fn(run=run_settings(db_url), kind="email", on=SEND_ON)
        second = send_due.fn(run=run_settings(db_url), kind="email", on=SEND_ON)
        assert first["sent"] > 0
        assert 0 == second["sent"]
        files = list((tmp_path / "data" / "outbox" / "email").glob("*.eml"))
        assert first["sent"] == len(files)

    def test_failures_are_kept_and_retried(
        self, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An SMS gateway that fails keeps the messages queued with the error, then recovers."""
        from harness.servers import sms_gateway

        run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
        with sms_gateway([500] * 1000) as (url, received):
            monkeypatch.setenv("LIANJIE_SMS_URL", url)
            failed = send_due.fn(run=run_settings(db_url), kind="sms", on=SEND_ON)
        assert 0 == failed["sent"] and failed["failed"] > 0
        with session_for(db_url) as session:
            kept = session.exec(
                select(Message).where(Message.channel == "sms", Message.status == "retrying")
            ).all()
            for message in kept:  # the back-off has passed
                message.next_attempt_at = None
                session.add(message)
        assert all(
            "500" in (m.last_error or "") and "s3cret" not in (m.last_error or "") for m in kept
        )
        with sms_gateway() as (url, received):
            monkeypatch.setenv("LIANJIE_SMS_URL", url)
            recovered = send_due.fn(run=run_settings(db_url), kind="sms", on=SEND_ON)
        assert failed["failed"] == recovered["sent"] == len(received)


class TestMakeups:
    def test_absent_people_are_booked_and_invited(self, db_url: str, tmp_path: Path) -> None:
        """An absentee gets the next make-up session and an invitation to it, once."""
        from flows.makeups import offer_makeups
        from flows.messages import plan_messages

        run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
        with session_for(db_url) as session:
            code, who = session.exec(
                select(Enrolment.session_code, Enrolment.employee_id).where(
                    col(Enrolment.session_code).contains("-IO-")
                )
            ).first()
        sheet = write_csv(
            tmp_path / "absent.csv", COMPLETION_HEADER, [[who, code, "", "", "缺席", "", ""]]
        )
        import_completions.fn(run=run_settings(db_url), quarter=Quarter(2026, 4), file=str(sheet))
        offered = offer_makeups.fn(
            run=run_settings(db_url), quarter=Quarter(2026, 4), as_of=date(2026, 11, 16)
        ).counts
        again = offer_makeups.fn(
            run=run_settings(db_url), quarter=Quarter(2026, 4), as_of=date(2026, 11, 16)
        ).counts
        assert (1, 1) == (offered["new_sessions"], offered["booked"])
        assert (0, 0) == (again["new_sessions"], again["booked"])
        plan_messages.fn(
            run=run_settings(db_url, data_dir=tmp_path),
            quarter=Quarter(2026, 4),
            as_of=date(2026, 11, 16),
        )
        with session_for(db_url) as session:
            makeup = session.exec(
                select(EducationSession).where(col(EducationSession.makeup).is_(True))
            ).one()
            invitations = session.exec(
                select(Message).where(
                    Message.kind == "invitation", col(Message.send_key).contains(makeup.code)
                )
            ).all()
        assert makeup.code.endswith("-M01") and makeup.held_on > date(2026, 11, 20)
        assert {who} == {m.employee_id for m in invitations}
        assert all(makeup.code in m.body for m in invitations)


class TestDropFolder:
    def test_spreadsheets_in_the_drop_folder_oldest_first(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The scheduled collection takes the drop folder's .csv and .xlsx files, oldest first."""
        import os

        from core.settings import Settings
        from flows.drop_folder import dropped_files

        folder = tmp_path / "drop"
        folder.mkdir()
        for age, name in enumerate(["b.csv", "a.xlsx", "notes.txt"]):
            (folder / name).write_text("x")
            os.utime(folder / name, (1_000_000 - age, 1_000_000 - age))
        monkeypatch.setenv("LIANJIE_DROP_DIR", str(folder))
        found, odd = dropped_files(Settings())
        assert (["a.xlsx", "b.csv"], []) == ([p.name for p in found], odd)


class TestCollect:
    def test_a_top_leader_in_a_joint_session_completes_their_own_programme(
        self, db_url: str, tmp_path: Path
    ) -> None:
        """Signing in at a team session counts for the top leader's programme, not the team's."""
        from models.facts import load_quarter
        from policy.progress import Standing, quarter_standings

        run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
        with session_for(db_url) as session:
            data = load_quarter(session=session, quarter=Quarter(2026, 4))
        assert data is not None
        leader = next(c for c in data.cadres if "top_leader" in data.tracks[c.employee_id])
        [code] = [
            c
            for c, who, _ in data.enrolments
            if who == leader.employee_id and c.split("-")[1] == "TM"
        ]
        sheet = write_csv(
            tmp_path / "tl.csv",
            COMPLETION_HEADER,
            [[leader.employee_id, code, "", "", "已参加", "90", "2"]],
        )
        import_completions.fn(run=run_settings(db_url), quarter=Quarter(2026, 4), file=str(sheet))
        with session_for(db_url) as session:
            data = load_quarter(session=session, quarter=Quarter(2026, 4))
        _, standing = quarter_standings(data, as_of=date(2026, 12, 31))  # type: ignore[arg-type]
        assert Standing.complete == standing[(leader.employee_id, "TL")]

    def test_completions_import_once_and_later_rows_supersede(
        self, db_url: str, tmp_path: Path
    ) -> None:
        """The same file twice changes nothing; a later row for a session replaces the earlier."""
        run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
        with session_for(db_url) as session:
            # an ordinary session's: a confidential programme's sheet is only counted
            code, who = session.exec(
                select(Enrolment.session_code, Enrolment.employee_id).where(
                    ~col(Enrolment.session_code).contains("-AD-")
                )
            ).first()
        rows = [
            [who, code, "", "2026-11-02", "缺席", "", ""],
            [who, code, "", "2026-11-02", "已参加", "95", "2"],
            ["E404404", code, "", "", "已参加", "", ""],
            [who, "", "不存在", "", "线上完成", "", ""],
            [who, code, "", "", "已参加", "120", ""],
        ]
        path = write_csv(tmp_path / "sheet.csv", COMPLETION_HEADER, rows)
        first = import_completions.fn(
            run=run_settings(db_url), quarter=Quarter(2026, 4), file=str(path)
        )
        again = import_completions.fn(
            run=run_settings(db_url), quarter=Quarter(2026, 4), file=str(path)
        )
        assert (5, 2, 3) == (first.read, first.accepted, first.rejected)
        assert [(4, "employee_id"), (5, "programme"), (6, "score")] == [
            (r.row, r.column) for r in first.rejects
        ]
        assert again.already_imported
        with session_for(db_url) as session:
            stored = session.exec(select(Completion).order_by(Completion.source_row)).all()
        assert [("absent", True), ("attended", False)] == [(c.status, c.superseded) for c in stored]
