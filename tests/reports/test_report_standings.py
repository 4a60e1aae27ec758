"""Reports a leadership team can act on, read at moments before, on and after each deadline:
standings with their dates, one clock, the action box, the summary's lists, the year, a record."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from core.domain import CompletionStatus, LeadershipRole, Quarter, Reject
from core.exceptions import LianjieInputError
from flows.moments import as_of_moment
from harness.factories import cadre
from harness.standings import SHANGHAI, at, city, view_at
from models.facts import CompletionInfo, ReminderInfo
from policy.progress import Standing, quarter_standings
from reports.annual import QuarterStanding, year_report
from reports.context import ACTION_LINES, unit_report
from reports.render import labels, render_text
from reports.roster_notes import reject_reason
from reports.summary import summary_report
from reports.wording import moment_text


def attended(who: str, session_code: str, day: date, programme: str = "IO") -> CompletionInfo:
    return CompletionInfo(
        who, programme, session_code, CompletionStatus.attended, None, 2, "s.csv", 2, day
    )


class TestStandingsWithDates:
    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            # before E1's session, on its day, the day after, after the quarter
            (date(2026, 11, 30), {"E1": "scheduled", "E2": "scheduled", "E3": "scheduled"}),
            (date(2026, 12, 1), {"E1": "scheduled", "E2": "scheduled", "E3": "scheduled"}),
            (date(2026, 12, 2), {"E1": "overdue", "E2": "scheduled", "E3": "scheduled"}),
            (date(2026, 12, 30), {"E1": "overdue", "E2": "overdue", "E3": "scheduled"}),
            (date(2027, 1, 1), {"E1": "overdue", "E2": "overdue", "E3": "overdue"}),
        ],
    )
    def test_each_person_is_scheduled_until_their_own_day_then_overdue(
        self, day: date, expected: dict[str, str]
    ) -> None:
        """E1's session is 12-01, E2's 12-29, E3 has none (due by the quarter's end)."""
        _, standing = quarter_standings(city(), as_of=day)
        assert expected == {who: standing[(who, "IO")].value for who in expected}

    def test_the_report_prints_the_date_beside_the_standing(self) -> None:
        view = view_at(at(date(2026, 12, 15)))
        rows = {r["employee_id"]: r["status"] for r in unit_report(view, "U01")["outstanding"]}
        assert "逾期未完成（应于12月1日完成）；补课待安排" == rows["E1"]
        assert "待参加（12月29日）" == rows["E2"]
        assert "待参加（待排期，12月31日前完成）" == rows["E3"]
        english = view_at(at(date(2026, 12, 15)), lang="en")
        rows = {r["employee_id"]: r["status"] for r in unit_report(english, "U01")["outstanding"]}
        assert "overdue (due 1 Dec); make-up to be booked" == rows["E1"]
        assert "scheduled (29 Dec)" == rows["E2"]

    def test_overdue_first_then_what_is_ahead(self) -> None:
        rows = unit_report(view_at(at(date(2026, 12, 15))), "U01")["outstanding"]
        # TL1 (11-10), then TM1 and E1 (12-01); E2 (12-29), then E3 (by the quarter's end)
        assert ["TL1", "E1", "TM1", "E2", "E3"] == [r["employee_id"] for r in rows]
        assert ["overdue"] * 3 + ["scheduled"] * 2 == [r["standing"] for r in rows]

    def test_a_completion_after_the_as_of_day_does_not_count_yet(self) -> None:
        """Re-rendered as it stood on 12-01, E1's attendance (on 12-01) counts; as of 11-30
        it had not happened."""
        data = city([attended("E1", "S-12-01", date(2026, 12, 1))])
        _, before = quarter_standings(data, as_of=date(2026, 11, 30))
        _, on = quarter_standings(data, as_of=date(2026, 12, 1))
        assert Standing.scheduled == before[("E1", "IO")]
        assert Standing.complete == on[("E1", "IO")]


class TestOneClock:
    def test_printed_times_carry_their_zone(self) -> None:
        moment = datetime(2026, 11, 26, 10, 36, tzinfo=ZoneInfo("UTC")).astimezone(SHANGHAI)
        assert "2026年11月26日 18:36 北京时间" == moment_text(moment, "zh")
        assert "26 November 2026 18:36 Beijing time (UTC+08:00)" == moment_text(moment, "en")
        in_utc = moment.astimezone(ZoneInfo("UTC"))
        assert "2026年11月26日 10:36 UTC+00:00" == moment_text(in_utc, "zh")

    def test_as_of_a_day_is_its_end_today_is_now_and_tomorrow_is_refused(self) -> None:
        now = at(date(2026, 11, 26))
        assert now == as_of_moment(None, now)
        assert now == as_of_moment(date(2026, 11, 26), now)
        assert at(date(2026, 11, 20), 23, 59) == as_of_moment(date(2026, 11, 20), now)
        with pytest.raises(LianjieInputError, match="has not come yet"):
            as_of_moment(date(2026, 11, 27), now)

    @pytest.mark.parametrize(
        ("day", "held"),
        [(date(2026, 11, 9), 0), (date(2026, 11, 10), 1), (date(2026, 12, 1), 2)],
    )
    def test_sessions_held_are_those_dated_up_to_the_day_in_every_report(
        self, day: date, held: int
    ) -> None:
        """The summary and the unit count sessions the same way (a straddling quarter)."""
        view = view_at(at(day))
        assert held == summary_report(view)["sessions"] == unit_report(view, "U01")["sessions_held"]
        assert 4 == summary_report(view)["sessions_planned"]

    def test_people_in_scope_have_a_requirement_and_the_roster_is_counted_apart(self) -> None:
        context = unit_report(view_at(at(date(2026, 12, 15))), "U01")
        assert (5, 6) == (context["in_scope"], context["on_roster"])

    def test_reminders_sent_after_the_moment_are_not_counted(self) -> None:
        sent = datetime(2026, 12, 29, 1, 0, tzinfo=ZoneInfo("UTC"))
        data = city()
        data = type(data)(
            **{
                **{f: getattr(data, f) for f in data.__dataclass_fields__},
                "reminders": [ReminderInfo("E1", "sms", "sent", date(2026, 12, 31), sent)],
            }
        )
        assert 0 == unit_report(view_at(at(date(2026, 12, 28)), data), "U01")["reminders"]["sent"]
        assert 1 == unit_report(view_at(at(date(2026, 12, 29)), data), "U01")["reminders"]["sent"]


class TestActionBox:
    def test_says_who_is_overdue_the_make_up_day_and_the_deadline(self) -> None:
        lines = unit_report(view_at(at(date(2026, 12, 15))), "U01")["actions"]
        assert len(lines) <= ACTION_LINES
        text = "\n".join(lines)
        assert "3 人（3 人次）逾期未完成，最早应于11月10日完成" in text
        assert "补课：12月22日" in text
        assert "2 人次待参加，最近一场在12月29日" in text
        assert "张书记（主要负责人）：对全单位 5 人次未完成负总责" in text
        assert "本人待完成：主要负责人专题 逾期未完成（应于11月10日完成）" in text
        assert "李副（班子成员）" in text and "本人待完成：在职干部廉洁教育 逾期未完成" in text
        assert "2026年12月31日（季度末）前完成" in lines[-1]

    def test_after_the_quarter_the_deadline_line_says_so(self) -> None:
        lines = unit_report(view_at(at(date(2027, 1, 5))), "U01")["actions"]
        assert "本季度已结束" in lines[-1]

    def test_a_unit_with_everything_done_is_told_so_in_one_line(self) -> None:
        done = [
            attended(who, code, date(2026, 12, 1), programme)
            for who, code, programme in [
                ("TL1", "S-TL", "TL"),
                ("TM1", "S-12-01", "IO"),
                ("E1", "S-12-01", "IO"),
                ("E2", "S-12-01", "IO"),
                ("E3", "S-12-01", "IO"),
            ]
        ]
        view = view_at(at(date(2026, 12, 15)), city(done))
        lines = unit_report(view, "U01")["actions"]
        assert ["本单位本季度廉洁教育已全部完成，无待办事项。"] == lines

    def test_never_more_than_eight_lines(self) -> None:
        """Twenty team members each in charge of work left: the box still fits."""
        data = city()
        members = [
            cadre(
                employee_id=f"M{n}",
                name=f"成员{n}",
                leadership_role=LeadershipRole.team_member,
                in_charge_of=("U01",),
            )
            for n in range(20)
        ]
        data = type(data)(
            **{
                **{f: getattr(data, f) for f in data.__dataclass_fields__},
                "cadres": data.cadres + members,
            }
        )
        lines = unit_report(view_at(at(date(2026, 12, 15)), data), "U01")["actions"]
        assert len(lines) == ACTION_LINES
        assert "详见下文名单" in lines[-2]


class TestSummaryLists:
    def test_names_the_top_leaders_not_finished_with_their_unit(self) -> None:
        rows = summary_report(view_at(at(date(2026, 12, 15))))["unfinished_leaders"]
        assert [("市教育局", "张书记")] == [(r["unit"], r["name"]) for r in rows]
        assert "逾期未完成（应于11月10日完成）" in rows[0]["items"]

    def test_totals_per_standing_add_up(self) -> None:
        context = summary_report(view_at(at(date(2026, 12, 15))))
        total = context["track_total"]["tally"]
        assert total.required == sum(r["tally"].required for r in context["track_rows"])
        assert (0, 2, 3, 0, 0) == tuple(total.of(s) for s in Standing)

    def test_rejects_in_the_reports_language_with_a_code_for_tools(self) -> None:
        reject = Reject(
            7,
            "phone",
            "'138001380' is not a mainland mobile number (11 digits starting 13–19)",
            {},
            code="not_mobile",
            params={"value": "138001380"},
            source="roster.csv",
        )
        assert "“138001380”不是有效的手机号码（11 位，以 13–19 开头）" == reject_reason(
            reject, labels("zh")
        )
        assert reject.reason == reject_reason(reject, labels("en"))
        required = Reject(
            3, "name", "name is required", {}, code="required", params={"column": "name"}
        )
        assert "“姓名”为必填项，此处为空" == reject_reason(required, labels("zh"))

    def test_a_word_not_among_the_choices_lists_the_chinese_words_in_a_chinese_report(
        self,
    ) -> None:
        from intake.reasons import Broken
        from intake.values import COMPLETION_STATUSES, parse_choice

        try:
            parse_choice("到了", COMPLETION_STATUSES, CompletionStatus.attended)
        except Broken as broken:
            reject = Reject(4, "status", str(broken), {}, code=broken.code, params=broken.params)
        zh = reject_reason(reject, labels("zh"))
        assert zh.startswith("“到了”不在可选值之中（可填：") and "出席" in zh, zh
        assert not re.search(r"[A-Za-z]", zh), zh
        assert "attended" in reject_reason(reject, labels("en"))

    def test_only_fifty_rejects_and_where_the_rest_are(self) -> None:
        data = city()
        rejects = [
            Reject(n, "phone", "bad", {}, sheet="市财政局", source="r.xlsx") for n in range(2, 82)
        ]
        data = type(data)(
            **{**{f: getattr(data, f) for f in data.__dataclass_fields__}, "rejects": rejects}
        )
        context = summary_report(view_at(at(date(2026, 12, 15)), data))
        assert (50, 30) == (len(context["rejects"]), context["more_rejects"])
        assert "手机" == context["rejects"][0]["column"]
        # a workbook with a sheet per unit: each reject says on which sheet its row is
        html = render_text("summary.html.j2", context)
        assert "r.xlsx · 市财政局" in html


class TestYear:
    def test_rates_per_quarter_and_people_overdue_twice(self) -> None:
        q3 = city()
        q3 = type(q3)(
            **{**{f: getattr(q3, f) for f in q3.__dataclass_fields__}, "quarter": Quarter(2026, 3)}
        )
        quarters = []
        # Q3 stood at its end with nothing done (its sessions long past); Q4 as of 12-15
        for data, day in [(q3, date(2027, 1, 1)), (city(), date(2026, 12, 15))]:
            quarters.append(QuarterStanding(data, *quarter_standings(data, as_of=day), day))
        context = year_report(
            2026,
            quarters,
            labels=labels("zh"),
            organisation="示范市",
            as_of=at(date(2026, 12, 15)),
            holidays=[],
        )
        assert ["第三季度", "第四季度"] == context["quarters"]
        # Q3 ended: every place overdue; Q4 on 12-15: 3 overdue (TL1, TM1, E1)
        assert ["E1", "TL1", "TM1"] == sorted(
            r["employee_id"] for r in context["repeatedly_overdue"]
        )
        assert ["第三季度、第四季度"] == list(
            {r["quarters"] for r in context["repeatedly_overdue"]}
        )
        [unit] = context["unit_rows"]
        assert unit["year"].required == 10 and unit["year"].overdue == 8


class TestNoWayToComply:
    """Issue 36: people with no make-up were told to attend one, and the unit report said only
    尚无补课场次. Each outstanding item now says what follows: the make-up the person is booked
    on, that one is still to be booked, or that the quarter has no day left for one."""

    def status_of(self, view, who: str) -> str:  # type: ignore[no-untyped-def]
        [row] = [r for r in unit_report(view, "U01")["outstanding"] if r["employee_id"] == who]
        return str(row["status"])

    def test_booked_to_be_booked_or_no_day_left(self) -> None:
        from dataclasses import replace

        data = city()
        view = view_at(at(date(2026, 12, 15)), data)
        assert self.status_of(view, "E1").endswith("；补课待安排")
        # booked on the make-up, the item is its session's again: scheduled on its day
        booked = replace(data, enrolments=[*data.enrolments, ("S-M", "E1", "enrolled")])
        assert "待参加（12月22日）" == self.status_of(view_at(at(date(2026, 12, 15)), booked), "E1")
        # the quarter's last days: no make-up session ahead, and no working day left for one
        no_makeup = replace(data, sessions=[s for s in data.sessions if s.code != "S-M"])
        late = replace(view_at(at(date(2026, 12, 15)), no_makeup), makeup_days_left=False)
        assert self.status_of(late, "E1").endswith("；本季度已无补课日，转下季度")
        actions = "".join(unit_report(late, "U01")["actions"])
        assert "本季度已无可安排补课的工作日" in actions and "尚无补课场次" not in actions
        assert "补课" not in self.status_of(view, "E2")  # scheduled: nothing missed yet

    def test_the_organisation_summary_names_whoever_has_no_makeup_and_why(self) -> None:
        """Issue 36 rule 3: a person with no make-up left is not told to attend one; the unit
        report and the organisation summary say so with the reason."""
        from dataclasses import replace

        data = city()
        view = view_at(at(date(2026, 12, 15)), data)
        summary = summary_report(view)
        missed = {r["employee_id"] for r in summary["without_makeup"]}
        assert "E1" in missed and "E2" not in missed
        assert summary["without_makeup_count"] == len(missed)
        assert "请组织部门安排补课" in summary["without_makeup_reason"]
        booked = replace(data, enrolments=[*data.enrolments, ("S-M", "E1", "enrolled")])
        assert "E1" not in {
            r["employee_id"]
            for r in summary_report(view_at(at(date(2026, 12, 15)), booked))["without_makeup"]
        }
        no_makeup = replace(data, sessions=[s for s in data.sessions if s.code != "S-M"])
        late = replace(view_at(at(date(2026, 12, 15)), no_makeup), makeup_days_left=False)
        text = render_text("summary.html.j2", summary_report(late))
        assert "未完成且无补课安排的人员" in text
        assert "本季度已无可安排补课的工作日，转入下季度" in text


def test_a_quarter_is_written_as_an_office_writes_it() -> None:
    """2026Q4 on covers, running heads and subjects read as a code (issue 38)."""
    from reports.wording import quarter_text

    assert "2026年第四季度" == quarter_text(Quarter(2026, 4), "zh")
    assert "2027年第一季度" == quarter_text(Quarter(2027, 1), "zh")
    assert "Q4 2026" == quarter_text(Quarter(2026, 4), "en")


def test_hashes_close_the_report_they_do_not_open_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 38: 花名册校验值 45c59469d3a5 and the policy's hash stood on the cover."""
    from pathlib import Path

    import pdfplumber

    from reports.render import RenderJob, render_pdf

    context = unit_report(view_at(at(date(2026, 12, 15))), "U01")
    path = Path(tmp_path) / "unit.pdf"
    render_pdf(RenderJob("unit_report.html.j2", context, path))
    with pdfplumber.open(path) as pdf:
        pages = ["".join((p.extract_text() or "").split()) for p in pdf.pages]
    assert "校验值" not in pages[0] and "000000000000" not in pages[0]
    assert "附注" in pages[-1] and "000000000000" in pages[-1]


def test_quotes_inside_quotes_turn_single() -> None:
    """Issue 38: 参加“班子成员“一岗双责”专题教育” nested the same quotes."""
    from reports.messages import render_message

    context = {
        "name": "王一",
        "organisation": "示范市",
        "programme": "班子成员“一岗双责”专题教育",
        "held_on": date(2026, 10, 13),
        "starts_at": time(9),
        "ends_at": time(10, 30),
        "venue": "第一会议室",
        "session_code": "26Q4-TM-01",
        "key_areas": "",
        "admonition": False,
    }
    from reports.wording import quoted

    assert "“班子成员‘一岗双责’专题教育”" == quoted(context["programme"], "zh")  # type: ignore[arg-type]
    assert "\"the 'two duties' course\"" == quoted('the "two duties" course', "en")
    _, body = render_message("invitation", "zh", context, channel="sms")
    assert "参加“班子成员‘一岗双责’专题教育”" in body
