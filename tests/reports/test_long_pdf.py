"""A document too long to lay out at once is laid out in slices and joined: every row once and
whole, the table's head on every page, "page X of Y" counted over the whole document."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from harness.standings import at, check, unit_of, view_at
from reports.archival import Embedded
from reports.context import unit_report
from reports.long_pdf import html_slices
from reports.render import RenderJob, render_pdf

RUNNING = '<div class="running running-title">名单</div>'


def table(rows: int, start: int = 0) -> str:
    body = "".join(f"<tr><td>E{n:03d}</td></tr>" for n in range(start, start + rows))
    head = '<colgroup><col style="width:10%"></colgroup><thead><tr><th>工号</th></tr></thead>'
    return f"<table>{head}<tbody>{body}</tbody></table>"


def page(*parts: str) -> str:
    head = "<head><title>名单</title></head>"
    body = f'<body class="list">{RUNNING}{"".join(parts)}</body>'
    return f'<!DOCTYPE html><html lang="zh-CN">{head}{body}</html>'


def ids(html: str) -> list[str]:
    return re.findall(r"<td>(E\d+)</td>", html)


def test_a_short_document_is_left_as_it_is() -> None:
    html = page("<h1>名单</h1>", table(3))
    assert [html] == html_slices(html, rows=10)


def test_a_long_table_is_cut_between_rows_and_keeps_its_head() -> None:
    html = page("<h1>名单</h1>", table(10), "<p>合计 10 人</p>")
    slices = html_slices(html, rows=4)
    assert 3 == len(slices)
    assert ids(html) == [who for piece in slices for who in ids(piece)]
    for piece in slices:
        assert RUNNING in piece, "every slice sets the running header"
        assert 1 == piece.count("<thead><tr><th>工号</th></tr></thead>")
        assert 1 == piece.count('<col style="width:10%">')
        assert 'lang="zh-CN"' in piece and "<title>名单</title>" in piece
        assert '<body class="list">' in piece
    assert "<h1>名单</h1>" in slices[0] and "合计 10 人" in slices[-1]


def test_a_heading_goes_with_the_table_it_heads() -> None:
    html = page(table(4), "<h2>第二张表</h2>", table(3, start=4))
    first, second = html_slices(html, rows=4)
    assert "第二张表" not in first
    assert second.index("第二张表") < second.index("E004")


def rendered(tmp_path: Path, name: str) -> tuple[list[str], Path]:
    context = unit_report(view_at(at(date(2026, 12, 15)), unit_of(60)), "U01")
    path = tmp_path / name
    render_pdf(
        RenderJob(
            "unit_report.html.j2",
            context,
            path,
            moment=at(date(2026, 12, 15)),
            embedded=(Embedded("standings.csv", b"employee_id\n", ""),),
        )
    )
    with pdfplumber.open(path) as pdf:
        return ["".join((p.extract_text() or "").split()) for p in pdf.pages], path


def test_a_long_report_rendered_in_slices_reads_as_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, whole_path = rendered(tmp_path, "whole.pdf")
    monkeypatch.setattr("reports.render.SLICE_ROWS", 25)
    sliced, path = rendered(tmp_path, "sliced.pdf")
    check(sliced, 60)
    total = len(sliced)
    assert total >= len(whole) > 1
    for number, text in enumerate(sliced, start=1):
        # once on each page, counted over the whole document, not restarted in each slice
        assert 1 == len(re.findall(r"第\d+页，共\d+页", text))
        assert f"第{number}页，共{total}页" in text
    assert PdfReader(whole_path).metadata == PdfReader(path).metadata
    # joined, it is as archival as the whole: its PDF/A identity and the file it carries
    for key in ("/Metadata", "/OutputIntents", "/Lang", "/AF"):
        assert key in PdfReader(path).root_object, key
    assert set(PdfReader(path).attachments) == {"standings.csv"}
    for joined in PdfReader(path).pages:  # merged pages left uncompressed made a file 3x larger
        contents = joined["/Contents"].get_object()
        for stream in contents if isinstance(contents, list) else [contents]:
            assert "/FlateDecode" == stream.get_object().get("/Filter")
    assert not list(tmp_path.glob(".*")), "the slices are removed"
    _, path_again = rendered(tmp_path, "again.pdf")
    assert path.read_bytes() == path_again.read_bytes()
