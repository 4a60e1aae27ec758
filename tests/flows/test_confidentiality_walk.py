"""The admonition track stays with the person and the discipline inspection body.

A roster with admonition cadres of every discipline kind, a rejected row with a discipline
cell, and nine cadres sharing one phone goes through a quarter; then every export in every
format, every report but the confidential one, the log and every message to someone else are
searched for anything that shows the track.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from core.domain import Quarter, Track
from flows.collect import import_completions
from flows.escalation import plan_escalations
from harness.factories import (
    DISCIPLINE_KINDS,
    ROSTER_HEADER,
    admonition_unit,
    roster_row,
    write_roster,
)
from harness.pipeline import AS_OF, everyone_absent, prepared, run_cycle, run_settings
from lianjie.exports import QUARTER_LISTS, Export, Format, build_rows, serialise, write
from lianjie.synthetic import COMPLETION_HEADER, write_csv
from models.db import session_for
from models.facts import load_quarter
from models.outbox import quarter_messages
from models.tables import Message

KINDS = DISCIPLINE_KINDS
SHARED_PHONE = "13911112222"
# What shows the track: the programme, its code and sessions, the reasons, the discipline cells.
# (A reject may still name the column discipline_status, with its cell hidden, so that the clerk
# knows which cell to fix.)
TELLTALES = [
    "警示教育",
    "Warning education",
    "-AD-",
    "admonition",
    "signs of violating discipline",
    "disciplined 2026",
    "严重警告",
    *KINDS,
]


def roster(folder: Path) -> Path:
    rows = admonition_unit()
    rows.append(roster_row(16, 纪律状况="严重警告"))  # not a value the contract knows: rejected
    for row in rows[2:11]:  # nine cadres, three of them on the admonition track, one phone
        row[ROSTER_HEADER.index("手机")] = SHARED_PHONE
    return write_roster(folder / "roster.csv", rows)


@pytest.fixture
def quarter(db_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> str:
    """The quarter run: cycle, sheets back (one admonition cadre excused), the ladder climbed."""
    caplog.set_level(logging.INFO)
    result = run_cycle(db_url, roster(tmp_path), tmp_path / "cards")
    assert 1 == result["imported"].rejected
    with session_for(db_url) as session:
        data = load_quarter(session=session, quarter=Quarter(2026, 4))
    assert data is not None
    held_on = {s.code: s.held_on for s in data.sessions}
    rows = [
        [who, code, "", held_on[code].isoformat(), "请假" if who == "E0003" else "已参加", "", "2"]
        for code, who, _ in data.enrolments
        if "-AD-" in code and who in {"E0003", "E0004"}
    ]
    # And a row about the programme that is rejected (a score out of range), cells and all.
    rows.append(["E0005", rows[0][1], "", rows[0][3], "已参加", "120", "2"])
    sheet = write_csv(tmp_path / "sheet.csv", COMPLETION_HEADER, rows)
    last = max(held_on.values())
    back = last + timedelta(days=1)
    assert (
        1
        == import_completions.fn(
            run=run_settings(db_url), quarter=Quarter(2026, 4), file=str(sheet), on=back
        ).rejected
    )
    # Everyone else missed their session and then its make-up: a second make-up is booked,
    # and on its day the ladder has climbed to the team (ten working days after the first).
    everyone_absent(db_url, tmp_path, held_by=last, on=back, leave="-AD-")
    with session_for(db_url) as session:
        data = load_quarter(session=session, quarter=Quarter(2026, 4))
    assert data is not None
    first_round, last = last, max(s.held_on for s in data.sessions if s.makeup)
    everyone_absent(
        db_url,
        tmp_path,
        held_after=first_round,
        held_by=last,
        on=last + timedelta(days=1),
        leave="-AD-",
    )
    with session_for(db_url) as session:
        data = load_quarter(session=session, quarter=Quarter(2026, 4))
    assert data is not None
    second = min(s.held_on for s in data.sessions if s.makeup and s.held_on > last)
    plan_escalations.fn(run=run_settings(db_url), on=second)
    return db_url


def text_of_export(data: bytes, fmt: Format) -> str:
    if fmt is Format.xlsx:
        book = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(
            str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row
        )
    return data.decode("utf-8")


class TestExports:
    def test_no_export_shows_the_track_without_confidential(self, quarter: str) -> None:
        """Every export × format: no programme, code, reason or discipline cell of the track."""
        with session_for(quarter) as session:
            data = load_quarter(session=session, quarter=Quarter(2026, 4))
            outbox = quarter_messages(session=session, quarter=Quarter(2026, 4))
        assert data is not None
        shown = {}
        for what in QUARTER_LISTS:
            rows = build_rows(what, data, outbox, confidential=False, as_of=data.as_of)
            for fmt in Format:
                text = text_of_export(serialise(what, rows, fmt), fmt)
                shown[(what.value, fmt.value)] = [w for w in TELLTALES if w in text]
                if fmt is Format.json:
                    values = {v for row in json.loads(text) for v in row.values()}
                    shown[(what.value, fmt.value)] += ["AD"] if "AD" in values else []
        assert {} == {where: found for where, found in shown.items() if found}
        assert 3 * len(QUARTER_LISTS) == len(shown)

    def test_with_confidential_the_file_says_so_and_is_its_owners(
        self, quarter: str, tmp_path: Path
    ) -> None:
        """--confidential: the admonition rows are there, marked, in a 0600 file."""
        with session_for(quarter) as session:
            data = load_quarter(session=session, quarter=Quarter(2026, 4))
        assert data is not None
        rows = build_rows(Export.tracks, data, [], confidential=True, as_of=data.as_of)
        assert 7 == sum(r["track"] == "admonition" for r in rows)
        out = tmp_path / "exports" / "tracks.csv"
        write(serialise(Export.tracks, rows, Format.csv, confidential=True), Format.csv, out)
        # 机密 is a state-secret level only a designated person may assign (issue 38)
        assert out.read_text(encoding="utf-8-sig").startswith("内部资料 CONFIDENTIAL")
        assert 0o600 == stat.S_IMODE(out.stat().st_mode)
        # one JSON shape, a list, as the interface says: each object carries the marking
        document = json.loads(serialise(Export.tracks, rows, Format.json, confidential=True))
        assert isinstance(document, list) and len(document) == len(rows)
        assert all(r["marking"].startswith("内部资料 CONFIDENTIAL") for r in document)


class TestReportsLogsAndMessages:
    def test_team_reports_and_summary_show_no_telltale(self, quarter: str, tmp_path: Path) -> None:
        """Unit reports and the summary count the track at most; the list goes apart, 0600."""
        from harness.pdfs import text_of
        from reports.render import render_pdf

        jobs = prepared(quarter, tmp_path / "out")
        for summary, job in jobs:
            render_pdf(job)
            assert 0o600 == stat.S_IMODE(job.path.stat().st_mode)
            if summary.kind == "confidential":  # rendered in its pending folder, in clear
                assert ("confidential", ".pending") == (
                    job.path.parent.parent.name,
                    job.path.parent.name,
                )
                assert 0o700 == stat.S_IMODE(job.path.parent.stat().st_mode)
                continue
            text = text_of(job.path)
            assert [] == [w for w in TELLTALES if w in text], job.path.name

    def test_a_team_report_counts_only_what_the_team_may_see(
        self, quarter: str, tmp_path: Path
    ) -> None:
        """Issue 37: unit reports printed the admonition track's row, its bar, a count of its
        people and a headline of places beside fewer names. Now the unit's people in scope
        are those with a programme the team may see, and nothing names or counts the track."""
        from harness.pdfs import text_of
        from reports.render import render_pdf

        with session_for(quarter) as session:
            data = load_quarter(session=session, quarter=Quarter(2026, 4))
        assert data is not None
        secret_only = {who for who, held in data.tracks.items() if set(held) == {Track.admonition}}
        jobs = [(s, job) for s, job in prepared(quarter, tmp_path / "out") if s.kind == "unit"]
        [(_, unit)] = [(s, job) for s, job in jobs if s.unit_code == "U01"]
        context = unit.context
        assert "admonition_count" not in context
        assert [] == [r for r in context["track_rows"] if "admonition" in str(r)]
        visible = {
            c.employee_id
            for c in data.cadres
            if c.unit_code == "U01" and set(data.tracks.get(c.employee_id, {})) - {Track.admonition}
        }
        assert len(visible) == context["in_scope"]
        assert not secret_only & visible
        render_pdf(unit)
        text = text_of(unit.path)
        assert "警示" not in text and "名单另报" not in text

    def test_the_log_shows_no_telltale(
        self, quarter: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Every line logged while the quarter ran."""
        logged = "\n".join(r.getMessage() for r in caplog.records)
        assert "严重警告" not in logged and "-AD-" not in logged
        assert [] == [w for w in KINDS if w in logged]

    def test_messages_to_others_show_no_telltale(self, quarter: str) -> None:
        """Digests to the team member and the top leader never name the programme."""
        with session_for(quarter) as session:
            outbox = session.exec(select(Message)).all()
        to_others = [m for m in outbox if m.kind == "escalation" and ":L1:" not in m.send_key]
        assert to_others, "the ladder should have climbed to the team"
        for message in to_others:
            assert [] == [w for w in TELLTALES if w in message.subject + message.body]

    def test_the_outbox_names_no_confidential_session(
        self, quarter: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """The file outbox's names, the text messages' ids and the log lines of a dispatch give
        an opaque reference for a confidential message (the name was its send key, session
        code and all: invitation_26Q4-AD-01_E0004_sms.json)."""
        from flows.dispatch import send_due

        for kind in ("sms", "email"):
            send_due.fn(run=run_settings(quarter), kind=kind, on=date(2026, 12, 31))
        with session_for(quarter) as session:
            sent = session.exec(select(Message).where(Message.status == "sent")).all()
        assert any("-AD-" in m.send_key for m in sent), "an admonition message should be sent"
        outbox = tmp_path / "data" / "outbox"
        names = [p.name for p in outbox.rglob("*") if p.is_file()]
        assert len(names) >= len(sent)
        assert [] == [n for n in names if "-AD-" in n]
        ids = [json.loads(p.read_text())["id"] for p in (outbox / "sms").glob("*.json")]
        assert [] == [i for i in ids if "-AD-" in i]
        assert "-AD-" not in "\n".join(r.getMessage() for r in caplog.records)


class TestSharedContacts:
    def test_nine_cadres_one_phone_is_a_warning_and_admonition_texts_are_held(
        self, db_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Three admonition cadres share the phone: their texts are held with the reason. Only
        a confidential message is ever held, and the warning names who shares the phone: a
        count of held messages in the cycle's summary, table or log would say that one of
        them is on the admonition track. None is shown."""
        caplog.set_level(logging.INFO)
        result = run_cycle(db_url, roster(tmp_path), tmp_path / "cards")
        assert "held" not in result["messages"]  # type: ignore[operator]
        logged = "\n".join(r.getMessage() for r in caplog.records)
        assert not re.search(r"held\W{0,3}\d|\d+ (?:messages )?held", logged), logged
        assert any(
            w.startswith("9 cadres share one phone number: E0003")
            for w in result["imported"].warnings
        )
        assert SHARED_PHONE not in " ".join(result["imported"].warnings)
        with session_for(db_url) as session:
            secret_texts = session.exec(
                select(Message).where(Message.channel == "sms", Message.recipient == SHARED_PHONE)
            ).all()
        held = [m for m in secret_texts if "-AD-" in m.send_key]
        assert held and {"held"} == {m.status for m in held}
        assert all("shared with 8 other cadre" in (m.last_error or "") for m in held)
        assert {"queued"} == {m.status for m in secret_texts if "-AD-" not in m.send_key}


class TestConfidentialList:
    def test_kinds_as_written_standings_with_dates_totals_and_sign_off(
        self, quarter: str, tmp_path: Path
    ) -> None:
        """谈话函询 and 提醒谈话 stay apart; the excused person is marked; totals; sign-off."""
        from harness.pdfs import text_of
        from reports.render import render_pdf

        jobs = prepared(quarter, tmp_path / "out")
        [job] = [job for summary, job in jobs if summary.kind == "confidential"]
        render_pdf(job)
        text = "".join(text_of(job.path).split())
        assert all(kind in text for kind in KINDS)
        assert "请假" in text
        assert "共7人" in text
        assert "纪检监察机关签收" in text
        assert "统计截至" in text  # the moment it stands at (issue 38)
        rows = {r["employee_id"]: r for r in job.context["rows"]}
        assert "请假" == rows["E0003"]["standing"]
        assert "已完成" == rows["E0004"]["standing"]
        assert rows["E0005"]["standing"].startswith(("逾期未完成（自", "待参加（"))
        assert "通知暂缓" in rows["E0005"]["held"]


def test_files_are_for_their_owner(db_url: str, tmp_path: Path) -> None:
    """The database, the outbox and the cards a run writes are 0600 in 0700 folders."""
    from flows.common import settings
    from flows.dispatch import send_due

    settings()  # what every flow does first
    try:
        run_cycle(db_url, roster(tmp_path), tmp_path / "cards")
        send_due.fn(run=run_settings(db_url), kind="email", on=AS_OF + timedelta(days=1))
        data = Path(os.environ["LIANJIE_DATA_DIR"])
        written = [*data.rglob("*"), *(tmp_path / "cards").rglob("*")]
        assert written
        loose = [
            str(p)
            for p in written
            if stat.S_IMODE(p.stat().st_mode) & 0o077 and not p.name.endswith(".lock")
        ]
        assert [] == loose
    finally:
        os.umask(0o022)
    assert date(2026, 10, 1) == AS_OF


def test_the_list_is_encrypted_with_the_password(quarter: str, tmp_path: Path) -> None:
    """AES-256: without the password the list does not open; with it, it reads."""
    from pypdf import PdfReader

    from reports.render import render_pdf
    from reports.sealed import place_confidential

    jobs = prepared(quarter, tmp_path / "out")
    [job] = [job for summary, job in jobs if summary.kind == "confidential"]
    render_pdf(job)
    final = job.path.parent.parent / job.path.name
    place_confidential(job.path, final, "Pdf#Marker@5%/")
    reader = PdfReader(final)
    assert reader.is_encrypted
    assert 0 != reader.decrypt("Pdf#Marker@5%/")
    assert "警示教育对象名单" in reader.pages[0].extract_text()
    assert 0o600 == stat.S_IMODE(final.stat().st_mode)
    assert [] == list(job.path.parent.iterdir()), "nothing left in clear"


def test_the_list_never_exists_in_clear_at_its_place(
    quarter: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 37: the list was rendered to its final name and encrypted in place ~1.25 s later;
    a kill -9 between left 42 names readable. Now the file at its place is written once,
    encrypted: watched at every write, it is never a PDF in clear."""
    import reports.render as render
    import reports.sealed as sealed

    jobs = prepared(quarter, tmp_path / "out")
    [job] = [job for summary, job in jobs if summary.kind == "confidential"]
    render.render_pdf(job)
    final = job.path.parent.parent / job.path.name
    seen: list[bytes] = []
    replace = os.replace

    def watched(source: object, target: object) -> None:
        replace(source, target)  # type: ignore[arg-type]
        if Path(str(target)) == final:
            seen.append(final.read_bytes())

    monkeypatch.setattr(sealed.os, "replace", watched)
    sealed.place_confidential(job.path, final, "secret")
    assert seen and all(b"/Encrypt" in data for data in seen)


def test_an_empty_password_is_a_bad_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty LIANJIE_CONFIDENTIAL_PASSWORD made a PDF marked AES-256 that opened without one."""
    from pydantic import ValidationError

    from core.settings import Settings

    monkeypatch.setenv("LIANJIE_CONFIDENTIAL_PASSWORD", "")
    with pytest.raises(ValidationError, match="set but empty"):
        Settings()


def test_the_cycles_own_output_names_no_discipline_change(db_url: str, tmp_path: Path) -> None:
    """Issue 37: `lianjie cycle` printed `100178 任红 (QL10): discipline_status none →
    disciplined` in stdout and --json, while the changes export hid it."""
    from harness.pipeline import write_city

    first = write_city(tmp_path)
    run_cycle(db_url, first, tmp_path / "cards")
    from harness.factories import roster_with, rows_of
    from lianjie.synthetic import HEADER

    rows = rows_of(first)
    status, day = HEADER.index("纪律状况"), HEADER.index("处分/函询时间")
    target = next(r for r in rows if r[status] in ("", "无"))
    target[status], target[day] = "党纪处分", "2026-09-01"
    second = roster_with(tmp_path, "second.csv", rows)
    result = run_cycle(db_url, second, tmp_path / "cards", as_of=AS_OF)
    changes = result["imported"].changes  # type: ignore[attr-defined]
    shown = changes.model_dump_json()
    assert target[0] not in shown and "discipline" not in shown, shown
