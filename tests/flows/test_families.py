"""Families as an audience (issue 44), the issue's quarter: 2027Q1 with a family-contacts file
(some consenting, one not), one family withdrawing consent on 20 January, one cadre leaving on
25 January. Before the Spring Festival exactly the consenting families get a letter and a text
on the reminders' working day, nobody twice; the withdrawn and the leaver's family get nothing
after; no ordinary output holds a family name or number; the reports' counts match."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import select

from core.domain import Channel, MessageKind, MessageStatus, Quarter
from flows.dispatch import send_due
from flows.families import plan_family_letters, take_families
from harness.cli import lianjie
from harness.pdfs import text_of
from harness.pipeline import prepared, run_cycle, run_settings
from harness.talks import ROSTER
from lianjie.exports import QUARTER_LISTS, Export, Format
from lianjie.exports.database import quarter_file
from lianjie.synthetic import HEADER, write_csv
from models.db import session_for
from models.families import Family
from models.tables import Message
from reports.render import render_pdf

Q1 = Quarter(2027, 1)
START, WITHDRAWN, LEFT = date(2027, 1, 4), date(2027, 1, 20), date(2027, 1, 25)
SPRING = date(2027, 2, 5)  # the break's first day
SENT_ON = date(2027, 2, 2)  # three working days before it: the reminders' day
FAMILIES = ["工号", "家属姓名", "关系", "手机", "邮箱", "同意接收"]
CONTACTS = [
    ["E1", "张丽华", "配偶", "13911110001", "zlh@family.example.cn", "是"],
    ["E2", "王志强", "配偶", "13911110002", "", "是"],
    ["E3", "刘芳菲", "配偶", "13911110003", "", "否"],
    ["E4", "陈红梅", "母亲", "13911110004", "chm@family.example.cn", "是"],
    ["E5", "赵敏慧", "配偶", "13911110005", "zmh@family.example.cn", "是"],  # E5 shows signs
]
NAMED = [w for row in CONTACTS for w in row[1:5] if w and w not in ("配偶", "母亲")]


def letters(db_url: str) -> list[Message]:
    with session_for(db_url) as session:
        query = select(Message).where(Message.kind == MessageKind.family_letter)
        return list(session.exec(query).all())


def spring(db_url: str) -> dict[tuple[str, str], Message]:
    """The Spring Festival's letters, by cadre and channel."""
    return {
        (m.employee_id or "", m.channel): m
        for m in letters(db_url)
        if f":{SPRING.isoformat()}:" in m.send_key
    }


@pytest.fixture
def quarter(db_url: str, tmp_path: Path) -> Path:
    roster = write_csv(tmp_path / "roster.csv", HEADER, ROSTER)
    families = write_csv(tmp_path / "families.csv", FAMILIES, CONTACTS)
    run_cycle(db_url, roster, tmp_path / "cards", "2027Q1", START, families=families)
    return roster


def test_exactly_the_consenting_families_get_a_letter_and_a_text_once(
    db_url: str, tmp_path: Path, quarter: Path
) -> None:
    planned = spring(db_url)
    assert set(planned) == {
        ("E1", "sms"), ("E1", "email"), ("E2", "sms"), ("E4", "sms"), ("E4", "email"),
        ("E5", "sms"), ("E5", "email"),
    }  # fmt: skip
    assert {(m.due_on, m.expires_on) for m in planned.values()} == {(SENT_ON, date(2027, 2, 4))}
    # every family reads the same words: the letter to an admonition cadre's family is E1's
    assert planned["E5", "sms"].body.replace("赵敏慧", "张丽华") == planned["E1", "sms"].body
    assert planned["E5", "email"].attachment == planned["E1", "email"].attachment
    assert planned["E1", "sms"].body.startswith("【示范市】尊敬的张丽华：")
    letter = tmp_path / str(planned["E1", "email"].attachment)  # under the run's data folder
    assert len(PdfReader(letter).pages) == 1  # the whole letter on its page, signed
    assert "致干部家属的一封信" in text_of(letter) and "示范市纪委监委" in text_of(letter)

    again = run_cycle(db_url, quarter, tmp_path / "cards", "2027Q1", START)
    assert again["families"]["letters"] == 0  # the same quarter again: nobody twice
    assert len(spring(db_url)) == len(planned)


