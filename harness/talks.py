"""A roster for the talks' tests: three promotions and a new top leader mid-quarter, a member
in charge, a cadre showing signs."""

from __future__ import annotations

from datetime import date

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
