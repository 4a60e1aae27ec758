"""Who a unit's report is e-mailed to (issue 36: a team member in charge of two units
received only one unit's report)."""

from __future__ import annotations

from datetime import date

from core.domain import CadreRecord, LeadershipRole, Quarter
from reports.delivery import RenderedReport, report_messages


def leader(employee_id: str, unit: str, role: LeadershipRole, *charge: str) -> CadreRecord:
    return CadreRecord(
        employee_id,
        f"干部{employee_id}",
        unit,
        "单位",
        "局长",
        leadership_role=role,
        in_charge_of=charge,
        email=f"{employee_id}@example.cn",
    )


def test_every_unit_a_team_member_is_in_charge_of_reaches_them() -> None:
    cadres = [
        leader("TL1", "U01", LeadershipRole.top_leader),
        leader("TM1", "U01", LeadershipRole.team_member, "U02", "U03"),
        leader("TL2", "U02", LeadershipRole.top_leader),
    ]
    reports = [
        RenderedReport("unit", unit, f"/{unit}.pdf", unit * 20) for unit in ("U01", "U02", "U03")
    ]
    rows = report_messages(
        reports,
        cadres=cadres,
        units={"U01": "一局", "U02": "二局", "U03": "三局"},
        quarter=Quarter(2026, 4),
        on=date(2027, 1, 5),
        lang="zh",
        organisation="示范市",
        discipline_email=None,
    )
    got = {(r["send_key"].split(":")[3], r["employee_id"]) for r in rows}
    assert {
        ("U01", "TL1"),
        ("U01", "TM1"),
        ("U02", "TL2"),
        ("U02", "TM1"),
        ("U03", "TM1"),
    } == got
