"""A quarter's reports prepared a part (some units) at a time: a province's quarter is never
in memory whole, and each part's PDFs render while the next part is prepared."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from prefect import task
from prefect.futures import PrefectFuture

from core.domain import Quarter
from flows.common import RunSettings, quarter_policy
from flows.progress import Stage
from flows.reporting.rendering import CHUNK_UNITS, ReportOut, render_chunk
from models.cadres import roster_units
from models.db import session_for
from models.facts import load_quarter
from reports.jobs import (
    PlannedReport,
    QuarterPart,
    ReportSetting,
    organisation_jobs,
    part_jobs,
    parts_of,
    quarter_view,
    report_setting,
    trend_quarters,
)
from reports.render import Rendered, start_renderers

# Units loaded at once: 25,000 cadres of a province's 250-cadre units, ~150 MB with their
# reports' numbers (a million cadres' quarter loaded whole would not fit in 2 GiB).
PART_UNITS = 100


@task(persist_result=False)
def plan_reports(
    *, run: RunSettings, quarter: Quarter, units: list[str] | None, out: str, as_of: datetime
) -> tuple[ReportSetting, list[list[str]]]:
    """The run's setting and the parts to load: the units asked for, or every unit of the
    quarter and of the earlier quarters its trend shows."""
    with session_for(run.db_url) as session:
        _, loaded = quarter_policy(session=session, quarter=quarter)
        known = roster_units(session=session, quarter=quarter)
        in_trend = {
            code
            for q in trend_quarters(quarter)
            for code in roster_units(session=session, quarter=q)
        }
    calendar = run.calendar(quarter.starts_on, quarter.ends_on)
    setting = report_setting(
        quarter,
        known,
        units=units,
        policy=loaded.policy,
        as_of=as_of,
        lang=run.lang,
        folder=Path(out),
        organisation=run.organisation,
        generated_at=datetime.now(as_of.tzinfo),
        estimated_calendar=calendar.is_estimated(quarter.year),
        makeup_days_left=calendar.shift_working_days(
            as_of.date(), loaded.policy.sessions.makeup_lead_working_days
        )
        <= quarter.ends_on,
    )
    return setting, parts_of(units or sorted(set(known) | in_trend), PART_UNITS)


@task(persist_result=False)
def prepare_part(
    *,
    run: RunSettings,
    quarter: Quarter,
    setting: ReportSetting,
    units: list[str],
    unit_reports: bool = True,
) -> QuarterPart:
    """Load the units' people in the quarter and the trend's quarters; their reports' numbers
    (unless their PDFs render elsewhere) and their share of the summary and secret list."""
    with session_for(run.db_url) as session:
        data = load_quarter(session=session, quarter=quarter, units=units)
        earlier = [
            load_quarter(session=session, quarter=q, units=units) for q in trend_quarters(quarter)
        ]
    assert data is not None  # plan_reports has checked that the quarter exists
    return part_jobs(data, earlier=earlier, setting=setting, units=units, unit_reports=unit_reports)


@task(persist_result=False)
def prepare_organisation(
    *, run: RunSettings, quarter: Quarter, setting: ReportSetting, parts: list[QuarterPart]
) -> list[PlannedReport]:
    """The summary and the confidential list, from every part's share."""
    with session_for(run.db_url) as session:
        whole = load_quarter(session=session, quarter=quarter, units=())
    assert whole is not None
    return organisation_jobs(
        quarter_view(whole, [], setting),
        setting,
        [p.summary for p in parts],
        [p.confidential for p in parts],
    )


def report_out(planned: PlannedReport) -> ReportOut:
    return ReportOut(
        kind=planned.kind,
        unit_code=planned.unit_code,
        path=str(planned.job.path),
        pages=0,
        rate=planned.rate,
    )


def render_here(
    *,
    run: RunSettings,
    quarter: Quarter,
    setting: ReportSetting,
    parts: list[list[str]],
    whole: bool,
    progress: Stage,
    processes: int | None = None,
) -> list[tuple[ReportOut, Rendered]]:
    """Prepare the parts one after another and render each part's PDFs on this machine's
    processes (one per core unless told) while the next part is prepared; with `whole`, the
    summary and the confidential list too. The reports come back in that order."""
    if processes != 1:
        start_renderers(processes)  # the pool starts while the first part is prepared
    done: list[tuple[ReportOut, Rendered]] = []
    shares: list[QuarterPart] = []
    rendering: list[tuple[list[PlannedReport], Rendering]] = []
    own: list[tuple[list[PlannedReport], Rendering]] = []
    for index, units in enumerate(parts):
        part = prepare_part(run=run, quarter=quarter, setting=setting, units=units)
        shares.append(QuarterPart([], part.summary, part.confidential))
        if whole and index == len(parts) - 1:
            # The summary and the confidential list are the longest documents: they go to
            # the renderers before the last part's units, not after every unit, when one
            # process would render the list alone while the other has nothing left to do.
            own = _organisation(run, quarter, setting, shares, processes)
        # The part before is waited for only now, so that the render processes never idle
        # while a part is prepared, and no more than two parts' reports are held at once.
        done += _collected(rendering, progress)
        rendering = [
            (chunk, _render(chunk, processes)) for chunk in parts_of(part.reports, CHUNK_UNITS)
        ]
    if whole and not parts:  # a quarter without units still has its summary
        own = _organisation(run, quarter, setting, shares, processes)
    return done + _collected(rendering, progress) + _collected(own, progress)


def _organisation(
    run: RunSettings,
    quarter: Quarter,
    setting: ReportSetting,
    shares: list[QuarterPart],
    processes: int | None,
) -> list[tuple[list[PlannedReport], Rendering]]:
    reports = prepare_organisation(run=run, quarter=quarter, setting=setting, parts=shares)
    return [(reports, _render(reports, processes))]


Rendering = PrefectFuture[list[Rendered]] | list[Rendered]


def _render(reports: list[PlannedReport], processes: int | None) -> Rendering:
    jobs = [p.job for p in reports]
    if processes == 1:  # in this thread: one WeasyPrint is never shared between threads
        return render_chunk(jobs, processes=1)
    return render_chunk.submit(jobs, processes=processes)


def _collected(
    rendering: list[tuple[list[PlannedReport], Rendering]], progress: Stage
) -> list[tuple[ReportOut, Rendered]]:
    done: list[tuple[ReportOut, Rendered]] = []
    for chunk, pdfs in rendering:
        rendered = pdfs if isinstance(pdfs, list) else pdfs.result()
        done += zip(map(report_out, chunk), rendered, strict=True)
        progress.advance(len(chunk))
    return done
