"""The Prefect UI's tables in the operator's language (issue 38, item 3)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from core.documents import document_id
from core.domain import Quarter, Reject
from core.settings import Settings
from flows.artifact_tables import TableWords
from flows.artifacts import RejectOut
from policy.roster_warnings import RosterWarning


def test_a_reject_reads_in_chinese_with_its_column_as_a_clerk_names_it() -> None:
    reject = Reject(7, "employee_id", "no cadre E9 on this quarter's roster", code="unknown_cadre")
    reject.params["employee_id"] = "E9"
    [row] = TableWords("zh").rejects([RejectOut.of("/in/签到表.csv", reject)])
    assert {"文件": "签到表.csv", "行号": 7, "列": "工号"} == {
        k: row[k] for k in ("文件", "行号", "列")
    }
    assert "本季度名册中没有工号为 E9 的干部" == row["原因"]


def test_a_discipline_cell_is_worded_without_its_value() -> None:
    reject = Reject(3, "discipline_status", "'诫勉' is not one of …", code="not_one_of")
    reject.params.update(value="诫勉", accepted="…", accepted_zh="…")
    [row] = TableWords("zh").rejects([RejectOut.of("roster.csv", reject)])
    assert "诫勉" not in str(row) and "保密" in row["原因"]


def test_titles_write_quarters_and_days_as_documents_do() -> None:
    zh, en = TableWords("zh"), TableWords("en")
    assert "2026年10月28日收集的2026年第四季度完成情况" == zh.title(
        "collect", quarter="2026Q4", day=date(2026, 10, 28)
    )
    assert en.title("cycle", dry_run=True, quarter="2026Q4", as_of=date(2026, 10, 1)) == (
        "Dry run, nothing changed: Quarterly cycle, Q4 2026 (as of 1 October 2026)"
    )


def test_roster_warnings_are_worded_from_their_codes() -> None:
    warning = RosterWarning.of("no_top_leader", unit="U07")
    assert [{"提示": "单位 U07 在名册中没有主要负责人"}] == TableWords("zh").warnings([warning])
    assert [{"warning": str(warning)}] == TableWords("en").warnings([warning])


def a_cycle(**changed: object) -> Any:
    from flows.artifacts import ImportSummary
    from flows.summaries import CycleSummary

    roster = ImportSummary(source="/in/roster.xlsx", read=120, accepted=118, rejected=2)
    summary = CycleSummary(
        quarter="2026Q4",
        as_of=date(2026, 10, 8),
        policy_sha256="0" * 64,
        roster=roster,
        tracks={"top_leader": 3, "in_office": 100},
        sessions={"new_sessions": 9, "enrolments": 230, "withdrawals": 0, "unplaced": 4},
        messages={
            "invitation": 230,
            "total_new": 460,
            "requeued": 0,
            "held": 2,
            "place_notices": 0,
        },
    )
    return summary.model_copy(update=changed)


def test_the_cycles_summary_says_what_happened_and_what_needs_doing() -> None:
    """Issue 39, item 3: the operator read numbers in a table and had to work out what to do.
    The run's summary says it in sentences, in the operator's language."""
    from flows.run_summaries import cycle_summary

    said = cycle_summary(a_cycle(), TableWords("zh"))
    assert "导入 118 行" in said and "新增场次 9 场" in said
    assert "2 行未导入" in said and "roster-rejects-2026q4" in said
    assert "4 人次尚未安排场次" in said
    assert "警示" not in said and "admonition" not in said


def test_a_quiet_cycle_says_there_is_nothing_to_do() -> None:
    from flows.artifacts import ImportSummary
    from flows.run_summaries import cycle_summary

    clean = ImportSummary(source="roster.csv", read=5, accepted=5, rejected=0)
    quiet = a_cycle(
        roster=clean,
        sessions={"new_sessions": 1, "enrolments": 5, "withdrawals": 0, "unplaced": 0},
        messages={"total_new": 10},
        dry_run=True,
    )
    said = cycle_summary(quiet, TableWords("en"))
    assert "Nothing needs doing." in said


def test_a_collect_says_which_rows_to_correct_and_who_the_sheet_left_out() -> None:
    from flows.artifacts import ImportSummary
    from flows.drop_folder import SkippedFile
    from flows.makeups import NotRecordedOut
    from flows.run_summaries import collect_summary
    from flows.summaries import CollectSummary

    sheet = ImportSummary(source="/drop/签到表.xlsx", read=40, accepted=39, rejected=1)
    left_out = NotRecordedOut(
        session="26Q4-IO-01",
        employee_id="E1",
        name="王一",
        sheet_back_on=date(2026, 10, 14),
        absent_from=date(2026, 10, 21),
    )
    summary = CollectSummary.of(
        Quarter(2026, 4), [sheet], None, [SkippedFile(source="/drop/x.doc", reason="不是表格文件")]
    )
    summary = summary.model_copy(update={"not_recorded": [left_out]})
    said = collect_summary(summary, TableWords("zh"))
    assert "1 行未导入" in said and "completion-rejects-2026q4" in said
    assert "未读取文件 x.doc：不是表格文件" in said
    assert "1 人在交回的签到表中没有记录" in said and "王一" not in said


def test_a_dispatch_says_what_failed_will_be_retried() -> None:
    from flows.dispatch import DispatchSummary
    from flows.run_summaries import dispatch_summary

    counts = {
        "email": {"sent": 5, "failed": 2, "skipped": 0},
        "sms": {"sent": 3, "failed": 0, "skipped": 0},
    }
    said = dispatch_summary(DispatchSummary.of(date(2026, 10, 8), 1, counts), TableWords("zh"))
    assert "电子邮件：发送 5 条，失败 2 条" in said and "短信：发送 3 条。" in said
    assert "自动重试" in said and "1 条消息未能在其场次或节日之前发出" in said
    calm = {"email": {"sent": 5, "failed": 0, "skipped": 0}}
    assert "Nothing needs doing." in dispatch_summary(
        DispatchSummary.of(date(2026, 10, 8), 0, calm), TableWords("en")
    )


def test_the_reports_say_when_the_list_could_not_be_sent() -> None:
    from flows.reporting.published import ReportsSummary
    from flows.reporting.rendering import ReportOut
    from flows.run_summaries import reports_summary

    reports = [
        ReportOut(kind="unit", unit_code="U1", path="/r/u1.pdf", pages=3, rate="50.0%"),
        ReportOut(kind="summary", unit_code="", path="/r/s.pdf", pages=4, rate="62.5%"),
        ReportOut(kind="confidential", unit_code="", path="/r/c/l.pdf", pages=1, rate=""),
    ]
    done = ReportsSummary(quarter="2026Q4", rendered=3, reports=reports, queued_for_readers=4)
    said = reports_summary(done, TableWords("zh"), deliver=True, list_unsent=True)
    assert "生成单位报告 1 份和汇总报告，全组织完成率 62.5%" in said
    assert "已排入发送报告邮件 4 封" in said and "LIANJIE_DISCIPLINE_EMAIL" in said
    quiet = reports_summary(done, TableWords("zh"), deliver=False, list_unsent=False)
    assert "无需处理的事项" in quiet and "勾选“发送报告”" in quiet


def test_each_report_opens_from_its_own_link_and_the_list_from_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 39, item 3: link artifacts for each report, through the reports URL. The list
    for the discipline body is never linked: the folder it is in is refused to other readers."""
    from flows.reporting import published
    from flows.reporting.published import ReportsSummary, publish_reports
    from flows.reporting.rendering import ReportOut

    made: list[dict[str, Any]] = []
    monkeypatch.setattr(published, "create_link_artifact", lambda **kw: made.append(kw))
    monkeypatch.setattr(published, "publish_summary", lambda *a: None)
    monkeypatch.setattr(published, "publish_table", lambda *a: None)
    reports = [
        ReportOut(kind="unit", unit_code="U1", path=str(tmp_path / "u1.pdf"), pages=3, rate=""),
        ReportOut(kind="unit", unit_code="U2", path=str(tmp_path / "u2.pdf"), pages=3, rate=""),
        ReportOut(kind="summary", unit_code="", path=str(tmp_path / "s.pdf"), pages=4, rate=""),
        ReportOut(
            kind="confidential", unit_code="", path=str(tmp_path / "c.pdf"), pages=1, rate=""
        ),
    ]
    done = ReportsSummary(quarter="2026Q4", rendered=4, reports=reports)
    served = Settings(output_dir=tmp_path, reports_url="https://reports.example/lj")
    publish_reports(done, served, deliver=False, lang="zh")
    links = {m["link"]: m["link_text"] for m in made}
    # the reports site's own addresses: by id, as `lianjie web` serves them to their readers
    site = "https://reports.example/lj/documents/"
    assert {
        site + document_id("2026Q4", "unit", "U1", "zh"): "U1：2026年第四季度落实情况报告",
        site + document_id("2026Q4", "unit", "U2", "zh"): "U2：2026年第四季度落实情况报告",
        site + document_id("2026Q4", "summary", "", "zh"): "2026年第四季度汇总报告",
    } == links
    assert ["summary-report-2026q4"] == [m["key"] for m in made if m.get("key")]

    made.clear()
    publish_reports(done, Settings(output_dir=tmp_path), deliver=False, lang="zh")
    assert [] == made  # not served: the summary says where the files are, in words