def test_a_withdrawn_consent_and_a_leaver_stop_everything_unsent(
    db_url: str, tmp_path: Path, quarter: Path
) -> None:
    run = run_settings(db_url, data_dir=tmp_path / "data")
    withdrawn = [r if r[0] != "E2" else [*r[:5], "否"] for r in CONTACTS]
    taken = take_families.fn(
        run=run, quarter=Q1, file=str(write_csv(tmp_path / "f2.csv", FAMILIES, withdrawn))
    )
    assert (taken.stopped, taken.cancelled) == (1, 2)  # E2's two letters (spring, qingming)
    plan_family_letters.fn(run=run, quarter=Q1, as_of=WITHDRAWN)
    left = write_csv(tmp_path / "r2.csv", HEADER, [r for r in ROSTER if r[0] != "E4"])
    run_cycle(db_url, left, tmp_path / "cards", "2027Q1", LEFT, accept_leavers=True)
    with session_for(db_url) as session:
        kept = {f.employee_id for f in session.exec(select(Family)).all()}
    assert kept == {"E1", "E2", "E3", "E5"}  # the leaver's family is forgotten (policy: 0 days)

    for channel in Channel:
        send_due.fn(run=run, kind=channel, on=SENT_ON)
    sent = {k for k, m in spring(db_url).items() if m.status == MessageStatus.sent}
    assert sent == {("E1", "sms"), ("E1", "email"), ("E5", "sms"), ("E5", "email")}
    stopped = {m.status for k, m in spring(db_url).items() if k[0] in ("E2", "E4")}
    assert stopped == {MessageStatus.cancelled}

    # the reports count them; the organisation's --confidential export names them; nothing else
    [(_, unit)] = prepared(
        db_url,
        tmp_path / "reports",
        ["U1"],
        as_of=datetime(2027, 2, 3, 9, tzinfo=ZoneInfo("Asia/Shanghai")),
        quarter=Q1,
    )
    assert (unit.context["families"].consenting, unit.context["families"].letters) == (
        2,
        2,
    )  # E1, E5
    render_pdf(unit)
    said = text_of(unit.path)
    assert "同意接收的家属2人" in "".join(said.split())
    assert not [w for w in NAMED if w in said]
    for what in QUARTER_LISTS:
        plain = quarter_file(
            db_url=db_url, kind=what, quarter=Q1, as_of=SENT_ON, fmt=Format.csv, confidential=False
        ).decode()
        assert not [w for w in NAMED if w in plain], what
    secret = quarter_file(
        db_url=db_url,
        kind=Export.families,
        quarter=Q1,
        as_of=SENT_ON,
        fmt=Format.csv,
        confidential=True,
    ).decode()
    assert "E1,干部E1,U1,张丽华,配偶,13911110001,zlh@family.example.cn,True,2" in secret
    # the letters as files in the outbox: named by an opaque reference, never the number
    outbox = [p.name for p in (tmp_path / "data").rglob("*") if p.is_file()]
    assert not [w for w in NAMED if any(w in name for name in outbox)]


