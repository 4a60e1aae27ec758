"""accountability-reports: a PDF per unit for its leadership team, a summary, a secret list."""

from __future__ import annotations

import datetime as dt
import socket
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, cast

from prefect import flow, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact
from prefect.cache_policies import NONE
from pydantic import BaseModel, computed_field

from core.domain import Quarter
from core.exceptions import LianjieInputError
from core.settings import Settings
from flows.common import (
    UNSET,
    Day,
    FormLanguage,
    Names,
    QuarterLabel,
    artifact_key,
    as_of_moment,
    expected_failures,
    given_day,
    lang_code,
    log,
    now,
    parse_quarter,
    pdf_links,
    publish_table,
    quarter_policy,
    settings,
    this_quarter,
    titled,
    today,
    waits_for_first_working_day,
    working_calendar,
)
from flows.progress import stage
from models.db import session_for, upsert, utcnow
from models.facts import load_quarter
from models.outbox import add_messages
from models.tables import Report
from policy.calendar import HolidayBreak
from policy.progress import quarter_standings
from reports.annual import QuarterStanding, quarters_of_year, year_report
from reports.delivery import RenderedReport, report_messages
from reports.jobs import quarter_jobs, trend_quarters
from reports.render import (
    Rendered,
    RenderJob,
    encrypt_pdf,
    labels,
    render_many,
    safe_file_name,
)

CHUNK_UNITS = 25  # a Prefect task renders this many units: tens of task runs, never hundreds


class ReportOut(BaseModel):
    kind: str
    unit_code: str
    path: str
    pages: int
    rate: str


class ReportsSummary(BaseModel):
    quarter: str
    rendered: int
    reports: list[ReportOut]
    queued_for_readers: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def pdfs(self) -> list[str]:
        """The paths of the PDFs rendered."""
        return [r.path for r in self.reports]


@task(cache_policy=NONE)
def prepare_reports(
    *,
    db_url: str,
    quarter: str,
    units: list[str] | None,
    lang: str,
    out: str,
    organisation: str,
    as_of: datetime,
    estimated_calendar: bool = False,
) -> list[tuple[ReportOut, RenderJob]]:
    """Load the quarter once and compute every report's numbers at `as_of` (nothing is
    rendered yet)."""
    with session_for(db_url) as session:
        _, loaded = quarter_policy(session=session, quarter=quarter)
        data = load_quarter(session=session, quarter=quarter)
        earlier = [
            load_quarter(session=session, quarter=q.label)
            for q in trend_quarters(Quarter.parse(quarter))
        ]
    assert data is not None  # quarter_policy has checked that the quarter exists
    planned = quarter_jobs(
        data,
        earlier=earlier,
        policy=loaded.policy,
        as_of=as_of,
        lang=lang,
        units=units,
        folder=Path(out),
        organisation=organisation,
        generated_at=datetime.now(as_of.tzinfo),
        estimated_calendar=estimated_calendar,
    )
    return [
        (
            ReportOut(
                kind=p.kind, unit_code=p.unit_code, path=str(p.job.path), pages=0, rate=p.rate
            ),
            p.job,
        )
        for p in planned
    ]


@task(cache_policy=NONE)
def render_chunk(jobs: list[RenderJob]) -> list[Rendered]:
    """Render a chunk of reports across the worker processes."""
    rendered = render_many(jobs)
    log().info("rendered %d PDFs (%d pages)", len(rendered), sum(r.pages for r in rendered))
    return rendered


@task(cache_policy=NONE)
def record_reports(
    db_url: str, quarter: str, lang: str, reports: list[ReportOut], rendered: list[Rendered]
) -> None:
    """Remember where each PDF is and its hash (re-rendering replaces the row)."""
    with session_for(db_url) as session:
        upsert(
            session,
            Report,
            [
                {
                    "quarter": quarter,
                    "unit_code": r.unit_code,
                    "kind": r.kind,
                    "lang": lang,
                    "path": str(done.path),
                    "sha256": done.sha256,
                    "generated_at": utcnow(),
                }
                for r, done in zip(reports, rendered, strict=True)
            ],
        )


