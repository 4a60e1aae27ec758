"""The register of issued reports and `lianjie verify` (issue 46, item 4): a PDF lianjie issued
is told for what it is — quarter, unit, moment, the latest version or not; one changed by a byte
is not, though its manifest still claims to be; `export issued` lists the register."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from flows.reporting.rendering import ReportOut, record_reports
from harness.cli import lianjie
from harness.factories import admonition_unit, write_roster
from harness.pipeline import REPORTED_AT, prepared, run_cycle, run_settings
from reports.render import render_pdf


def issue(db_url: str, out: Path, moment=REPORTED_AT) -> Path:  # type: ignore[no-untyped-def]
    [(_, job)] = prepared(db_url, out, ["U01"], as_of=moment)
    done = render_pdf(job)
    report = ReportOut(kind="unit", unit_code="U01", path=str(done.path), pages=done.pages, rate="")
    record_reports(
        run=run_settings(db_url),
        filed_under="2026Q4",
        reports=[report],
        rendered=[done],
        as_of=moment,
    )
    return done.path


def test_verify_tells_an_issued_pdf_its_version_and_a_changed_one_apart(
    isolated_settings: Path, tmp_path: Path
) -> None:
    # On SQLite only: the commands' own work; the replays run on PostgreSQL as well.
    db_url = os.environ["LIANJIE_DATABASE_URL"]
    run_cycle(db_url, write_roster(tmp_path / "roster.csv", admonition_unit()), tmp_path / "c")
    first = issue(db_url, tmp_path / "first")
    said = lianjie("verify", str(first))
    assert said.returncode == 0, said.stderr
    assert "issued by lianjie — the unit report of U01 for 2026Q4 (zh)" in said.stdout
    assert "as of 2026-11-20T18:36:00+08:00" in said.stdout and "the latest version" in said.stdout

    later = issue(db_url, tmp_path / "later", REPORTED_AT + timedelta(days=3))
    old = lianjie("verify", str(first))
    assert old.returncode == 0 and "NOT the latest version" in old.stdout
    assert lianjie("verify", str(later)).returncode == 0

    changed = tmp_path / "changed.pdf"
    data = bytearray(first.read_bytes())
    data[len(data) // 2] ^= 1
    changed.write_bytes(bytes(data))
    forged = lianjie("verify", str(changed))
    assert forged.returncode == 3 and "NOT a report lianjie issued" in forged.stdout
    assert "it carries a manifest for 2026Q4 unit U01" in forged.stdout
    missing = lianjie("verify", str(tmp_path / "nowhere.pdf"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    (tmp_path / "roster.pdf").write_bytes((tmp_path / "roster.csv").read_bytes())
    not_pdf = lianjie("verify", str(tmp_path / "roster.pdf"))
    assert not_pdf.returncode == 2 and "is not a PDF" in not_pdf.stderr
    assert lianjie("verify", str(tmp_path)).returncode == 2

    register = lianjie("export", "issued").stdout.splitlines()
    assert register[0] == "sha256,quarter,kind,unit_code,lang,as_of,issued_at,path,latest,delivered"
    assert [line.split(",")[8] for line in register[1:]] == ["False", "True"]
