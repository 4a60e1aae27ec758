"""The attendance loop: sign-in sheets go out, completion data comes back.

On the small synthetic city (4 units × 12 cadres) whose quarter opened on 2026-10-01: a
session's sheet names its people and nobody else; its workbook, filled in as a clerk would and
collected, gives exactly the standings written in it; its QR code reads back as the session
code; a long session's sheet repeats its header on every page; an admonition session's sheet
stays confidential; a sheet goes out once per list of people, a new version when it changes.
"""

from __future__ import annotations

import logging
import subprocess
from datetime import date, time
from pathlib import Path
from typing import ClassVar

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import col, select, update

from core.domain import CadreRecord, Quarter, Rank, SessionPlan, Track
from flows.collect import import_completions
from flows.sheets import SheetOut, make_sheets, queue_sheets
from harness.pipeline import QUARTER, run_cycle, run_settings, write_city
from lianjie.exports import Export, build_rows
from models.db import session_for
from models.facts import load_quarter
from models.placements import ProgrammeInfo
from models.tables import Cadre, EducationSession, Enrolment, Message
from reports.render import Rendered, RenderJob, labels, render_pdf
from reports.sheets import (
    SheetLine,
    chosen_sessions,
    sheet_context,
    sheet_lines,
    write_sheet_workbook,
)

ORGANISER = "peixun@gov.example.cn"
DISCIPLINE = "jiwei@gov.example.cn"


@pytest.fixture
def city(db_url: str, tmp_path: Path) -> str:
    run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
    return db_url


def rendered_sheet(
    info: SessionPlan,
    programme: ProgrammeInfo,
    lines: list[SheetLine],
    path: Path,
    *,
    walk_in_rows: int = 5,
) -> Rendered:
    """A session's sign-in sheet rendered as a PDF, in Chinese, for 示范市."""
    context = sheet_context(
        info,
        programme,
        lines,
        lang="zh",
        labels=labels("zh"),
        organisation="示范市",
        walk_in_rows=walk_in_rows,
        version=1,
        minutes=90,
    )
    return render_pdf(RenderJob("sign_in.html.j2", context, path))


def first_session(db_url: str, *, confidential: bool = False) -> EducationSession:
    with session_for(db_url) as session:
        found = session.exec(
            select(EducationSession)
            .where(
                (col(EducationSession.programme_code) == "AD")
                if confidential
                else (col(EducationSession.programme_code) != "AD"),
                col(EducationSession.makeup).is_(False),
            )
            .order_by(col(EducationSession.held_on), col(EducationSession.code))
        ).first()
        assert found is not None
        session.expunge(found)
        return found


def people(db_url: str, code: str) -> tuple[set[str], set[str]]:
    """The employee ids of the people enrolled in a session, and of everyone else."""
    with session_for(db_url) as session:
        enrolled = set(
            session.exec(
                select(Enrolment.employee_id).where(
                    Enrolment.session_code == code, Enrolment.status == "enrolled"
                )
            )
        )
        everyone = set(session.exec(select(Cadre.employee_id)))
    return enrolled, everyone - enrolled