def test_lianjie_families_takes_the_file_and_says_what_it_did(
    db_url: str, tmp_path: Path, quarter: Path
) -> None:
    """The command the office types: the rows read, the bad ones with their row and reason
    (on the operator's own terminal), who stops receiving letters, the letters planned; a
    file it cannot use is one message and exit 2; the export needs --confidential."""
    changed = [r if r[0] != "E2" else [*r[:5], "否"] for r in CONTACTS]
    changed.append(["E9", "某某某", "配偶", "13911110009", "", "是"])
    done = lianjie(
        "families",
        str(write_csv(tmp_path / "f2.csv", FAMILIES, changed)),
        "--quarter",
        "2027Q1",
    )
    assert done.returncode == 0, done.stderr
    said = done.stdout
    assert (
        "Families 2027Q1: 6 rows read, 5 accepted (3 agreeing to receive letters), 1 rejected"
        in said
    )
    assert "row 7, employee_id: no cadre E9 on this quarter's roster" in said
    assert "1 family member to receive nothing more; 2 unsent letters cancelled" in said
    missing = lianjie("families", str(tmp_path / "nowhere.xlsx"), "--quarter", "2027Q1")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    plain = lianjie("export", "--quarter", "2027Q1", "families")
    assert plain.returncode == 2 and "--confidential" in plain.stderr
    sealed = lianjie("export", "--quarter", "2027Q1", "families", "--confidential")
    assert sealed.returncode == 0 and "张丽华" in sealed.stdout


def test_return_slips_go_out_with_the_letter_and_come_back_through_collect(
    isolated_settings: Path, tmp_path: Path
) -> None:
    """With `return_slips` the letter carries a slip; `lianjie families` writes the list to
    tick off; the list handed to `lianjie collect` records each slip once; a row naming no
    family member kept is rejected without its cells (they would name a family member)."""
    # On SQLite only: the commands' own work; the replays run on PostgreSQL as well.
    db_url = os.environ["LIANJIE_DATABASE_URL"]
    default = (Path(__file__).parents[2] / "policy" / "default.toml").read_text(encoding="utf-8")
    policy = tmp_path / "policy.toml"
    policy.write_text(default.replace("return_slips = false", "return_slips = true"), "utf-8")
    roster = write_csv(tmp_path / "roster.csv", HEADER, ROSTER)
    run_cycle(db_url, roster, tmp_path / "cards", "2027Q1", START, policy=policy)
    done = lianjie(
        "families", str(write_csv(tmp_path / "f.csv", FAMILIES, CONTACTS)), "--quarter", "2027Q1"
    )
    assert done.returncode == 0, done.stderr
    listed = Path(done.stdout.split("Return slips to list as they come back: ")[1].strip())
    assert 0o600 == listed.stat().st_mode & 0o777
    letter = next((tmp_path / "data" / "cards").glob("family-letter-2027-02-05-slip-zh.pdf"))
    assert "回执" in "".join(text_of(letter).split())
    book = load_workbook(listed)
    sheet = book.active
    assert sheet is not None
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=3)}
    assert set(rows) == {"E1", "E2", "E4", "E5"}  # the consenting families
    rows["E1"][5].value = date(2027, 2, 8)
    sheet.append(["E5", "干部E5", "", "赵某某", "配偶", date(2027, 2, 8)])  # nobody kept so
    book.save(listed)
    back = lianjie("collect", "--quarter", "2027Q1", "--as-of", "2027-02-10", str(listed))
    assert back.returncode == 0, back.stderr
    assert "1 accepted, 1 rejected" in back.stdout
    assert "no family member of E5 by that name is kept" in back.stdout
    as_json = lianjie(
        "collect", "--quarter", "2027Q1", "--as-of", "2027-02-10", "--json", str(listed)
    )
    assert "赵某某" not in as_json.stdout and "already_imported" in as_json.stdout
    rejects = quarter_file(
        db_url=db_url,
        kind=Export.rejects,
        quarter=Q1,
        as_of=SENT_ON,
        fmt=Format.csv,
        confidential=False,
    ).decode()
    assert "no_such_family" in rejects and "赵某某" not in rejects
    sealed = lianjie("export", "--quarter", "2027Q1", "families", "--confidential").stdout
    assert "张丽华,配偶,13911110001,zlh@family.example.cn,True,0,2027-02-08" in sealed
