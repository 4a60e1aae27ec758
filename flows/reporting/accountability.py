"""accountability-reports: a PDF per unit for its leadership team, a summary, a secret list."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Annotated, cast

from prefect import flow, task

from core.domain import Quarter, ReportKind
from core.exceptions import LianjieInputError
from flows.common import (
    RunSettings,
    expected_failures,
    log,
    now,
    reported_quarter,
    settings,
    today,
)
from flows.moments import report_moment
from flows.parameters import (
    UNSET,
    Count,
    Day,
    FormLanguage,
    FormText,
    Names,
    QuarterLabel,
    RunLanguage,
    given_day,
    titled,
)
from flows.progress import stage
from flows.reporting.fanout import chunks_for_the_pool, render_on_pool
from flows.reporting.parts import plan_reports, render_here
from flows.reporting.published import ReportsSummary, publish_reports
from flows.reporting.rendering import ReportOut, record_reports
from flows.run_names import run_name
from flows.starting import idle_today, started
from models.cadres import quarter_roster, unit_names
from models.db import session_for
from models.outbox import add_messages
from reports.delivery import RenderedReport, report_messages
from reports.jobs import ReportSetting
from reports.render import Rendered
from reports.sealed import place_confidential, placed_path


@flow(
    name="accountability-reports", flow_run_name=run_name("accountability-reports"), log_prints=True
)
@expected_failures
def accountability_reports(
    quarter: Annotated[QuarterLabel, titled("Quarter 季度")] = UNSET,
    units: Annotated[Names, titled("Units (empty: all) 单位编码")] = (),
    lang: Annotated[FormLanguage, titled("Language 语言")] = UNSET,
    out: Annotated[FormText, titled("Output folder 输出目录")] = "",
    deliver: Annotated[bool, titled("E-mail the reports to their readers 发送报告")] = False,
    as_of: Annotated[Day, titled("As of 统计截至日期")] = UNSET,
    allow_future: Annotated[
        bool, titled("Allow an as-of day ahead (simulations) 允许未来日期")
    ] = False,
    only_on_first_working_day: Annotated[
        bool, titled("Only on the month's first working day 仅在当月首个工作日运行")
    ] = False,
    chunks: Annotated[Count, titled("Chunks on the work pool (0: render here) 分块数")] = UNSET,
) -> ReportsSummary:
    """Render the accountability PDFs: per unit, the organisation summary, the confidential list.

    Args:
        quarter: The quarter to report on, written YYYYQn, e.g. 2026Q4; empty means the quarter
            that ended last (what the scheduled run after each quarter reports on), or the
            current one while the last has never been started.
        units: Unit codes to render; empty renders every unit, the summary and confidential list.
        lang: Language of the reports (zh or en); empty means LIANJIE_LANG.
        out: Folder for the PDFs; empty means the quarter's folder in LIANJIE_OUTPUT_DIR.
        deliver: Queue each unit's PDF as an e-mail to its top leader and team members, and the
            confidential list to LIANJIE_DISCIPLINE_EMAIL only (once per report version); the
            next dispatch sends them.
        as_of: The day the numbers stand at (its end); empty means now, or the quarter's last
            day once it has ended. Sessions dated up to it count as held, and what was due
            before it and is not done as overdue.
        allow_future: Accept an as-of day still to come: for a quarter played on a fake
            clock (the demo); a real report of the future would call everyone scheduled.
        only_on_first_working_day: Do nothing unless today is the first working day of the
            month (the schedule fires on each of the quarter's first ten days and sets this).
        chunks: 0 renders every PDF in this run's own processes. More fans the units out
            over the work pool's workers: that many render-reports runs, each retried alone
            when it crashes; the output folder must then be one every worker reaches. A
            chunk renders on one core: ask for about as many as the workers have cores.
            Empty means one chunk per worker online in the run's pool when it has more than
            one, else 0.
    """
    config = settings()
    if isinstance(chunks, int) and chunks < 0:
        raise LianjieInputError(f"chunks is {chunks}: give 0 (render here) or more")
    if idle := idle_today(config, only_on_first_working_day):
        return cast(ReportsSummary, idle)
    start = started(quarter, lang, default=reported_quarter, config=config)
    run, period = start.run, start.quarter
    moment = report_moment(period, given_day(as_of), now(config), allow_future=allow_future)
    # The confidential list comes with the whole quarter: refused before anything renders.
    password = None if units else config.confidential_password_for_output()
    folder = out or str(config.reports_dir / period.label)
    outcome = rendered_reports(
        run=run,
        quarter=period,
        plan=plan_reports(
            run=run, quarter=period, units=list(units) or None, out=folder, as_of=moment
        ),
        whole=not units,
        chunks=chunks if isinstance(chunks, int) else chunks_for_the_pool(),
        # the chunks' own parameters: as the Run form has them, nothing secret
        asked={"as_of": moment.isoformat(), "out": folder, "allow_future": allow_future},
        deadline=timedelta(seconds=config.chunk_deadline_seconds),
    )
    reports, rendered = placed(outcome, password)
    record_reports(
        run=run, filed_under=period.label, reports=reports, rendered=rendered, as_of=moment
    )
    delivered = delivered_as(reports, rendered)
    queued = (
        queue_reports(run=run, quarter=period, reports=delivered, on=today(config))
        if deliver
        else 0
    )
    summary = ReportsSummary(
        quarter=period.label, rendered=len(reports), reports=reports, queued_for_readers=queued
    )
    publish_reports(summary, config, deliver=deliver, lang=run.lang)
    return summary


def delivered_as(reports: list[ReportOut], rendered: list[Rendered]) -> list[RenderedReport]:
    """The reports as their e-mails carry them: each with its file and that file's hash."""
    return [
        RenderedReport(r.kind, r.unit_code, str(done.path), done.sha256)
        for r, done in zip(reports, rendered, strict=True)
    ]


def rendered_reports(
    *,
    run: RunSettings,
    quarter: Quarter,
    plan: tuple[ReportSetting, list[list[str]]],
    whole: bool,
    chunks: int,
    asked: dict[str, object],
    deadline: timedelta,
) -> list[tuple[ReportOut, Rendered]]:
    """The planned reports rendered here, or by `chunks` render-reports runs on the pool."""
    setting, parts = plan
    count = len(setting.file_names) + 2 if whole else sum(map(len, parts))  # + summary, list
    with stage("rendering reports", count, key=f"reports-{quarter.label}") as rendering:
        if not chunks:
            return render_here(
                run=run,
                quarter=quarter,
                setting=setting,
                parts=parts,
                whole=whole,
                progress=rendering,
            )
        return render_on_pool(
            run=run,
            quarter=quarter,
            setting=setting,
            parts=parts,
            whole=whole,
            chunks=chunks,
            parameters=asked
            | {"quarter": quarter.label, "lang": RunLanguage[run.lang.value].value},
            deadline=deadline,
            progress=rendering,
        )


def placed(
    outcome: list[tuple[ReportOut, Rendered]], password: str | None
) -> tuple[list[ReportOut], list[Rendered]]:
    """The reports where their readers find them, with their pages: the confidential list,
    rendered in its pending folder, sealed into its place."""
    reports, rendered = [], []
    for planned, done in outcome:
        report, pdf = planned, done
        if planned.kind == ReportKind.confidential:
            final = placed_path(done.path)
            sha256 = place_confidential(done.path, final, password)
            report = planned.model_copy(update={"path": str(final)})
            pdf = replace(done, path=final, sha256=sha256)
        reports.append(report.model_copy(update={"pages": pdf.pages}))
        rendered.append(pdf)
    return reports, rendered


@task(persist_result=False)
def queue_reports(
    *, run: RunSettings, quarter: Quarter, reports: list[RenderedReport], on: date
) -> int:
    """Queue the reports as e-mails to their readers; a version already queued is left alone."""
    discipline_email = run.discipline_email
    with session_for(run.db_url) as session:
        # Only the readers: the roster and its units' names, not the quarter's outcomes.
        rows = report_messages(
            reports,
            cadres=quarter_roster(session=session, quarter=quarter),
            units=unit_names(session=session),
            quarter=quarter,
            on=on,
            lang=run.lang,
            organisation=run.organisation,
            discipline_email=discipline_email,
        )
        queued = add_messages(session=session, rows=rows)
    if not discipline_email and any(r.kind == ReportKind.confidential for r in reports):
        log().warning("LIANJIE_DISCIPLINE_EMAIL is not set: the confidential list was not sent")
    log().info("%d report e-mails queued for the next dispatch", queued)
    return queued
