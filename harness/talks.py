"""A roster for the talks' tests: three promotions and a new top leader mid-quarter, a member
in charge, a cadre showing signs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

AS_OF = date(2026, 11, 20)


def row(
    employee_id: str, unit: str, post: str, role: str, appointed: str, **given: str
) -> list[str]:
    in_charge = given.get("in_charge", "")
    status, since = given.get("status", "无"), given.get("since", "")
    return [
        employee_id, f"干部{employee_id}", unit, "市财政局" if unit == "U1" else "市审计局", "",
        post, "县处级", role, in_charge, "中共党员", appointed, "否", status, since,
        f"1380000000{employee_id[1:]}", f"{employee_id.lower()}@gov.example.cn",
    ]  # fmt: skip


ROSTER = [
    row("E1", "U1", "局长", "主要负责人", "2019-03-01"),
    row("E2", "U1", "副局长", "副职", "2026-10-20", in_charge="U1"),  # promoted this quarter
    row("E3", "U1", "预算科科长", "无", "2026-11-02"),  # promoted this quarter
    row("E4", "U1", "综合科科长", "无", "2026-11-10"),  # promoted this quarter
    row(
        "E5", "U1", "会计科科长", "无", "2020-01-01", status="苗头性倾向性问题", since="2026-11-05"
    ),
    row("E6", "U2", "局长", "主要负责人", "2026-11-16"),  # a new top leader, mid-quarter
    row("E7", "U2", "法规科科长", "无", "2021-01-01"),
]


# The top leader's register as it comes back on 30 November: E2's and E3's appointment talks
# held (E3's letter signed the same day), E4's missing.
BACK = date(2026, 11, 30)
HELD = {"E2": date(2026, 11, 25), "E3": date(2026, 11, 26)}


def top_leaders_register_back(db_url: str, folder: Path, **run: object) -> Path:
    """The quarter's cycle at AS_OF, the registers written, and E1's handed back on BACK
    with the talks in HELD held; answers E1's register."""
    from openpyxl import load_workbook

    from flows.completion_file import import_completions
    from flows.talk_registers import write_talk_registers
    from harness.pipeline import QUARTER, run_cycle, run_settings
    from lianjie.synthetic import HEADER, write_csv

    roster = write_csv(folder / "roster.csv", HEADER, ROSTER)
    run_cycle(db_url, roster, folder / "cards", as_of=AS_OF)
    registers, _ = write_talk_registers(QUARTER, folder / "out", "zh")
    workbook = next(m.workbook for m in registers if m.talker == "E1")
    book = load_workbook(workbook)
    sheet = book.active
    assert sheet is not None
    for line in sheet.iter_rows(min_row=3):
        if line[0].value in HELD:
            line[5].value = HELD[str(line[0].value)]
            line[9].value = HELD[str(line[0].value)] if line[0].value == "E3" else None
    book.save(workbook)
    settings = run_settings(db_url, data_dir=folder / "data", **run)
    back = import_completions.fn(run=settings, quarter=QUARTER, file=str(workbook), on=BACK)
    assert back.accepted == len(HELD), back
    return workbook
