"""Completion files as learning platforms export them (issue 38): 已完成 is done, 学习中 is
neither done nor missed, and 完成时间 is the day it was done."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from intake.completions import parse_completions
from intake.read import read_table
from lianjie.synthetic import write_csv

LOOKUPS = {
    "cadres": {"E0001": frozenset({"IO"}), "E0002": frozenset({"IO"}), "E0003": frozenset({"IO"})},
    "sessions": {"26Q4-IO-01": ["IO"]},
    "programmes": {"IO": "IO", "在职干部廉洁教育": "IO"},
}


def test_a_platforms_words_read_as_it_means_them(tmp_path: Path) -> None:
    platform = write_csv(
        tmp_path / "platform.csv",
        ["工号", "教育项目", "学习状态", "完成时间"],
        [
            ["E0001", "在职干部廉洁教育", "已完成", "2026-11-03"],
            ["E0002", "在职干部廉洁教育", "学习中", ""],
            ["E0003", "在职干部廉洁教育", "完成", "2026-11-04"],
        ],
    )
    result = parse_completions(read_table(platform), **LOOKUPS)  # type: ignore[arg-type]
    assert [] == result.rejects, [r.reason for r in result.rejects]
    assert {"E0001": date(2026, 11, 3), "E0003": date(2026, 11, 4)} == {
        c.employee_id: c.attended_on for c in result.accepted
    }
    assert ["row 3: E0002 (学习中)"] == result.not_filled_in
