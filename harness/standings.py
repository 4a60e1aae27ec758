"""A small county to read reports against: a unit with a top leader, a team member and three
cadres whose sessions fall on different days, seen at any moment; and a unit of any size
whose people all missed one session, with the checks a long report's layout must pass."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from core.domain import LeadershipRole, SessionPlan, Track
from harness.factories import cadre, on_tracks, quarter_data
from models.facts import CompletionInfo
from models.placements import ProgrammeInfo
from policy.progress import quarter_standings
from reports.render import labels
from reports.view import QuarterView

SHANGHAI = ZoneInfo("Asia/Shanghai")
IO = ProgrammeInfo("IO", Track.in_office, "在职干部廉洁教育", "In post", 1, None, False)
TL = ProgrammeInfo("TL", Track.top_leader, "主要负责人专题", "Top leaders", 1, None, False)


def session(code: str, day: date, *, makeup: bool = False, programme: str = "IO") -> SessionPlan:
    return SessionPlan(code, programme, 1, day, time(9), "第一会议室", 40, makeup=makeup)


def at(day: date, hour: int = 18, minute: int = 36) -> datetime:
    return datetime.combine(day, time(hour, minute), SHANGHAI)


def city(completions: list[CompletionInfo] | None = None):  # type: ignore[no-untyped-def]
    """U01: a top leader (张书记), a team member in charge of U01 (李副), and three cadres
    whose sessions fall on different days: 12-01 (E1), 12-29 (E2), none at all (E3)."""
    people = [
        cadre(employee_id="TL1", name="张书记", leadership_role=LeadershipRole.top_leader),
        cadre(
            employee_id="TM1",
            name="李副",
            leadership_role=LeadershipRole.team_member,
            in_charge_of=("U01",),
        ),
        cadre(employee_id="E1", name="王一"),
        cadre(employee_id="E2", name="赵二"),
        cadre(employee_id="E3", name="钱三"),
        cadre(employee_id="E4", name="孙四"),  # on the roster, on no track
    ]
    return quarter_data(
        cadres=people,
        units={"U01": "市教育局"},
        tracks={
            "TL1": on_tracks("TL1", Track.top_leader),
            "TM1": on_tracks("TM1", Track.in_office),
            "E1": on_tracks("E1", Track.in_office),
            "E2": on_tracks("E2", Track.in_office),
            "E3": on_tracks("E3", Track.in_office),
        },
        programmes=[IO, TL],
        sessions=[
            session("S-12-01", date(2026, 12, 1)),
            session("S-12-29", date(2026, 12, 29)),
            session("S-TL", date(2026, 11, 10), programme="TL"),
            session("S-M", date(2026, 12, 22), makeup=True),
        ],
        enrolments=[
            ("S-12-01", "E1", "enrolled"),
            ("S-12-01", "TM1", "enrolled"),
            ("S-12-29", "E2", "enrolled"),
            ("S-TL", "TL1", "enrolled"),
        ],
        completions=completions or [],
    )


def view_at(moment: datetime, data=None, lang: str = "zh") -> QuarterView:  # type: ignore[no-untyped-def]
    data = data or city()
    requirements, standing = quarter_standings(data, as_of=moment.date())
    return QuarterView(data, requirements, standing, labels(lang), "示范市", moment, moment, {})


SIGN_OFF = "主要负责人签字"
OVERDUE = "逾期未完成（应于12月1日完成）"


def unit_of(size: int):  # type: ignore[no-untyped-def]
    """A unit whose `size` cadres all missed their 12-01 session (one row each)."""
    people = [cadre(employee_id=f"E{n:05d}", name=f"干部{n}") for n in range(size)]
    return quarter_data(
        cadres=people,
        units={"U01": "市教育局"},
        tracks={p.employee_id: on_tracks(p.employee_id, Track.in_office) for p in people},
        programmes=[IO],
        sessions=[session("S1", date(2026, 12, 1))],
        enrolments=[("S1", p.employee_id, "enrolled") for p in people],
    )


def check(pages: list[str], size: int) -> None:
    signed = [n for n, text in enumerate(pages) if SIGN_OFF in text]
    assert [len(pages) - 1] == signed, "the sign-off is on the last page, once"
    last = pages[-1]
    # at least three rows of the list (or its "none") keep it company
    on_last = {f"E{n:05d}" for n in range(size) if f"E{n:05d}" in last}
    assert len(on_last) >= min(3, size) and (size or "无" in last), (size, sorted(on_last))
    seen = set()
    for text in pages:
        ids = {f"E{n:05d}" for n in range(size) if f"E{n:05d}" in text}
        # every row on a page is whole: its id and its standing are on the same page
        assert len(ids) == text.count(OVERDUE)
        assert not ids & seen
        seen |= ids
    assert size == len(seen)