def pdf_text(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


class TestTheSheet:
    def test_names_every_enrolled_person_and_nobody_else(self, city: str, tmp_path: Path) -> None:
        held = first_session(city)
        [sheet] = make_sheets.fn(
            run=run_settings(city),
            quarter=Quarter(2026, 4),
            chosen=[held.code],
            folder=str(tmp_path / "out"),
        )
        text = "\n".join(pdf_text(Path(sheet.pdf)))
        enrolled, others = people(city, held.code)  # names repeat in a city: ids do not
        assert enrolled and [] == sorted(e for e in enrolled if e not in text)
        assert [] == sorted(e for e in others if e in text)
        assert held.code in text and "签名" in text and "应到人数" in text
        assert sheet.people == len(enrolled)
        assert Path(sheet.pdf).parent == tmp_path / "out" / "sheets"

    def test_the_qr_code_reads_back_as_the_session_code(self, city: str, tmp_path: Path) -> None:
        import zxingcpp
        from PIL import Image

        held = first_session(city)
        [sheet] = make_sheets.fn(
            run=run_settings(city),
            quarter=Quarter(2026, 4),
            chosen=[held.code],
            folder=str(tmp_path),
        )
        subprocess.run(
            ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", sheet.pdf, str(tmp_path / "p")],
            check=True,
        )
        [png] = list(tmp_path.glob("p*.png"))
        found = zxingcpp.read_barcodes(Image.open(png))
        assert [held.code] == [b.text for b in found]

    def test_two_hundred_people_paginate_with_the_header_on_every_page(
        self, tmp_path: Path
    ) -> None:
        people = [
            CadreRecord(
                employee_id=f"E{n:05d}",
                name=f"干部{n:03d}",
                unit_code=f"U{n % 7}",
                unit_name=f"第{n % 7}单位",
                post="科长",
                rank=Rank.section,
            )
            for n in range(200)
        ]
        info = SessionPlan(
            "26Q4-IO-09", "IO", 1, date(2026, 11, 10), time(9), "市委党校报告厅", 300, makeup=False
        )
        programme = ProgrammeInfo(
            "IO", Track.in_office, "在职领导干部经常性专题教育", "x", 1, None, False
        )
        done = rendered_sheet(info, programme, sheet_lines(people, {}), tmp_path / "long.pdf")
        pages = pdf_text(done.path)
        assert done.pages >= 4
        assert all("签名" in page and "序号" in page for page in pages)
        assert all(f"干部{n:03d}" in "".join(pages) for n in range(200))

    def test_people_are_in_unit_order_then_the_most_senior_first(self) -> None:
        def cadre(who: str, unit: str, rank: Rank | None) -> CadreRecord:
            return CadreRecord(
                employee_id=who, name=who, unit_code=unit, unit_name=unit, post="x", rank=rank
            )

        lines = sheet_lines(
            [
                cadre("b-staff", "B", Rank.staff),
                cadre("a-section", "A", Rank.section),
                cadre("b-bureau", "B", Rank.bureau),
                cadre("a-division", "A", Rank.division),
            ],
            {},
        )
        assert ["a-division", "a-section", "b-bureau", "b-staff"] == [x.name for x in lines]
        assert [1, 2, 3, 4] == [x.number for x in lines]

    def test_someone_no_channel_reaches_is_marked_to_be_told_in_person(
        self, tmp_path: Path
    ) -> None:
        """Issue 36: a top leader with neither phone nor e-mail was never contacted."""
        reached = CadreRecord("E1", "王一", "U01", "局", "科长", phone="13800000001")
        alone = CadreRecord("E2", "赵二", "U01", "局", "局长")
        lines = sheet_lines([reached, alone], {})
        assert [False, True] == [x.unreachable for x in lines]
        info = SessionPlan("26Q4-IO-01", "IO", 1, date(2026, 10, 14), time(9), "会议室", 40)
        programme = ProgrammeInfo(
            "IO", Track.in_office, "在职干部廉洁教育", "In post", 1, None, False
        )
        done = rendered_sheet(info, programme, lines, tmp_path / "sheet.pdf", walk_in_rows=0)
        [page] = pdf_text(done.path)
        row = next(line for line in page.splitlines() if "赵二" in line)
        assert "无手机、邮箱，请当面通知" in "".join(row.split())  # wrapped in its cell
        assert "请当面" not in next(line for line in page.splitlines() if "王一" in line)
        book = tmp_path / "sheet.xlsx"
        write_sheet_workbook(book, info, "在职干部廉洁教育", lines, lang="zh", labels=labels("zh"))
        rows = list(load_workbook(book).active.iter_rows(min_row=3, values_only=True))
        assert [None, "无手机、邮箱，请当面通知"] == [r[7] for r in rows]


class TestTheWorkbookComesBack:
    def test_filled_in_rows_give_their_standings_and_blank_ones_are_not_filled_in(
        self, city: str, tmp_path: Path
    ) -> None:
        held = first_session(city)
        [sheet] = make_sheets.fn(
            run=run_settings(city),
            quarter=Quarter(2026, 4),
            chosen=[held.code],
            folder=str(tmp_path),
        )
        book = load_workbook(sheet.workbook)
        rows = book.active
        assert rows is not None
        marks = ["已参加", "缺席", "请假", None]
        written: dict[str, str | None] = {}
        for number, row in enumerate(rows.iter_rows(min_row=3), start=0):
            mark = marks[number % 4]
            row[4].value = mark
            if mark == "已参加":
                row[5].value = 92
            written[str(row[0].value)] = mark
        assert rows.data_validations.dataValidation  # the list to pick a status from
        filled = tmp_path / "filled.xlsx"
        book.save(filled)

        summary = import_completions.fn(
            run=run_settings(city), quarter=Quarter(2026, 4), file=str(filled)
        )
        expected = [w for w in written.values() if w]
        assert (len(expected), len(expected), 0) == (
            summary.read,
            summary.accepted,
            summary.rejected,
        )
        blank = sorted(e for e, w in written.items() if w is None)
        assert blank == sorted(x.split(": ")[1] for x in summary.not_filled_in)

        with session_for(city) as session:
            data = load_quarter(session=session, quarter=Quarter(2026, 4))
        assert data is not None
        [row] = [
            r
            for r in build_rows(
                Export.attendance, data, [], confidential=False, as_of=date(2026, 12, 1)
            )
            if r["session_code"] == held.code
        ]
        assert (
            len(written),
            expected.count("已参加"),
            expected.count("缺席"),
            expected.count("请假"),
            len(blank),
        ) == (row["enrolled"], row["present"], row["absent"], row["excused"], row["not_filled_in"])

    def test_a_confidential_sheet_collected_is_named_nowhere(
        self, city: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Its title line (the session's code and programme) was logged and shown in the
        summary that the collect artifact and the run's output carry."""
        caplog.set_level(logging.INFO)
        held = first_session(city, confidential=True)
        [sheet] = make_sheets.fn(
            run=run_settings(city),
            quarter=Quarter(2026, 4),
            chosen=[held.code],
            folder=str(tmp_path),
        )
        book = load_workbook(sheet.workbook)
        rows = book.active
        assert rows is not None
        for row in rows.iter_rows(min_row=3):
            row[4].value = "已参加"
        filled = tmp_path / f"{held.code}-filled.xlsx"
        book.save(filled)
        summary = import_completions.fn(
            run=run_settings(city), quarter=Quarter(2026, 4), file=str(filled)
        )
        assert summary.accepted > 0
        shown = summary.model_dump_json() + "\n".join(r.getMessage() for r in caplog.records)
        assert "-AD-" not in shown and "警示" not in shown, shown


class TestConfidentialSheets:
    """Issue 37: admonition sign-in sheets (PDF and workbook) were written in clear, in a
    folder the README suggested serving, and e-mailed as they were."""

    def test_encrypted_before_they_reach_their_folder_and_read_back_with_the_password(
        self, city: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import msoffcrypto

        monkeypatch.setenv("LIANJIE_CONFIDENTIAL_PASSWORD", "jijian-2026")
        held = first_session(city, confidential=True)
        [sheet] = make_sheets.fn(
            run=run_settings(city),
            quarter=Quarter(2026, 4),
            chosen=[held.code],
            folder=str(tmp_path),
        )
        assert PdfReader(sheet.pdf).is_encrypted
        with Path(sheet.workbook).open("rb") as handle:
            assert msoffcrypto.OfficeFile(handle).is_encrypted()
        written = [p for p in (tmp_path / "confidential").rglob("*") if p.is_file()]
        assert sorted(written) == sorted([Path(sheet.pdf), Path(sheet.workbook)])
        # filled in by the discipline body, saved with its password, collected with it
        with Path(sheet.workbook).open("rb") as handle:
            office = msoffcrypto.OfficeFile(handle)
            office.load_key(password="jijian-2026")
            clear = tmp_path / "clear.xlsx"
            with clear.open("wb") as out:
                office.decrypt(out)
        book = load_workbook(clear)
        rows = book.active
        assert rows is not None
        for row in rows.iter_rows(min_row=3):
            row[4].value = "已参加"
        book.save(clear)
        from msoffcrypto.format.ooxml import OOXMLFile

        returned = tmp_path / "returned.xlsx"
        with clear.open("rb") as source, returned.open("wb") as out:
            OOXMLFile(source).encrypt("jijian-2026", out)
        summary = import_completions.fn(
            run=run_settings(city), quarter=Quarter(2026, 4), file=str(returned)
        )
        assert summary.accepted > 0 and 0 == summary.rejected

    def test_refused_in_clear_where_the_reports_are_served(
        self, city: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from core.exceptions import LianjieInputError

        monkeypatch.setenv("LIANJIE_REPORTS_URL", "https://intranet.example/lianjie")
        monkeypatch.delenv("LIANJIE_CONFIDENTIAL_PASSWORD", raising=False)
        held = first_session(city, confidential=True)
        with pytest.raises(LianjieInputError, match="LIANJIE_CONFIDENTIAL_PASSWORD"):
            make_sheets.fn(
                run=run_settings(city),
                quarter=Quarter(2026, 4),
                chosen=[held.code],
                folder=str(tmp_path),
            )
        assert not (tmp_path / "confidential").exists() or not any(
            p.is_file() for p in (tmp_path / "confidential").rglob("*")
        )

    def test_a_platform_export_of_every_programme_is_shown_without_the_confidential_rows(
        self, city: str, tmp_path: Path
    ) -> None:
        """A learning platform's export with every session's rows is not a confidential sheet:
        its counts and ordinary rejects are shown; a reject naming an admonition session is
        left out of what the log and artifacts show (the demo hid the whole file)."""
        from lianjie.synthetic import COMPLETION_HEADER, write_csv

        ordinary, secret = first_session(city), first_session(city, confidential=True)
        with session_for(city) as session:
            people = {
                code: session.exec(
                    select(Enrolment.employee_id).where(Enrolment.session_code == code)
                ).all()
                for code in (ordinary.code, secret.code)
            }
        rows = [
            [who, code, "", "", "已参加", "90", "2"] for code, ids in people.items() for who in ids
        ]
        rows.append([people[ordinary.code][0], ordinary.code, "", "", "已参加", "120", "2"])
        rows.append([people[secret.code][0], secret.code, "", "", "已参加", "130", "2"])
        export = write_csv(tmp_path / "platform.csv", COMPLETION_HEADER, rows)
        summary = import_completions.fn(
            run=run_settings(city), quarter=Quarter(2026, 4), file=str(export)
        )
        assert summary.source == str(export) and summary.accepted == len(rows) - 2
        assert 1 == len(summary.rejects)
        assert secret.code not in summary.model_dump_json()


class TestWhereSheetsGo:
    def test_an_admonition_sheet_stays_confidential_and_goes_to_the_discipline_body_only(
        self, city: str, tmp_path: Path
    ) -> None:
        held = first_session(city, confidential=True)
        [sheet] = make_sheets.fn(
            run=run_settings(city),
            quarter=Quarter(2026, 4),
            chosen=[held.code],
            folder=str(tmp_path),
        )
        assert Path(sheet.pdf).parent == tmp_path / "confidential" / "sheets"
        assert not (tmp_path / "sheets").exists()
        assert "仅限纪检监察机关" in pdf_text(Path(sheet.pdf))[0]
        assert "现场补登" not in "".join(pdf_text(Path(sheet.pdf)))  # no walk-in rows
        assert "机密" not in pdf_text(Path(sheet.pdf))[0]
        queued, sent_to = queue_sheets.fn(
            run=run_settings(city, organiser_email=ORGANISER, discipline_email=None),
            quarter=Quarter(2026, 4),
            sheets=[sheet],
            on=date(2026, 10, 9),
        )
        assert (0, {}) == (queued, sent_to), "without a discipline address it goes nowhere"
        queued, sent_to = queue_sheets.fn(
            run=run_settings(city, organiser_email=ORGANISER, discipline_email=DISCIPLINE),
            quarter=Quarter(2026, 4),
            sheets=[sheet],
            on=date(2026, 10, 9),
        )
        assert (1, {held.code: "discipline"}) == (queued, sent_to)
        with session_for(city) as session:
            recipients = set(
                session.exec(select(Message.recipient).where(Message.kind == "sign_in_sheet"))
            )
        assert {DISCIPLINE} == recipients
        # and the attendance export names no admonition session without --confidential
        with session_for(city) as session:
            data = load_quarter(session=session, quarter=Quarter(2026, 4))
        assert data is not None
        shown = build_rows(Export.attendance, data, [], confidential=False, as_of=date(2026, 12, 1))
        assert held.code not in {r["session_code"] for r in shown}

    def test_once_per_list_of_people_and_a_new_version_when_it_changes(
        self, city: str, tmp_path: Path
    ) -> None:
        held = first_session(city)
        on = date(2026, 10, 9)

        def send() -> tuple[int, SheetOut]:
            [sheet] = make_sheets.fn(
                run=run_settings(city),
                quarter=Quarter(2026, 4),
                chosen=[held.code],
                folder=str(tmp_path),
            )
            queued, _ = queue_sheets.fn(
                run=run_settings(city, organiser_email=ORGANISER, discipline_email=None),
                quarter=Quarter(2026, 4),
                sheets=[sheet],
                on=on,
            )
            return queued, sheet

        queued, sheet = send()
        assert (1, 1) == (queued, sheet.version)
        queued, sheet = send()
        assert (0, 1) == (queued, sheet.version), "the same people: nothing new goes out"
        with session_for(city) as session:
            session.execute(
                update(Enrolment)
                .where(
                    col(Enrolment.id)
                    == select(Enrolment.id)
                    .where(Enrolment.session_code == held.code)
                    .limit(1)
                    .scalar_subquery()
                )
                .values(status="withdrawn")
            )
        queued, sheet = send()
        assert (1, 2) == (queued, sheet.version)
        assert "第 2 版" in pdf_text(Path(sheet.pdf))[0]
        with session_for(city) as session:
            sent = list(
                session.exec(
                    select(Message.subject, Message.body)
                    .where(Message.kind == "sign_in_sheet")
                    .order_by(col(Message.id))
                )
            )
        subjects = [subject for subject, _ in sent]
        assert 2 == len(subjects) and "第2版" in subjects[1] and "版" not in subjects[0]
        # as an organiser reads it: the replaced versions said void, the sender on its own line
        first, second = (body.splitlines() for _, body in sent)
        assert "此前各版作废" in "".join(second) and "作废" not in "".join(first)
        assert ["示范市纪委监委", "示范市纪委监委"] == [first[-1], second[-1]]  # as invitations


class TestWhichSessions:
    SESSIONS: ClassVar = [
        SessionPlan(code, "IO", 1, day, time(9), "x", 10, makeup=False)
        for code, day in [
            ("26Q4-IO-01", date(2026, 10, 12)),
            ("26Q4-IO-02", date(2026, 10, 13)),
            ("26Q4-IO-03", date(2026, 10, 14)),
            ("26Q4-IO-04", date(2026, 10, 16)),
        ]
    ]

    def test_one_by_code_those_of_a_day_or_the_next_working_days(self) -> None:
        assert ["26Q4-IO-02"] == [s.code for s in chosen_sessions(self.SESSIONS, code="26q4-io-02")]
        assert ["26Q4-IO-03"] == [
            s.code for s in chosen_sessions(self.SESSIONS, day=date(2026, 10, 14))
        ]
        upcoming = (date(2026, 10, 13), date(2026, 10, 14))
        assert ["26Q4-IO-02", "26Q4-IO-03"] == [
            s.code for s in chosen_sessions(self.SESSIONS, upcoming=upcoming)
        ]


@pytest.mark.slow
class TestOnTheCommandLine:
    def test_sheets_of_a_day_delivered_collected_and_exported(
        self, tmp_path: Path, prefect_harness: str, isolated_settings: Path
    ) -> None:
        """`lianjie sheets --date D --deliver` makes the day's sheets and queues them for the
        organiser; a filled workbook goes through `lianjie collect`; `export attendance` counts
        it; an unknown session is exit 2 with one line."""
        import json
        import os
        import sys

        from harness.pipeline import write_city

        env = os.environ | {
            "PREFECT_API_URL": prefect_harness,
            "LIANJIE_ORGANISER_EMAIL": ORGANISER,
            "LIANJIE_OUTPUT_DIR": str(tmp_path / "out"),
        }

        def lianjie(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "lianjie.cli", *args],
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )

        roster = write_city(tmp_path)
        cycle = lianjie("cycle", "-q", "2026Q4", "--roster", str(roster), "--as-of", "2026-10-01")
        assert 0 == cycle.returncode, cycle.stderr[-2000:]
        held = first_session(f"sqlite:///{isolated_settings / 'lianjie.db'}")
        made = lianjie(
            "sheets", "-q", "2026Q4", "--date", held.held_on.isoformat(), "--deliver", "--json"
        )
        assert 0 == made.returncode, made.stderr[-2000:]
        summary = json.loads(made.stdout)
        mine = [s for s in summary["sheets"] if s["session_code"] == held.code]
        assert 1 == len(mine) and "organiser" == mine[0]["sent_to"]
        assert summary["queued_for_organisers"] == len(
            [s for s in summary["sheets"] if s["sent_to"]]
        )
        workbook = Path(mine[0]["workbook"])
        assert workbook.is_file() and Path(mine[0]["pdf"]).is_file()

        collected = lianjie("collect", "-q", "2026Q4", str(workbook), "--json")
        assert 0 == collected.returncode, collected.stderr[-2000:]
        files = json.loads(collected.stdout)["files"]
        assert (0, 0, mine[0]["people"]) == (
            files[0]["read"],
            files[0]["rejected"],
            len(files[0]["not_filled_in"]),
        ), "a workbook nobody filled in: every row is 'not filled in', none is a reject"

        exported = lianjie("export", "-q", "2026Q4", "attendance", "--format", "json")
        assert 0 == exported.returncode, exported.stderr[-2000:]
        [row] = [r for r in json.loads(exported.stdout) if r["session_code"] == held.code]
        assert (mine[0]["people"], 0, mine[0]["people"]) == (
            row["enrolled"],
            row["present"],
            row["not_filled_in"],
        )

        unknown = lianjie("sheets", "-q", "2026Q4", "--session", "26Q4-XX-99")
        assert 2 == unknown.returncode and "no session 26Q4-XX-99" in unknown.stderr
        assert "Traceback" not in unknown.stderr


def test_the_artifact_counts_confidential_sheets_without_naming_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Prefect's UI showed 26Q4-AD-M01, its date and 1 person: with the roster's sizes, a name."""
    from datetime import date

    from core.settings import Settings
    from flows import sheets

    shown: list[list[dict[str, object]]] = []
    monkeypatch.setattr(sheets, "publish_table", lambda key, rows, description: shown.append(rows))

    def sheet(code: str, confidential: bool, people: int) -> sheets.SheetOut:
        return sheets.SheetOut(
            session_code=code,
            programme=code[5:7],
            held_on=date(2026, 10, 14),
            people=people,
            version=1,
            confidential=confidential,
            pdf=f"/r/{code}.pdf",
            workbook=f"/r/{code}.xlsx",
        )

    made = [sheet("26Q4-LC-01", False, 30), sheet("26Q4-AD-M01", True, 1)]
    sheets.publish_sheets(
        sheets.SheetsSummary(quarter="2026Q4", rendered=2, sheets=made), Settings(lang="en")
    )
    [rows] = shown
    assert "26Q4-LC-01" == rows[0]["session"]
    assert "-AD-" not in repr(rows) and "14 October" not in repr(rows[1:])
    assert {"session": "confidential sessions", "sheets": 1} == rows[1]


def test_a_days_sheets_read_the_sessions_and_roster_not_the_whole_quarter(
    city: str, tmp_path: Path
) -> None:
    """Making and queueing a day's sheets reads the sessions, places and roster: no outcome,
    track, import, reject or chasing of the quarter (a province holds millions of those)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    read: list[str] = []

    def seen(_conn, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            read.append(statement)

    held = first_session(city)
    event.listen(Engine, "before_cursor_execute", seen)
    try:
        [sheet] = make_sheets.fn(
            run=run_settings(city), quarter=QUARTER, chosen=[held.code], folder=str(tmp_path)
        )
        queue_sheets.fn(run=run_settings(city), quarter=QUARTER, sheets=[sheet], on=held.held_on)
    finally:
        event.remove(Engine, "before_cursor_execute", seen)

    def reading(table: str) -> list[str]:
        return [s for s in read if f"FROM {table}" in s or f"JOIN {table}" in s]

    assert reading("session") and reading("enrolment") and reading("cadre")
    for table in ("completion", "assignment", "file_import", "rejected_row", "escalation"):
        assert [] == reading(table), table
