"""Every document and message of a quarter, read as its reader reads it (issue 38).

A county quarter runs through the real flows in one language: the cycle (invitations, holiday
reminders, greeting cards), a day's sign-in sheets e-mailed to their organisers, a returned
sheet with everyone absent, the dispatch days that chase, the reports e-mailed to their
readers, a cadre's record and the year's report. Then every PDF's text (as pdfplumber
extracts it) and every message as received is read against the rules an office writes by.
"""

from __future__ import annotations

import email
import json
import os
import re
from datetime import date, timedelta
from email import policy as email_policy
from itertools import pairwise
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from harness.factories import admonition_unit, roster_row, write_roster
from lianjie.synthetic import COMPLETION_HEADER, write_csv
from models.db import session_for
from models.facts import load_quarter
from reports.render import labels

PASSWORD = "a-long-test-password"
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
QUARTER_CODE = re.compile(r"\b\d{4}Q[1-4]\b")
# Two Latin words in a row: a sentence left in English (single words, codes and addresses pass).
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}\b")
ADDRESS = re.compile(r"\S+@\S+|https?://\S+")
NESTED_QUOTES = re.compile(r"“[^”]*“")
# Only the confidential list (sealed, for the discipline body) and a person's own confidential
# messages (opaque `c-…` names) may name the admonition track.
# Any other document may say that the list goes separately, never count or rate the track.
TRACK_FIGURES = re.compile(r"(警示教育|Warning education|Admonition)\S*\s+\d")


ORGAN_AS_COMRADE = re.compile(r"(?:机关|纪委监委|组织部|办公室)同志")
SPACED_NUMBER = re.compile(r"[\u4e00-\u9fff] \d+ [\u4e00-\u9fff]")


def message_faults(text: str, lang: str) -> list[str]:
    """What a message adds to the rules: an organ is not a 同志, a number sits in its sentence."""
    if lang != "zh":
        return []
    return [f"organ as comrade {m}" for m in ORGAN_AS_COMRADE.findall(text)] + [
        f"spaced number {m!r}" for m in SPACED_NUMBER.findall(text)
    ]


def signature(path: Path) -> str:
    """An e-mail's last line: who it is from."""
    return message_text(path).strip().splitlines()[-1]


def style_faults(text: str, lang: str) -> list[str]:
    """The rules every text of a document or message keeps, as the offending fragments."""
    faults = [f"ISO date {m}" for m in ISO_DAY.findall(text)]
    faults += [f"quarter code {m}" for m in QUARTER_CODE.findall(text)]
    if lang == "zh":
        faults += [f"nested quotes {m}" for m in NESTED_QUOTES.findall(text)]
        bare = ADDRESS.sub(" ", text)
        faults += [f"English words {m!r}" for m in ENGLISH_RUN.findall(bare)]
    return faults


def overflowing_cells(path: Path) -> list[str]:
    """Text that runs out of its table cell: a character drawn across a column's edge."""
    found = []
    with pdfplumber.open(path, password=PASSWORD) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for table in page.find_tables():
                edges = sorted({round(x, 1) for cell in table.cells for x in (cell[0], cell[2])})
                top, bottom = table.bbox[1], table.bbox[3]
                for char in page.chars:
                    if not (top <= char["top"] and char["bottom"] <= bottom):
                        continue
                    if any(char["x0"] + 0.5 < edge < char["x1"] - 0.5 for edge in edges):
                        found.append(f"page {number}: {char['text']!r} across a column edge")
    return found


def overlapping_text(path: Path) -> list[str]:
    """Text drawn over other text on its line: a cell's words run into the next column."""
    found = []
    with pdfplumber.open(path, password=PASSWORD) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            lines: dict[int, list[dict[str, Any]]] = {}
            for char in page.chars:
                if char["text"].strip():
                    lines.setdefault(round(char["top"]), []).append(char)
            for chars in lines.values():
                chars.sort(key=lambda c: c["x0"])
                for before, after in pairwise(chars):
                    # more than a kerning pair (To, AV) draws one letter into another
                    if after["x0"] < before["x1"] - max(2.0, 0.4 * after["width"]):
                        found.append(f"page {number}: {before['text']}{after['text']} overlap")
    return found


def broken_headers(text: str, lang: str) -> list[str]:
    """A table's column header wrapped onto a second line (逾期未完 / 成)."""
    t = labels(lang)
    words = [*t["standing_names"].values(), t["required"], t["people"], t["rate"]]
    tails = {w[k:] for w in words for k in range(1, len(w))}
    return [f"header wrapped: {line!r}" for line in text.splitlines() if line.strip() in tails]


def pdf_text(path: Path) -> str:
    with pdfplumber.open(path, password=PASSWORD) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def message_text(path: Path) -> str:
    """A message as its reader receives it: an e-mail's subject and text, an SMS's words."""
    if path.suffix == ".json":
        return str(json.loads(path.read_text(encoding="utf-8"))["text"])
    received = email.message_from_bytes(path.read_bytes(), policy=email_policy.default)
    body = received.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    return f"{received['Subject']}\n{text}"


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
    from flows.accountability import accountability_reports
    from flows.annual import annual_report
    from flows.cadre_record import produce_record
    from flows.collect import collect_completions
    from flows.cycle import quarterly_cycle
    from flows.dispatch import daily_dispatch
    from flows.sheets import sign_in_sheets

    quarterly_cycle(quarter="2026Q4", roster=str(county(folder)), as_of=date(2026, 10, 1))
    with session_for(os.environ["LIANJIE_DATABASE_URL"]) as session:
        data = load_quarter(session=session, quarter="2026Q4")
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
    made = live_the_quarter(tmp_path)
    kinds = {p.suffix for p in made}
    assert {".pdf", ".eml", ".json"} <= kinds, made
    faults = {}
    for path in made:
        if path.suffix == ".json" and path.parent.name != "sms":
            continue
        text = pdf_text(path) if path.suffix == ".pdf" else message_text(path)
        found = style_faults(text, lang)
        if path.suffix == ".pdf":
            found += overflowing_cells(path) + overlapping_text(path)
            found += broken_headers(text, lang)
        else:
            found += message_faults(text, lang)
        if "confidential" not in path.parts and not path.name.startswith("c-"):
            found += [f"counts the track: {m}" for m in TRACK_FIGURES.findall(text)]
        if found:
            faults[str(path.relative_to(tmp_path))] = sorted(set(found))[:6]
    assert {} == faults
    # a card is dated the day its reminders go, as a letter is (New Year's: 29 December)
    [card] = [p for p in made if p.name.startswith("card-")]
    assert ("2026年12月29日" if lang == "zh" else "29 December 2026") in pdf_text(card)
    emails = [p for p in made if p.suffix == ".eml"]
    assert {"invitation", "escalation", "holiday", "report"} <= {
        p.name.split("_")[0] for p in emails
    }
    assert 1 == len({signature(p) for p in emails}), {signature(p) for p in emails}
