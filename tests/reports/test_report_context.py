"""The reports' numbers from a quarter's data alone: no database, no Prefect, no PDF."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from core.domain import CompletionStatus, LeadershipRole, Quarter, SessionPlan, Track
from core.exceptions import LianjieInputError
from harness.factories import cadre, on_tracks, quarter_data
from harness.reports import quarter_jobs
from models.facts import CompletionInfo
from models.placements import ProgrammeInfo
from policy.config import load_policy
from policy.progress import Standing, quarter_standings
from reports.confidential import confidential_report
from reports.context import unit_report
from reports.jobs import trend_quarters
from reports.render import labels, render_text
from reports.summary import summary_part, summary_report
from reports.tally import Tally, tally
from reports.view import QuarterView, past_quarter

SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2026, 12, 31, 18, 0, tzinfo=SHANGHAI)  # after every session of the quarter
Q4 = Quarter(2026, 4)
IO = ProgrammeInfo("IO", Track.in_office, "在职干部廉洁教育", "In post", 1, None, False)


def city(quarter: Quarter = Q4, attended: tuple[str, ...] = ("E1",)) -> Any:
    """Two units: U1 with E1 and E2, U2 with E3; all in office, one session on 12-01."""
    day = quarter.starts_on.replace(day=1)
    return quarter_data(
        quarter=quarter,
        units={"U1": "市财政局", "U2": "市教育局"},
        cadres=[
            cadre(employee_id="E1", name="王一", unit_code="U1"),
            cadre(employee_id="E2", name="赵二", unit_code="U1"),
            cadre(employee_id="E3", name="钱三", unit_code="U2"),
        ],
        tracks={who: on_tracks(who, Track.in_office) for who in ("E1", "E2", "E3")},
        programmes=[IO],
        sessions=[SessionPlan("S1", "IO", 1, day, time(9), "第一会议室", 40, makeup=False)],
        enrolments=[("S1", who, "enrolled") for who in ("E1", "E2", "E3")],
        completions=[
            CompletionInfo(who, "IO", "S1", CompletionStatus.attended, None, 2, "s.csv", 2, day)
            for who in attended
        ],
    )


def view_of(data: Any, history: list[Any] | None = None) -> QuarterView:
    requirements, standing = quarter_standings(data, as_of=AS_OF.date())
    return QuarterView(
        data,
        requirements,
        standing,
        labels("zh"),
        "示范市",
        AS_OF,
        AS_OF,
        {},
        history=history or [],
    )


class TestTheReportsDay:
    def test_a_session_held_that_day_awaits_its_sheet_and_is_not_still_to_attend(self) -> None:
        """A report standing at 23:59 on a session's day: its people attended or not, nobody
        knows until the sheet is back; they are not 待参加. Before it starts they are."""
        day = AS_OF.date()
        data = city()
        data = type(data)(
            **{f: getattr(data, f) for f in data.__dataclass_fields__}
            | {"sessions": [SessionPlan("S1", "IO", 1, day, time(9), "第一会议室", 40)]}
        )
        for moment, expected in (
            (AS_OF.replace(hour=23, minute=59), "待签到表"),
            (AS_OF.replace(hour=8), "待参加"),
        ):
            requirements, standing = quarter_standings(data, as_of=day)
            view = QuarterView(
                data, requirements, standing, labels("zh"), "示范市", moment, moment, {}
            )
            e2 = next(r for r in requirements if r.employee_id == "E2")
            assert expected in view.standing_text(e2), view.standing_text(e2)

    def test_the_counts_at_the_days_end_take_the_held_session_out_of_still_to_attend(self) -> None:
        """Issue 38: 150 people were counted 待参加 at 23:59 on their session's day. The count
        tables and the team's to-do lines put them in a column of their own, which the
        required total still adds up to; before the session starts they are still to attend."""
        day = AS_OF.date()
        data = city(attended=())
        data = type(data)(
            **{f: getattr(data, f) for f in data.__dataclass_fields__}
            | {"sessions": [SessionPlan("S1", "IO", 1, day, time(9), "第一会议室", 40)]}
        )
        requirements, standing = quarter_standings(data, as_of=day)
        for moment, held, scheduled in (
            (AS_OF.replace(hour=23, minute=59), 2, 0),
            (AS_OF.replace(hour=8), 0, 2),
        ):
            view = QuarterView(
                data, requirements, standing, labels("zh"), "示范市", moment, moment, {}
            )
            report = unit_report(view, "U1")
            overall = report["overall"]
            assert (held, scheduled, 2) == (overall.held, overall.scheduled, overall.required)
            columns = [key for key, _ in report["standings"]]
            assert ("held" in columns) == bool(held), columns
            actions = "".join(report["actions"])
            assert ("人次待参加" in actions) == bool(scheduled), actions
            assert ("签到表交回后计入" in actions) == bool(held), actions
            # the summary put together from parts, its own view holding no requirement
            bare = QuarterView(data, [], {}, labels("zh"), "示范市", moment, moment, {})
            summary = summary_report(bare, [summary_part(view)])
            assert ("held" in [k for k, _ in summary["standings"]]) == bool(held)


class TestOutstanding:
    def test_each_persons_items_stand_together_the_most_urgent_person_first(self) -> None:
        """Two programmes each for E1 and E2: a reader finds a person once, their items under
        their name, not scattered by urgency between other people's."""
        from harness.standings import IO, TL

        data = city(attended=())
        day = AS_OF.date()
        data = type(data)(
            **{f: getattr(data, f) for f in data.__dataclass_fields__}
            | {
                "programmes": [IO, TL],
                "tracks": {
                    who: on_tracks(who, Track.in_office, Track.top_leader) for who in ("E1", "E2")
                },
                "sessions": [
                    SessionPlan("S1", "IO", 1, day, time(9), "第一会议室", 40),
                    SessionPlan("S2", "TL", 1, date(2026, 11, 10), time(9), "第二会议室", 40),
                ],
                "enrolments": [
                    ("S1", "E1", "enrolled"),
                    ("S1", "E2", "enrolled"),
                    ("S2", "E1", "enrolled"),
                    ("S2", "E2", "enrolled"),
                ],
            }
        )
        rows = unit_report(view_of(data), "U1")["outstanding"]
        assert ["E1", "E1", "E2", "E2"] == [r["employee_id"] for r in rows]
        assert [True, False, True, False] == [r["first"] for r in rows]


