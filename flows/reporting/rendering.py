"""Rendering reports in Prefect tasks and remembering each PDF: shared by the quarter's and
the year's reports."""

from __future__ import annotations

from datetime import datetime

from prefect import task
from pydantic import BaseModel

from core.domain import ReportKind
from flows.common import RunSettings, log
from models.bulk import upsert
from models.db import session_for, utcnow
from models.issued import register
from models.tables import Report
from reports.render import Rendered, RenderJob, render_many

CHUNK_UNITS = 25  # a Prefect task renders this many units: tens of task runs, never hundreds


class ReportOut(BaseModel):
    kind: ReportKind
    unit_code: str
    path: str
    pages: int
    rate: str


@task(persist_result=False)
def render_chunk(jobs: list[RenderJob], *, processes: int | None = None) -> list[Rendered]:
    """Render a chunk of reports across the worker processes (one per core unless told)."""
    rendered = render_many(jobs, processes=processes)
    log().info("rendered %d PDFs (%d pages)", len(rendered), sum(r.pages for r in rendered))
    return rendered


@task(persist_result=False)
def record_reports(
    *,
    run: RunSettings,
    filed_under: str,
    reports: list[ReportOut],
    rendered: list[Rendered],
    as_of: datetime | None = None,
) -> None:
    """Remember where each PDF is and its hash (re-rendering replaces the row), filed under
    its quarter (2026Q4) or, for the year's report, its year (2026); and register each version
    issued, by its hash and the moment it stands at, for `lianjie verify`."""
    with session_for(run.db_url) as session:
        register(
            session,
            (
                {
                    "sha256": done.sha256,
                    "quarter": filed_under,
                    "unit_code": r.unit_code,
                    "kind": r.kind,
                    "lang": run.lang,
                    "as_of": as_of,
                    "issued_at": utcnow(),
                    "path": str(done.path),
                }
                for r, done in zip(reports, rendered, strict=True)
            ),
        )
        upsert(
            session,
            Report,
            [
                {
                    "quarter": filed_under,
                    "unit_code": r.unit_code,
                    "kind": r.kind,
                    "lang": run.lang,
                    "path": str(done.path),
                    "sha256": done.sha256,
                    "generated_at": utcnow(),
                }
                for r, done in zip(reports, rendered, strict=True)
            ],
        )
