"""Reports as archival evidence (issue 46, items 1–3 and 5): PDF/A-3u by default, checked in
its structure (the XMP identity, the colour intent, every font embedded, the associated files);
the rows its figures come from and a manifest inside, without the admonition track in a unit's
report; the same moment renders the same bytes; a setting writes plain PDF.

veraPDF, the reference validator, is a Java program that neither PyPI nor Debian's archive
carries: these checks read the structure with pypdf instead (docs/operations.md)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from harness.factories import admonition_unit, write_roster
from harness.pipeline import REPORTED_AT, prepared, run_cycle
from reports.archival import pdf_variant
from reports.evidence import STANDING_COLUMNS
from reports.render import render_pdf


@pytest.fixture
def unit_report(db_url: str, tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    run_cycle(db_url, write_roster(tmp_path / "roster.csv", admonition_unit()), tmp_path / "c")
    [(_, job)] = prepared(db_url, tmp_path / "out", ["U01"])
    render_pdf(job)
    return job.path, {name: data[0] for name, data in PdfReader(job.path).attachments.items()}


def fonts_of(reader: PdfReader) -> list[DictionaryObject]:
    found = []
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        for entry in resources.get("/Font", {}).values():
            font = entry.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                found.append(descendant.get_object())
    return found


def test_a_unit_report_is_pdf_a_3u_with_its_fonts_and_data_inside(
    unit_report: tuple[Path, dict[str, bytes]],
) -> None:
    path, inside = unit_report
    reader = PdfReader(path)
    root = reader.root_object
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="U"' in xmp
    assert "党风廉政教育季度落实情况报告" in xmp  # the title
    [intent] = root["/OutputIntents"]
    assert intent.get_object()["/S"] == "/GTS_PDFA1"
    assert root["/Lang"] == "zh-CN"
    fonts = fonts_of(reader)
    assert fonts and all(
        any(
            k in f["/FontDescriptor"].get_object()
            for k in ("/FontFile", "/FontFile2", "/FontFile3")
        )
        for f in fonts
    ), "every font embedded"
    associated = [spec.get_object() for spec in root["/AF"]]
    assert {(s["/F"], s["/AFRelationship"]) for s in associated} == {
        ("standings.csv", "/Data"),
        ("manifest.json", "/Data"),
    }
    assert reader.metadata is not None and reader.metadata["/CreationDate"].startswith("D:20261120")

    manifest = json.loads(inside["manifest.json"])
    assert (manifest["quarter"], manifest["unit_code"], manifest["kind"]) == (
        "2026Q4",
        "U01",
        "unit",
    )
    assert manifest["as_of"] == REPORTED_AT.isoformat()
    assert len(manifest["policy_sha256"]) == 64 and len(manifest["roster_sha256"]) == 64
    rows = list(csv.DictReader(io.StringIO(inside["standings.csv"].decode("utf-8"))))
    assert list(rows[0]) == STANDING_COLUMNS
    assert manifest["files"] == {"standings.csv": len(rows)}
    # the admonition track is in no row of a unit's report: not its programme, not its track
    assert not [r for r in rows if r["programme"] == "AD" or r["track"] == "admonition"]


def test_the_same_moment_renders_the_same_bytes(db_url: str, tmp_path: Path) -> None:
    run_cycle(db_url, write_roster(tmp_path / "roster.csv", admonition_unit()), tmp_path / "c")
    made = []
    for out in ("first", "second"):
        [(_, job)] = prepared(db_url, tmp_path / out, ["U01"])
        made.append(render_pdf(job).sha256)
    assert made[0] == made[1]


def test_a_setting_asks_for_plain_pdf(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIANJIE_PDF_VARIANT", "plain")
    pdf_variant.cache_clear()
    try:
        run_cycle(db_url, write_roster(tmp_path / "roster.csv", admonition_unit()), tmp_path / "c")
        [(_, job)] = prepared(db_url, tmp_path / "out", ["U01"])
        render_pdf(job)
        root = PdfReader(job.path).root_object
        assert "/OutputIntents" not in root and "/Metadata" not in root  # no PDF/A identity
    finally:
        pdf_variant.cache_clear()