class TestTally:
    def test_counts_each_standing_and_the_rate(self) -> None:
        """Two complete and two overdue places are four required, two left, 50.0 %."""
        counts = tally([Standing.complete, Standing.overdue, Standing.complete, Standing.overdue])
        assert (4, 2, 0.5, "50.0%") == (counts.required, counts.left, counts.rate, counts.percent)

    def test_nothing_required_has_no_rate(self) -> None:
        """A tally of no places shows a dash, not 0 %."""
        assert (None, "—") == (Tally().rate, Tally().percent)

    def test_tallies_add_standing_by_standing(self) -> None:
        """Adding two tallies adds each standing's count."""
        assert Tally(complete=3, failed=1) == Tally(complete=1) + Tally(complete=2, failed=1)


class TestQuarterView:
    def test_track_rows_count_the_people_on_each_track(self) -> None:
        """Everyone is on the in-office track; the other tracks have nobody."""
        rows = view_of(city()).track_rows(["E1", "E2", "E3"])
        assert {"in_office": 3} == {r["track"]: r["people"] for r in rows if r["people"]}
        [in_office] = [r for r in rows if r["people"]]
        assert Tally(complete=1, overdue=2) == in_office["tally"]

    def test_trend_points_end_with_the_current_quarter(self) -> None:
        """An earlier quarter's unit tally comes first, then the current one's."""
        earlier = city(Quarter(2026, 3), attended=("E1", "E2"))
        history = [past_quarter(earlier, *quarter_standings(earlier, as_of=AS_OF.date()))]
        view = view_of(city(), history)
        current = view.unit_tally("U1")
        expected = [("2026年第三季度", Tally(complete=2)), ("2026年第四季度", current)]
        assert expected == view.trend_points(current, "U1")

    def test_items_name_each_programme_with_its_standing(self) -> None:
        """E2's one place reads as the programme's name and its overdue standing."""
        view = view_of(city())
        assert view.items(view.required_of["E2"]).startswith("在职干部廉洁教育 逾期")


class TestUnitReport:
    def test_the_unit_report_counts_only_its_own_people(self) -> None:
        """U1 has two people in scope, one place complete of two, at 50.0 %."""
        context = unit_report(view_of(city()), "U1")
        assert (2, 2, "50.0%") == (
            context["in_scope"],
            context["on_roster"],
            context["overall"].percent,
        )
        assert ["赵二"] == [row["name"] for row in context["outstanding"]]

    def test_its_charts_show_the_tracks_with_people_and_the_quarter(self) -> None:
        """One bar for the in-office track at 50 %, one trend column for the quarter itself."""
        context = unit_report(view_of(city()), "U1")
        in_office = labels("zh")["track_names"]["in_office"]
        assert [(in_office, "50.0%")] == [
            (bar["label"], bar["percent"]) for bar in context["chart"]["bars"]
        ]
        assert ["2026年第四季度"] == [bar["label"] for bar in context["trend"]["bars"]]


class TestSummaryReport:
    def test_the_summary_ranks_units_by_completion(self) -> None:
        """U1 (50 %) ranks above U2 (0 %)."""
        ranking = summary_report(view_of(city()))["ranking"]
        assert [("U1", 1), ("U2", 2)] == [(row["code"], row["rank"]) for row in ranking]

    def test_top_leaders_not_finished_are_listed_with_what_is_left(self) -> None:
        """The summary names a top leader's own programme left (a row's "items" is text, not
        the row's dict method: the PDF once printed "<built-in method items ...>")."""
        data = city()
        data.cadres[2] = cadre(
            employee_id="E3", name="钱三", unit_code="U2", leadership_role=LeadershipRole.top_leader
        )
        context = summary_report(view_of(data))
        [row] = context["unfinished_leaders"]
        assert row["items"].startswith("在职干部廉洁教育 逾期")
        html = render_text("summary.html.j2", context)
        assert row["items"] in html and "built-in method" not in html


