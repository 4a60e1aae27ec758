"""Which PDFs a quarter's report run makes, with what in them: decided from the loaded data,
without a database or Prefect."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core.domain import Quarter
from core.exceptions import LianjieInputError
from models.facts import QuarterData
from policy.config import Policy
from policy.progress import quarter_standings
from reports.confidential import confidential_report
from reports.context import unit_report
from reports.render import RenderJob, labels, safe_file_name, unit_file_names
from reports.summary import summary_report
from reports.view import QuarterView, key_area_words, past_quarter

TREND_QUARTERS = 3  # earlier quarters in the trend, beside the current one


@dataclass(frozen=True, slots=True)
class PlannedReport:
    """A PDF to render: its kind (unit, summary, confidential), unit, rate and render job."""

    kind: str
    unit_code: str
    rate: str
    job: RenderJob


def trend_quarters(period: Quarter) -> list[Quarter]:
    """The quarters before `period` that its trend shows, oldest first."""
    quarters = [period]
    for _ in range(TREND_QUARTERS):
        quarters.insert(0, quarters[0].previous)
    return quarters[:-1]


def quarter_jobs(
    data: QuarterData,
    *,
    earlier: list[QuarterData | None],
    policy: Policy,
    as_of: datetime,
    lang: str,
    units: list[str] | None,
    folder: Path,
    organisation: str,
    generated_at: datetime,
    estimated_calendar: bool = False,
) -> list[PlannedReport]:
    """Every report's numbers at `as_of`: the units asked for (all when None), and with all of
    them the summary and the confidential list. An unknown unit is an input error."""
    day = as_of.date()
    requirements, standing = quarter_standings(data, as_of=day)
    view = QuarterView(
        data,
        requirements,
        standing,
        labels(lang),
        organisation,
        as_of,
        generated_at,
        key_area_words(data, policy, lang),
        history=[
            past_quarter(q, *quarter_standings(q, as_of=day)) for q in earlier if q is not None
        ],
        estimated_calendar=estimated_calendar,
    )
    known = sorted(view.by_unit)
    unknown = sorted(set(units or ()) - set(known))
    if unknown:
        raise LianjieInputError(f"no unit {', '.join(unknown)} on the {data.label} roster")
    # Named over every unit, not only those asked for: a unit's file is the same whether it is
    # rendered alone, in a chunk on another worker, or with all the others.
    file_names = unit_file_names(data.label, known, lang)
    planned = []
    for code in units or known:
        context = unit_report(view, code)
        job = RenderJob("unit_report.html.j2", context, folder / file_names[code])
        planned.append(PlannedReport("unit", code, context["overall"].percent, job))
    if units:
        return planned
    summary = summary_report(view)
    summary_path = folder / safe_file_name(data.label, "summary", lang)
    planned.append(
        PlannedReport(
            "summary",
            "",
            summary["overall"].percent,
            RenderJob("summary.html.j2", summary, summary_path),
        )
    )
    secret = folder / "confidential" / safe_file_name(data.label, "admonition", lang)
    planned.append(
        PlannedReport(
            "confidential",
            "",
            "",
            RenderJob("confidential.html.j2", confidential_report(view), secret),
        )
    )
    return planned
