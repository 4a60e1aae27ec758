"""What a reports run shows in the Prefect UI: its summary in sentences, a table of the
reports with their rates, and a link to each report where the output folder is served."""

from __future__ import annotations

import socket
from pathlib import Path

from prefect.artifacts import create_link_artifact, create_markdown_artifact
from pydantic import BaseModel, computed_field

from core.domain import ReportKind
from core.settings import Settings
from flows.artifact_tables import TableWords, artifact_key, publish_summary, publish_table
from flows.artifacts import pdf_links
from flows.reporting.rendering import ReportOut
from flows.run_summaries import reports_summary


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


def publish_reports(done: ReportsSummary, config: Settings, *, deliver: bool, lang: str) -> None:
    """The run's summary in sentences, and the reports with their rates and where to open
    them: a link to each when the output folder is served (LIANJIE_REPORTS_URL), else the
    machine and folder, in words."""
    words = TableWords(config.lang)
    quarter, reports = done.quarter, done.reports
    unsent = (
        deliver
        and not config.discipline_email
        and any(r.kind == ReportKind.confidential for r in reports)
    )
    title = words.title("reports", quarter=quarter)
    publish_summary(
        artifact_key("reports-summary", quarter),
        reports_summary(done, words, deliver=deliver, list_unsent=unsent),
        title,
    )
    shown = [r for r in reports if r.kind != ReportKind.confidential]
    links = pdf_links([(quarter, r.kind, r.unit_code, lang) for r in shown], config.reports_url)
    publish_table(
        artifact_key("reports", quarter),
        words.table(
            [
                {
                    "unit": r.unit_code or words.word(r.kind),
                    "rate": r.rate,
                    "pages": r.pages,
                    "pdf": link or Path(r.path).name,
                }
                for r, link in zip(shown, links, strict=True)
            ]
        ),
        title,
    )
    for report, link in zip(shown, links, strict=True):
        if (
            link and report.kind == ReportKind.unit
        ):  # on the run only: the Artifacts page stays short
            create_link_artifact(
                link=link,
                link_text=words.said("unit_report", unit=report.unit_code, quarter=quarter),
            )
    summary = next(
        ((r, link) for r, link in zip(shown, links, strict=True) if r.kind == ReportKind.summary),
        None,
    )
    if summary is None:
        return
    report, link = summary
    if link:
        create_link_artifact(
            key=artifact_key("summary-report", quarter),
            link=link,
            link_text=words.said("summary_report", quarter=quarter),
        )
        return
    create_markdown_artifact(
        key=artifact_key("summary-report", quarter),
        markdown=words.said(
            "reports_where",
            quarter=quarter,
            file=Path(report.path).name,
            units=len(shown) - 1,
            host=socket.gethostname(),
            folder=Path(report.path).parent.resolve(),
        ),
        description=words.said("reports_where_title", quarter=quarter),
    )
