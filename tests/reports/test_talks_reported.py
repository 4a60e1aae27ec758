"""The talks where they count (issue 43, item 5): the unit report's principal-responsibility
section counts the talks each leader held and owes and the unit's letters signed; the reminder
talk the member in charge holds is in no count of it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from harness.pdfs import text_of
from harness.pipeline import prepared
from harness.talks import top_leaders_register_back
from reports.render import render_pdf

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
