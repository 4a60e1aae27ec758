"""annual-report: the year across its four quarters, in one PDF."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from pathlib import Path
from typing import Annotated, cast

from prefect import flow, task
from pydantic import BaseModel

from core.domain import Quarter, ReportKind
from core.exceptions import LianjieInputError
from core.settings import Settings
from flows.artifact_tables import TableWords, artifact_key, publish_table
from flows.artifacts import pdf_links
from flows.common import (
    RunSettings,
    expected_failures,
    now,
    settings,
)
from flows.moments import as_of_moment
from flows.parameters import UNSET, Day, FormLanguage, FormText, given_day, lang_code, titled
from flows.progress import stage
from flows.reporting.rendering import ReportOut, record_reports, render_chunk
from flows.run_names import run_name
from flows.starting import idle_today
from models.db import session_for
from models.facts import load_quarter
from policy.progress import quarter_standings
from reports.annual import QuarterStanding, quarters_of_year, year_report
from reports.evidence import year_evidence
from reports.render import RenderJob, labels, safe_file_name
from reports.wording import quarter_in_year


class AnnualSummary(BaseModel):
    year: int
    quarters: list[str]
    rendered: int
    reports: list[ReportOut]


@flow(name="annual-report", flow_run_name=run_name("annual-report"), log_prints=True)
@expected_failures
def annual_report(
    year: Annotated[int, titled("Year 年度")] = 0,
    lang: Annotated[FormLanguage, titled("Language 语言")] = UNSET,
    out: Annotated[FormText, titled("Output folder 输出目录")] = "",
    as_of: Annotated[Day, titled("As of 统计截至日期")] = UNSET,
    only_on_first_working_day: Annotated[
        bool, titled("Only on January's first working day 仅在1月首个工作日运行")
    ] = False,
) -> AnnualSummary:
    """The year across its four quarters, for the annual report on duties and integrity.

    Args:
        year: The year, e.g. 2026; 0 means last year (what the run scheduled in January does).
        lang: Language of the report (zh or en); empty means LIANJIE_LANG.
        out: Folder for the PDF; empty means the year's folder under LIANJIE_OUTPUT_DIR (…/2026).
        as_of: The day the quarter still running stands at; empty means now.
        only_on_first_working_day: Do nothing unless today is the first working day of
            January (the schedule fires on each of 1–10 January and sets this).
    """
    config = settings()
    moment = as_of_moment(given_day(as_of), now(config))
    year = year or moment.year - 1
    if idle := idle_today(config, only_on_first_working_day):
        return cast(AnnualSummary, idle)
    run = RunSettings.of(config, lang=lang_code(lang, config))
    folder = Path(out or config.reports_dir / str(year))
    with stage("reading the year's quarters", 2, key=f"annual-report-{year}") as steps:
        job, quarters = prepare_annual(run=run, year=year, out=str(folder), as_of=moment)
        steps.advance(doing="rendering the year report")
        [done] = render_chunk([job])
        steps.advance(doing="year report rendered")
    report = ReportOut(
        kind=ReportKind.annual,
        unit_code="",
        path=str(done.path),
        pages=done.pages,
        rate=job.context["year_total"].percent,
    )
    record_reports(run=run, filed_under=str(year), reports=[report], rendered=[done], as_of=moment)
    publish_annual(year, quarters, report, config, lang=run.lang)
    labels_shown = [q.label for q in quarters]
    return AnnualSummary(year=year, quarters=labels_shown, rendered=1, reports=[report])


def publish_annual(
    year: int, quarters: list[Quarter], report: ReportOut, config: Settings, *, lang: str
) -> None:
    """The year's report in the Prefect UI: a link where the output folder is served, else
    its file name (a path on the worker's disk opens nothing in a browser)."""
    words = TableWords(config.lang)
    [link] = pdf_links([(str(year), report.kind, "", lang)], config.reports_url)
    row = {
        "year": year,
        "quarters": words.listed(quarter_in_year(q, words.lang) for q in quarters),
        "rate": report.rate,
        "pdf": link or Path(report.path).name,
    }
    publish_table(
        artifact_key("annual-report", str(year)),
        words.table([row]),
        words.title("annual", year=year),
    )


@task(persist_result=False)
def prepare_annual(
    *, run: RunSettings, year: int, out: str, as_of: datetime
) -> tuple[RenderJob, list[Quarter]]:
    """Load the year's quarters, each as it stood at its end, and compute the report."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    holidays = run.calendar(first, last).breaks(first, dt.date(year + 1, 1, 7))
    with session_for(run.db_url) as session:
        loaded = [load_quarter(session=session, quarter=q) for q in quarters_of_year(year)]
    quarters = []
    for data in loaded:
        if data is None or data.quarter.starts_on > as_of.date():
            continue
        day = min(as_of.date(), data.quarter.ends_on)
        quarters.append(QuarterStanding(data, *quarter_standings(data, as_of=day), day))
    if not quarters:
        raise LianjieInputError(f"no quarter of {year} has been started: nothing to report")
    context = year_report(
        year,
        quarters,
        labels=labels(run.lang),
        organisation=run.organisation,
        as_of=as_of,
        holidays=holidays,
    )
    path = Path(out) / safe_file_name(str(year), "annual", run.lang)
    inside = year_evidence(year, as_of, [q.data for q in quarters], context["unit_rows"])
    job = RenderJob("annual.html.j2", context, path, moment=as_of, embedded=inside)
    return job, [q.data.quarter for q in quarters]