def jobs(units: list[str] | None, policy: Any = None) -> list[Any]:
    return quarter_jobs(
        city(),
        earlier=[None, city(Quarter(2026, 3)), None],
        policy=policy or load_policy().policy,
        as_of=AS_OF,
        lang="zh",
        units=units,
        folder=Path("/out"),
        organisation="示范市",
        generated_at=AS_OF,
    )


class TestQuarterJobs:
    def test_all_units_come_with_the_summary_and_the_confidential_list(self) -> None:
        """With no units asked for: every unit in code order, then the summary and the list."""
        planned = jobs(None)
        expected = [
            ("unit", "U1", "50.0%", "/out/2026Q4-U1-zh.pdf"),
            ("unit", "U2", "0.0%", "/out/2026Q4-U2-zh.pdf"),
            ("summary", "", "33.3%", "/out/2026Q4-summary-zh.pdf"),
            # rendered in its pending folder; the run places it, encrypted, in confidential/
            ("confidential", "", "", "/out/confidential/.pending/2026Q4-admonition-zh.pdf"),
        ]
        assert expected == [(p.kind, p.unit_code, p.rate, str(p.job.path)) for p in planned]

    def test_units_asked_for_come_alone(self) -> None:
        """Asking for U2 renders U2's report only: no summary, no confidential list."""
        assert [("unit", "U2")] == [(p.kind, p.unit_code) for p in jobs(["U2"])]

    def test_an_unknown_unit_is_an_input_error(self) -> None:
        """A unit not on the roster is named in the error, before anything is rendered."""
        with pytest.raises(LianjieInputError, match="no unit U9 on the 2026Q4 roster"):
            jobs(["U1", "U9"])

    def test_the_trend_shows_the_earlier_quarters_that_exist(self) -> None:
        """A missing earlier quarter is left out of the trend; 2026Q3 comes before 2026Q4."""
        [u1, *_] = jobs(["U1"])
        assert ["2026年第三季度", "2026年第四季度"] == [
            bar["label"] for bar in u1.job.context["trend"]["bars"]
        ]

    def test_the_trend_looks_three_quarters_back(self) -> None:
        """2026Q4's trend quarters are 2026Q1 to 2026Q3, oldest first."""
        expected = ["2026Q1", "2026Q2", "2026Q3"]
        assert expected == [q.label for q in trend_quarters(Quarter.parse("2026Q4"))]


class TestConfidentialList:
    def test_each_admonition_cadre_shows_their_own_held_messages(self) -> None:
        """E1 had two texts held, E3 one, E2 none: each row says its own count."""
        data = city()
        data = type(data)(
            **{f: getattr(data, f) for f in data.__dataclass_fields__}
            | {
                "tracks": {who: on_tracks(who, Track.admonition) for who in ("E1", "E2", "E3")},
                "messages": Counter(
                    {
                        ("E1", "session_reminder", "held"): 1,
                        ("E1", "invitation", "held"): 1,
                        ("E1", "invitation", "sent"): 3,
                        ("E3", "invitation", "held"): 1,
                    }
                ),
            }
        )
        rows = {r["employee_id"]: r["held"] for r in confidential_report(view_of(data))["rows"]}
        template = labels("zh")["held_messages"]
        assert {
            "E1": template.format(count=2),
            "E2": "",
            "E3": template.format(count=1),
        } == rows


def test_the_policy_names_and_marks_the_documents() -> None:
    """Issue 38: titles and markings are the office's, with lianjie's words as defaults; the
    policy's words reach the unit report, the summary and the confidential list."""
    from policy.config import Documents

    words = Documents(
        report_title={"zh": "党风廉政教育落实情况通报"},
        confidential_marking={"zh": "内部资料 · 仅供纪委监委使用"},
    )
    policy = load_policy().policy.model_copy(update={"documents": words})
    planned = jobs(None, policy)
    titles = {p.kind: p.job.context["t"] for p in planned}
    assert "党风廉政教育落实情况通报" == titles["unit"]["report_title"]
    assert "内部资料 · 仅供纪委监委使用" == titles["confidential"]["confidential_marking"]
    assert "内部资料 · 注意保密" == titles["unit"]["marking"]  # not given: lianjie's own
    html = render_text(
        "unit_report.html.j2", next(p for p in planned if p.kind == "unit").job.context
    )
    assert "党风廉政教育落实情况通报" in html and "落实情况报告" not in html
    assert {} == load_policy().policy.documents.words("zh")
