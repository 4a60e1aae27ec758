"""Plain factory functions for domain records and files."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from core.domain import (
    CadreRecord,
    DisciplineStatus,
    LeadershipRole,
    Quarter,
    Rank,
    Track,
    TrackAssignment,
)
from lianjie.synthetic import HEADER

ROSTER_HEADER = [h for h in HEADER if h != "上级单位编码"]  # a roster without the unit tree


def cadre(**overrides: Any) -> CadreRecord:
    """A section chief in an ordinary unit, a party member appointed long ago; override freely."""
    values: dict[str, Any] = {
        "employee_id": "E001",
        "name": "张伟",
        "unit_code": "U01",
        "unit_name": "市教育局",
        "post": "综合科科长",
        "rank": Rank.section,
        "leadership_role": LeadershipRole.none,
        "party_member": True,
        "appointed_on": date(2020, 1, 1),
        "discipline_status": DisciplineStatus.none,
        "phone": "13800138000",
        "email": "e001@example.cn",
    }
    return CadreRecord(**(values | overrides))


def roster_row(number: int, **overrides: str) -> list[str]:
    values = {
        "工号": f"E{number:04d}",
        "姓名": f"干部{number}",
        "单位编码": "U01",
        "单位名称": "市财政局",
        "职务": "财务科科长",
        "职级": "乡科级",
        "班子职务": "无",
        "分管单位": "",
        "政治面貌": "中共党员",
        "任现职时间": "2020-01-01",
        "是否后备干部": "否",
        "纪律状况": "无",
        "处分/函询时间": "",
        "手机": f"139{number:08d}",
        "邮箱": f"e{number}@example.cn",
    } | overrides
    return [values[h] for h in ROSTER_HEADER]


# The discipline kinds a roster writes; each puts its cadre on the admonition track.
DISCIPLINE_KINDS = [
    "谈话函询",
    "提醒谈话",
    "诫勉谈话",
    "苗头性倾向性问题",
    "党纪处分",
    "政务处分",
    "受处分",
]


def admonition_unit() -> list[list[str]]:
    """Roster rows of a unit with the admonition track in it: a top leader (E0001), a team
    member in charge of the unit (E0002), a cadre of each discipline kind (E0003–E0009) and six
    with none (E0010–E0015)."""
    rows = [
        roster_row(1, 班子职务="主要负责人", 职务="局长", 职级="县处级"),
        roster_row(2, 班子职务="副职", 职务="副局长", 职级="县处级", 分管单位="U01"),
    ]
    for number, kind in enumerate(DISCIPLINE_KINDS, start=3):
        rows.append(roster_row(number, 纪律状况=kind, **{"处分/函询时间": "2026-06-01"}))
    return rows + [roster_row(number) for number in range(10, 16)]


def write_roster(
    path: Path,
    rows: list[list[str]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    header: list[str] | None = None,
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header or ROSTER_HEADER)
        writer.writerows(rows)
    return path


def quarter_data(**fields: Any) -> Any:
    """A QuarterData with nothing in it but what the test gives."""
    from collections import Counter

    from models.facts import QuarterData

    values: dict[str, Any] = {
        "quarter": Quarter(2026, 4),
        "as_of": date(2026, 10, 8),
        "policy_name": "test",
        "policy_sha256": "0" * 64,
        "roster_sha256": None,
        "units": {"U1": "市财政局"},
        "cadres": [],
        "tracks": {},
        "programmes": [],
        "sessions": [],
        "enrolments": [],
        "completions": [],
        "messages": Counter(),
        "rejects": [],
    }
    return QuarterData(**(values | fields))


def rows_of(roster: Path) -> list[list[str]]:
    """A roster CSV's rows under its header."""
    import csv

    with roster.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))[1:]


def roster_with(
    folder: Path, name: str, rows: list[list[str]], header: list[str] | None = None
) -> Path:
    """A roster CSV of these rows, under the synthetic city's header unless another is given."""
    from lianjie.synthetic import HEADER, write_csv

    return write_csv(folder / name, header or HEADER, rows)


# A quarter's ten cadres, and what a roster keeping some of them decides.
TEN = [cadre(employee_id=f"E{n:02d}") for n in range(10)]


def decision(kept: int):  # type: ignore[no-untyped-def]
    """A roster that keeps `kept` of the quarter's ten cadres."""
    from policy.roster import decide_roster

    return decide_roster(
        accepted=TEN[:kept],
        rejects=[],
        rows={c.employee_id: n + 2 for n, c in enumerate(TEN[:kept])},
        current={c.employee_id: c for c in TEN},
        previous={},
        quarter=Quarter(2026, 4),
    )


def verdict(kept: int, **given: bool):  # type: ignore[no-untyped-def]
    from policy.roster import judge_roster

    flags = {"accept_leavers": False, "rehearsal": False, "already_in_force": False} | given
    return judge_roster(decision(kept), max_leavers_share=0.10, **flags)


def on_tracks(who: str, *tracks: Track) -> dict[Track, TrackAssignment]:
    """A person's tracks as a quarter's data holds them, each with a reason of no code."""
    return {track: TrackAssignment(who, track, f"on {track}") for track in tracks}