@flow(name="accountability-reports", log_prints=True)
@expected_failures
def accountability_reports(
    quarter: Annotated[QuarterLabel, titled("Quarter 季度")] = UNSET,
    units: Annotated[Names, titled("Units (empty: all) 单位编码")] = (),
    lang: Annotated[FormLanguage, titled("Language 语言")] = UNSET,
    out: Annotated[str, titled("Output folder 输出目录")] = "",
    deliver: Annotated[bool, titled("E-mail the reports to their readers 发送报告")] = False,
    as_of: Annotated[Day, titled("As of 统计截至日期")] = UNSET,
    allow_future: Annotated[
        bool, titled("Allow an as-of day ahead (simulations) 允许未来日期")
    ] = False,
    only_on_first_working_day: Annotated[
        bool, titled("Only on the month's first working day 仅在当月首个工作日运行")
    ] = False,
) -> ReportsSummary:
    """Render the accountability PDFs: per unit, the organisation summary, the confidential list.

    Args:
        quarter: The quarter to report on, written YYYYQn, e.g. 2026Q4; empty means the quarter
            that ended last (what the scheduled run after each quarter reports on).
        units: Unit codes to render; empty renders every unit, the summary and confidential list.
        lang: Language of the reports (zh or en); empty means LIANJIE_LANG.
        out: Folder for the PDFs; empty means the quarter's folder in LIANJIE_OUTPUT_DIR.
        deliver: Queue each unit's PDF as an e-mail to its top leader and team members, and the
            confidential list to LIANJIE_DISCIPLINE_EMAIL only (once per report version); the
            next dispatch sends them.
        as_of: The day the numbers stand at (its end); empty means now. Sessions dated up to
            it count as held, and what was due before it and is not done as overdue.
        allow_future: Accept an as-of day still to come: for a quarter played on a fake
            clock (the demo); a real report of the future would call everyone scheduled.
        only_on_first_working_day: Do nothing unless today is the first working day of the
            month (the schedule fires on each of the quarter's first ten days and sets this).
    """
    config = settings()
    if only_on_first_working_day and (idle := waits_for_first_working_day(config, today(config))):
        return cast(ReportsSummary, idle)
    period = parse_quarter(quarter, default=this_quarter(config).previous)
    moment = as_of_moment(given_day(as_of), now(config), allow_future=allow_future)
    language = lang_code(lang, config)
    folder = out or str(config.reports_dir / period.label)
    calendar = working_calendar(config, period.starts_on, period.ends_on)
    planned = prepare_reports(
        db_url=config.db_url,
        quarter=period.label,
        units=list(units) or None,
        lang=language,
        out=folder,
        organisation=config.organisation,
        as_of=moment,
        estimated_calendar=calendar.is_estimated(period.year),
    )
    chunks = [planned[i : i + CHUNK_UNITS] for i in range(0, len(planned), CHUNK_UNITS)]
    rendered: list[Rendered] = []
    with stage("rendering reports", len(planned), key=f"reports-{period.label}") as rendering:
        futures = [render_chunk.submit([job for _, job in chunk]) for chunk in chunks]
        for chunk, future in zip(chunks, futures, strict=True):
            rendered += future.result()
            rendering.advance(len(chunk))
    if config.confidential_password is not None:
        rendered = [
            replace(
                done, sha256=encrypt_pdf(done.path, config.confidential_password.get_secret_value())
            )
            if out_.kind == "confidential"
            else done
            for (out_, _), done in zip(planned, rendered, strict=True)
        ]
    reports = [
        out_.model_copy(update={"pages": done.pages})
        for (out_, _), done in zip(planned, rendered, strict=True)
    ]
    record_reports(config.db_url, period.label, language, reports, rendered)
    queued = 0
    if deliver:
        queued = queue_reports(
            config.db_url,
            period.label,
            [
                RenderedReport(r.kind, r.unit_code, str(done.path), done.sha256)
                for r, done in zip(reports, rendered, strict=True)
            ],
            language,
            config.organisation,
            config.discipline_email,
            today(config),
        )
    publish_reports(period.label, reports, config)
    return ReportsSummary(
        quarter=period.label, rendered=len(reports), reports=reports, queued_for_readers=queued
    )


@task(cache_policy=NONE)
def queue_reports(
    db_url: str,
    quarter: str,
    reports: list[RenderedReport],
    lang: str,
    organisation: str,
    discipline_email: str | None,
    on: date,
) -> int:
    """Queue the reports as e-mails to their readers; a version already queued is left alone."""
    with session_for(db_url) as session:
        data = load_quarter(session=session, quarter=quarter)
        assert data is not None
        rows = report_messages(
            reports,
            cadres=data.cadres,
            units=data.units,
            quarter=quarter,
            on=on,
            lang=lang,
            organisation=organisation,
            discipline_email=discipline_email,
        )
        queued = add_messages(session=session, rows=rows)
    if not discipline_email and any(r.kind == "confidential" for r in reports):
        log().warning("LIANJIE_DISCIPLINE_EMAIL is not set: the confidential list was not sent")
    log().info("%d report e-mails queued for the next dispatch", queued)
    return queued


