"""Layout that holds, checked on the rendered PDFs: the sign-off never stands alone on a page,
no row splits across pages, and units of 0, 1, 250 and 2,000 cadres render cleanly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pdfplumber
import pytest

from core.domain import Track
from reports.context import unit_report
from reports.render import RenderJob, render_pdf
from tests.factories import cadre, quarter_data
from tests.reports.test_report_standings import IO, at, session, view_at

SIGN_OFF = "主要负责人签字"
OVERDUE = "逾期未完成（应于12-01完成）"


def unit_of(size: int):  # type: ignore[no-untyped-def]
    """A unit whose `size` cadres all missed their 12-01 session (one row each)."""
    people = [cadre(employee_id=f"E{n:05d}", name=f"干部{n}") for n in range(size)]
    return quarter_data(
        cadres=people,
        units={"U01": "市教育局"},
        tracks={p.employee_id: {Track.in_office: "在职"} for p in people},
        programmes=[IO],
        sessions=[session("S1", date(2026, 12, 1))],
        enrolments=[("S1", p.employee_id, "enrolled") for p in people],
    )


def pages_of(size: int, folder: Path) -> list[str]:
    context = unit_report(view_at(at(date(2026, 12, 15)), unit_of(size)), "U01")
    path = folder / f"unit-{size}.pdf"
    render_pdf(RenderJob("unit_report.html.j2", context, path))
    with pdfplumber.open(path) as pdf:
        return ["".join((page.extract_text() or "").split()) for page in pdf.pages]


def check(pages: list[str], size: int) -> None:
    signed = [n for n, text in enumerate(pages) if SIGN_OFF in text]
    assert [len(pages) - 1] == signed, "the sign-off is on the last page, once"
    last = pages[-1]
    # at least one row of the list (or its "none") keeps it company
    assert "E0" in last or (size == 0 and "无" in last)
    seen = set()
    for text in pages:
        ids = {f"E{n:05d}" for n in range(size) if f"E{n:05d}" in text}
        # every row on a page is whole: its id and its standing are on the same page
        assert len(ids) == text.count(OVERDUE)
        assert not ids & seen
        seen |= ids
    assert size == len(seen)


@pytest.mark.parametrize("size", [0, 1, 22, 23])
def test_the_sign_off_keeps_with_the_rows_before_it(size: int, tmp_path: Path) -> None:
    """22 and 23 cadres end the list at the foot of a page: without `break-before: avoid`
    the sign-off would stand alone on the next one (seen when it was taken out)."""
    check(pages_of(size, tmp_path), size)


@pytest.mark.slow
@pytest.mark.parametrize("size", [250, 2000])
def test_large_units_render_cleanly(size: int, tmp_path: Path) -> None:
    check(pages_of(size, tmp_path), size)
