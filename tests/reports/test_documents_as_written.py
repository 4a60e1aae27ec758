"""Every document and message of a quarter, read as its reader reads it (issue 38).

A county quarter runs through the real flows in one language: the cycle (invitations, holiday
reminders, greeting cards), a day's sign-in sheets e-mailed to their organisers, a returned
sheet with everyone absent, the dispatch days that chase, the reports e-mailed to their
readers, a cadre's record and the year's report. Then every PDF's text (as pdfplumber
extracts it) and every message as received is read against the rules an office writes by.
"""

from __future__ import annotations

import asyncio
import os
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from core.domain import Quarter
from harness.factories import admonition_unit, roster_row, write_roster
from harness.prefect_api import artifact_as_shown
from harness.reading import (
    TRACK_FIGURES,
    document_faults,
    message_faults,
    message_text,
    pdf_text,
    signature,
    style_faults,
)
from lianjie.synthetic import COMPLETION_HEADER, write_csv
from models.db import session_for
from models.facts import load_quarter

PASSWORD = "a-long-test-password"
MEASURES = re.compile(r"诫勉|函询|处分|提醒谈话|admonishment|disciplinary")


def county(folder: Path) -> Path:
    """The admonition unit and a second unit whose clerk's post names money (a key post)."""
    rows = [
        *admonition_unit(),
        roster_row(20, 单位编码="U02", 单位名称="县财政局", 职务="局长", 班子职务="主要负责人"),
        roster_row(21, 单位编码="U02", 单位名称="县财政局", 职务="财务股股长"),
        roster_row(22, 单位编码="U02", 单位名称="县财政局", 职务="科员", 是否党员="否"),
    ]
    return write_roster(folder / "roster.csv", rows)


def live_the_quarter(folder: Path) -> list[Path]:
    """Run the county's quarter through the flows; every PDF and message it made."""
    from flows.annual import annual_report
    from flows.cadre_record import produce_record
    from flows.collect import collect_completions
    from flows.cycle import quarterly_cycle
    from flows.dispatch import daily_dispatch
    from flows.reporting.accountability import accountability_reports
    from flows.sheets import sign_in_sheets

    quarterly_cycle(quarter="2026Q4", roster=str(county(folder)), as_of=date(2026, 10, 1))
    with session_for(os.environ["LIANJIE_DATABASE_URL"]) as session:
        data = load_quarter(session=session, quarter=Quarter(2026, 4))
    assert data is not None
    first = min(s.held_on for s in data.sessions)
    sign_in_sheets(quarter="2026Q4", day=first, deliver=True)
    rows = [
        [who, plan.code, "", str(plan.held_on), "缺席", "", "0"]
        for plan in data.sessions
        if plan.held_on <= first + timedelta(days=14)
        for who in sorted(plan.enrolled)
    ]
    rows.append(["E9999", "", "", "", "出席", "", ""])  # a rejected row, its file name long
    returned = "county_organisation_department_returned_sign_in_sheets_final_revised.csv"
    sheet = write_csv(folder / returned, COMPLETION_HEADER, rows)
    collect_completions(files=[str(sheet)], quarter="2026Q4", as_of=first + timedelta(days=15))
    for later in range(1, 92, 3):
        daily_dispatch(date=date(2026, 10, 1) + timedelta(days=later), allow_future=True)
    out = folder / "reports"
    accountability_reports(
        quarter="2026Q4", as_of=date(2026, 11, 20), out=str(out), deliver=True, allow_future=True
    )
    daily_dispatch()  # today's: the reports' e-mails, queued as they were made
    produce_record("E0021", out / "records", None, confidential=False)
    annual_report(year=2026, out=str(out / "annual"), as_of=date(2026, 11, 20))
    return sorted(p for p in folder.rglob("*") if p.suffix in {".pdf", ".eml", ".json"})


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_document_and_message_reads_as_an_office_writes_it(
    lang: str, tmp_path: Path, prefect_harness: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIANJIE_LANG", lang)
    monkeypatch.setenv("LIANJIE_ORGANISER_EMAIL", "peixun@zzb.example.cn")
    monkeypatch.setenv("LIANJIE_ORGANISATION_EMAIL", "zzb@example.cn")
    monkeypatch.setenv("LIANJIE_DISCIPLINE_EMAIL", "jw@example.cn")
    monkeypatch.setenv("LIANJIE_CONFIDENTIAL_PASSWORD", PASSWORD)
    earlier = asyncio.run(artifact_texts())  # the server is shared with other tests
    made = live_the_quarter(tmp_path)
    kinds = {p.suffix for p in made}
    assert {".pdf", ".eml", ".json"} <= kinds, made
    faults = {}
    for path in made:
        if path.suffix == ".json" and path.parent.name != "sms":
            continue
        if path.suffix == ".pdf":
            text = pdf_text(path, PASSWORD)
            found = document_faults(path, lang, PASSWORD)
        else:
            text = message_text(path)
            found = style_faults(text, lang) + message_faults(text, lang)
        if "confidential" not in path.parts and not path.name.startswith("c-"):
            found += [f"counts the track: {m}" for m in TRACK_FIGURES.findall(text)]
        if "confidential" not in path.parts and not path.name.startswith("confidential"):
            # the admonition programme's words name no measure: a session mixes 提醒谈话, 函询
            # and 处分, and an invitation must not name one its reader did not receive
            found += [f"names a measure: {m}" for m in MEASURES.findall(text)]
        if found:
            faults[str(path.relative_to(tmp_path))] = sorted(set(found))[:6]
    assert {} == faults
    # a card is dated the day its reminders go, as a letter is (New Year's: 29 December)
    [card] = [p for p in made if p.name.startswith("card-")]
    assert ("2026年12月29日" if lang == "zh" else "29 December 2026") in pdf_text(card, PASSWORD)
    emails = [p for p in made if p.suffix == ".eml"]
    assert {"invitation", "escalation", "holiday", "report"} <= {
        p.name.split("_")[0] for p in emails
    }
    assert 1 == len({signature(p) for p in emails}), {signature(p) for p in emails}
    # the operator reads the same quarter in the Prefect UI, in the same language
    shown = {key: text for key, text in asyncio.run(artifact_texts()).items() if key not in earlier}
    assert {"cycle", "sheets", "collect", "dispatch", "reports", "annual-report"} <= {
        key[0] for key in shown
    }, sorted(shown)
    unworded = {key: style_faults(text, lang) for key, text in shown.items()}
    assert {} == {key: found for key, found in unworded.items() if found}


async def artifact_texts() -> dict[tuple[str, str], str]:
    """Every table and note the runs left in the Prefect UI (its headings, cells and title),
    by the kind of artifact (its key without the quarter or day) and its id."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterType
    from prefect.client.schemas.sorting import ArtifactSort

    read = ArtifactFilter(type=ArtifactFilterType(not_any_=["progress"]))
    artifacts: list[Any] = []
    async with get_client() as client:
        while True:  # the server answers a page at a time
            page = await client.read_artifacts(
                artifact_filter=read,
                sort=ArtifactSort.CREATED_DESC,
                limit=200,
                offset=len(artifacts),
            )
            artifacts += page
            if len(page) < 200:
                break
    return {
        (re.sub(r"-(\d{4}q\d|\d{4}-\d{2}-\d{2}|\d{4})$", "", a.key), str(a.id)): (
            artifact_as_shown("", a.description, a.data)
        )
        for a in artifacts
        if a.key
    }
