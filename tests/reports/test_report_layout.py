"""Layout that holds, checked on the rendered PDFs: the sign-off never stands alone on a page,
no row splits across pages, and units of 0, 1, 250 and 2,000 cadres render cleanly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pdfplumber
import pytest

from harness.standings import at, check, unit_of, view_at
from reports.context import unit_report
from reports.render import RenderJob, render_pdf


def pages_of(size: int, folder: Path) -> list[str]:
    context = unit_report(view_at(at(date(2026, 12, 15)), unit_of(size)), "U01")
    path = folder / f"unit-{size}.pdf"
    render_pdf(RenderJob("unit_report.html.j2", context, path))
    with pdfplumber.open(path) as pdf:
        return ["".join((page.extract_text() or "").split()) for page in pdf.pages]


@pytest.mark.parametrize("size", [0, 1, 20, 21, 22, 23, 24])
def test_the_sign_off_keeps_with_the_rows_before_it(size: int, tmp_path: Path) -> None:
    """22 and 23 cadres end the list at the foot of a page: without `break-before: avoid`
    the sign-off would stand alone on the next one (seen when it was taken out)."""
    check(pages_of(size, tmp_path), size)


@pytest.mark.slow
@pytest.mark.parametrize("size", [250, 2000])
def test_large_units_render_cleanly(size: int, tmp_path: Path) -> None:
    check(pages_of(size, tmp_path), size)
