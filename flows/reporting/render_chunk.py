"""render-reports: one chunk of a quarter's unit reports, as its own flow run on the work pool."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from prefect import flow

from core.exceptions import LianjieInputError
from flows.common import expected_failures, log, now
from flows.moments import organisation_moment
from flows.parameters import (
    UNSET,
    FormLanguage,
    FormText,
    Names,
    QuarterLabel,
    titled,
)
from flows.progress import stage
from flows.reporting.parts import plan_reports, render_here
from flows.reporting.rendering import record_reports
from flows.starting import started


# Named by the run that starts it (flows/reporting/fanout.py: its quarter, chunk and attempt).
@flow(name="render-reports", log_prints=True)
@expected_failures
def render_reports(
    quarter: Annotated[QuarterLabel, titled("Quarter 季度")],
    units: Annotated[Names, titled("Units 单位编码")],
    as_of: Annotated[datetime, titled("As of (moment) 统计时刻")],
    lang: Annotated[FormLanguage, titled("Language 语言")] = UNSET,
    out: Annotated[FormText, titled("Output folder 输出目录")] = "",
    allow_future: Annotated[bool, titled("Allow a moment still to come 允许未来时刻")] = False,
) -> int:
    """Render and record the PDF reports of the given units of a quarter: a chunk of an
    accountability-reports run, started by it on the work pool (and retried alone).

    Args:
        quarter: The quarter, written YYYYQn, e.g. 2026Q4.
        units: The unit codes to render: never the summary or the confidential list, which
            the accountability-reports run renders itself.
        as_of: The moment the numbers stand at (the parent run's, so that every chunk stands
            at the same moment); read in the organisation's time zone, never in the future.
        lang: Language of the reports (zh or en); empty means LIANJIE_LANG.
        out: Folder for the PDFs, one every worker reaches; empty means the quarter's folder
            in LIANJIE_OUTPUT_DIR.
        allow_future: Accept a moment still to come: for a quarter played on a fake clock
            (the parent run passes its own choice).
    """
    start = started(quarter, lang, default=None)
    config, run, period = start.config, start.run, start.quarter
    as_of = organisation_moment(as_of, config.zone, now(config), allow_future=allow_future)
    if not units:
        raise LianjieInputError("no units: give the unit codes this chunk renders")
    folder = out or str(config.reports_dir / period.label)
    setting, parts = plan_reports(
        run=run, quarter=period, units=list(units), out=folder, as_of=as_of
    )
    # Here, in this run's own process: the work pool runs chunks side by side, one process
    # each, so a pool of render processes per chunk would only add processes to start and
    # fonts to warm (4 chunks of a 40-unit quarter: 44-48 s with a pool each, 37-42 s without).
    with stage("rendering reports", len(units)) as rendering:
        done = render_here(
            run=run,
            quarter=period,
            setting=setting,
            parts=parts,
            whole=False,
            progress=rendering,
            processes=1,
        )
    rendered = [pdf for _, pdf in done]
    reports = [out_.model_copy(update={"pages": pdf.pages}) for out_, pdf in done]
    # Recorded here too, so that a chunk run again alone leaves its rows right; upserted, a
    # chunk run twice leaves one row per PDF.
    record_reports(
        run=run, filed_under=period.label, reports=reports, rendered=rendered, as_of=as_of
    )
    log().info("chunk of %d units of %s rendered in %s", len(reports), period.label, folder)
    return len(reports)
