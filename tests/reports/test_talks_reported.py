"""The talks where they count (issue 43, item 5): the unit report's principal-responsibility
section and the year report count the talks each leader held and owes and the letters signed;
the cadre's record lists their talks and letter. The reminder talk the member in charge holds
is in no count, and in the records of its cadre and its talker only when sealed."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from flows.talk_chasing import plan_talk_reminders
from harness.pdfs import text_of
from harness.pipeline import prepared, run_settings
from harness.talks import top_leaders_register_back
from models.db import session_for
from models.records import record_data
from reports.record import cadre_record
from reports.render import labels, render_pdf

MID_DECEMBER = datetime(2026, 12, 15, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_unit_report_counts_each_leaders_talks_and_the_letters(
    db_url: str, tmp_path: Path
) -> None:
    top_leaders_register_back(db_url, tmp_path)
    [(_, job)] = prepared(db_url, tmp_path / "reports", ["U1"], as_of=MID_DECEMBER)
    rows = {r["name"]: r["tally"] for r in job.context["talks"]}
    # E1 holds E2's, E3's and E4's appointment talks: two held, E4's past its day (10 Dec)
    assert (rows["干部E1"].asked, rows["干部E1"].held, rows["干部E1"].overdue) == (3, 2, 1)
    # E2 holds E5's reminder talk, which no count here shows
    assert rows["干部E2"].asked == 0
    letters = job.context["letters"]
    # E3 signed at the talk; E2 was talked with but has not signed; E4 neither
    assert (letters.due, letters.signed, letters.overdue) == (3, 1, 2)
    render_pdf(job)
    said = "".join(text_of(job.path).split())
    assert "廉政谈话（主体责任）" in said and "提醒谈话" not in said
    assert "廉洁承诺书：本季度本单位应签3份，已签回1份，逾期未签2份。" in said


def test_the_year_report_counts_talks_per_leader_and_the_letters_signed(
    db_url: str, tmp_path: Path
) -> None:
    from flows.annual import prepare_annual

    top_leaders_register_back(db_url, tmp_path)
    run = run_settings(db_url)
    job, _ = prepare_annual.fn(run=run, year=2026, out=str(tmp_path / "year"), as_of=MID_DECEMBER)
    talks = job.context["talks"]
    leaders = {r["name"]: r["tally"] for r in talks["leaders"]}
    assert set(leaders) == {"干部E1"}  # E2's only talk is the reminder talk: in no count
    assert (leaders["干部E1"].held, leaders["干部E1"].owed) == (2, 1)
    bodies = {r["name"]: r["tally"] for r in talks["bodies"]}
    # the new top leader's appointment talk; both top leaders' supervision talks, due 31 Dec
    assert (bodies["组织部门"].asked, bodies["组织部门"].overdue) == (1, 0)
    assert (bodies["纪检监察机关负责人"].asked, bodies["纪检监察机关负责人"].overdue) == (2, 0)
    assert (talks["letters"].due, talks["letters"].signed) == (4, 1)
    render_pdf(job)
    assert set(PdfReader(job.path).attachments) == {"units.csv", "manifest.json"}  # issue 46
    said = "".join(text_of(job.path).split())
    assert "廉政谈话与廉洁承诺（述责述廉）" in said and "提醒谈话" not in said
    assert "廉洁承诺书：全年应签4份，已签回1份，逾期未签2份。" in said


def record_of(db_url: str, who: str, *, confidential: bool) -> dict[str, Any]:
    with session_for(db_url) as session:
        quarters = record_data(session=session, employee_id=who)
    return cadre_record(
        who,
        quarters,
        labels=labels("zh"),
        organisation="示范市",
        as_of=MID_DECEMBER,
        confidential=confidential,
    )


def test_the_record_shows_the_cadres_talks_and_letter_and_confidential_ones_only_sealed(
    db_url: str, tmp_path: Path
) -> None:
    top_leaders_register_back(db_url, tmp_path)
    run = run_settings(db_url, data_dir=tmp_path / "data")
    plan_talk_reminders.fn(run=run, on=date(2026, 12, 8))  # E5's reminder talk, chased with E2
    [quarter] = record_of(db_url, "E3", confidential=False)["quarters"]
    assert quarter["talks"] == [
        {
            "kind": "任前廉政谈话",
            "talker": "干部E1",
            "due_on": "12月2日",
            "held_on": "11月26日",
            "state": "已谈",
        }
    ]
    assert [(p["version"], p["signed_on"]) for p in quarter["letters"]] == [
        ("lianjie-2026.1", "11月26日")
    ]
    [e5] = record_of(db_url, "E5", confidential=False)["quarters"]
    assert e5["talks"] == []
    [e5_sealed] = record_of(db_url, "E5", confidential=True)["quarters"]
    assert [(k["kind"], k["talker"], k["state"]) for k in e5_sealed["talks"]] == [
        ("提醒谈话", "干部E2", "逾期未谈")
    ]
    # the member who holds it was chased about it: only his sealed record shows that message
    [e2] = record_of(db_url, "E2", confidential=False)["quarters"]
    assert [m for m in e2["messages"] if m["kind"] == "谈话督办提醒"] == []
    [e2_sealed] = record_of(db_url, "E2", confidential=True)["quarters"]
    assert [m["kind"] for m in e2_sealed["messages"]].count("谈话督办提醒") == 2  # e-mail, SMS