def publish_reports(quarter: str, reports: list[ReportOut], config: Settings) -> None:
    """The reports with their rates and where to open them, as artifacts: links when the
    output folder is served (LIANJIE_REPORTS_URL), else the machine and folder, in words."""
    shown = [r for r in reports if r.kind != "confidential"]
    links = pdf_links([r.path for r in shown], config.reports_dir, config.reports_url)
    publish_table(
        artifact_key("reports", quarter),
        [
            {
                "unit": r.unit_code or r.kind,
                "rate": r.rate,
                "pages": r.pages,
                "pdf": link or Path(r.path).name,
            }
            for r, link in zip(shown, links, strict=True)
        ],
        f"Accountability reports for {quarter}",
    )
    summary = next(
        ((r, link) for r, link in zip(shown, links, strict=True) if r.kind == "summary"), None
    )
    if summary is None:
        return
    report, link = summary
    if link:
        create_link_artifact(
            key=artifact_key("summary-report", quarter),
            link=link,
            link_text=f"Summary report {quarter}",
        )
        return
    folder = Path(report.path).parent.resolve()
    create_markdown_artifact(
        key=artifact_key("summary-report", quarter),
        markdown=(
            f"**Summary report {quarter}**: `{Path(report.path).name}`, with the "
            f"{len(shown) - 1} unit reports, on the machine **{socket.gethostname()}** in the "
            f"folder `{folder}`. To open them from a browser, serve the output folder and set "
            "LIANJIE_REPORTS_URL to its address."
        ),
        description=f"Where the reports of {quarter} are",
    )


class AnnualSummary(BaseModel):
    year: int
    quarters: list[str]
    rendered: int
    reports: list[ReportOut]


@flow(name="annual-report", log_prints=True)
@expected_failures
def annual_report(
    year: Annotated[int, titled("Year 年度")] = 0,
    lang: Annotated[FormLanguage, titled("Language 语言")] = UNSET,
    out: Annotated[str, titled("Output folder 输出目录")] = "",
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
    if only_on_first_working_day and (idle := waits_for_first_working_day(config, moment.date())):
        return cast(AnnualSummary, idle)
    language = lang_code(lang, config)
    folder = Path(out or config.reports_dir / str(year))
    holidays = working_calendar(config, dt.date(year, 1, 1), dt.date(year, 12, 31)).breaks(
        dt.date(year, 1, 1), dt.date(year + 1, 1, 7)
    )
    with stage("reading the year's quarters", 2, key=f"annual-report-{year}") as steps:
        job, quarters = prepare_annual(
            config.db_url, year, language, str(folder), config.organisation, moment, holidays
        )
        steps.advance(doing="rendering the year report")
        [done] = render_chunk([job])
        steps.advance(doing="year report rendered")
    report = ReportOut(
        kind="annual",
        unit_code="",
        path=str(done.path),
        pages=done.pages,
        rate=job.context["year_total"].percent,
    )
    record_reports(config.db_url, str(year), language, [report], [done])
    publish_table(
        artifact_key("annual-report", str(year)),
        [{"year": year, "quarters": ", ".join(quarters), "rate": report.rate, "pdf": report.path}],
        f"Annual report for {year}",
    )
    return AnnualSummary(year=year, quarters=quarters, rendered=1, reports=[report])


@task(cache_policy=NONE)
def prepare_annual(
    db_url: str,
    year: int,
    lang: str,
    out: str,
    organisation: str,
    as_of: datetime,
    holidays: list[HolidayBreak],
) -> tuple[RenderJob, list[str]]:
    """Load the year's quarters, each as it stood at its end, and compute the report."""
    with session_for(db_url) as session:
        loaded = [load_quarter(session=session, quarter=q.label) for q in quarters_of_year(year)]
    quarters = []
    for data in loaded:
        if data is None or Quarter.parse(data.label).starts_on > as_of.date():
            continue
        day = min(as_of.date(), Quarter.parse(data.label).ends_on)
        quarters.append(QuarterStanding(data, *quarter_standings(data, as_of=day), day))
    if not quarters:
        raise LianjieInputError(f"no quarter of {year} has been started: nothing to report")
    context = year_report(
        year,
        quarters,
        labels=labels(lang),
        organisation=organisation,
        as_of=as_of,
        holidays=holidays,
    )
    path = Path(out) / safe_file_name(str(year), "annual", lang)
    return RenderJob("annual.html.j2", context, path), [q.data.label for q in quarters]
