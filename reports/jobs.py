"""Which PDFs a quarter's report run makes, with what in them: decided from the loaded data,
without a database or Prefect.

A province's quarter is read a part (some units) at a time: each part gives its units' reports
and its share of the summary and the confidential list, which are made once every part is in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from core.domain import Quarter, ReportKind
from core.exceptions import LianjieInputError
from models.facts import QuarterData
from policy.confidentiality import without_confidential
from policy.config import Policy
from policy.progress import quarter_standings
from reports.confidential import ConfidentialPart, confidential_part, confidential_report
from reports.context import unit_report
from reports.evidence import manifest, summary_evidence, unit_evidence
from reports.render import RenderJob, labels, safe_file_name, unit_file_names
from reports.sealed import pending_path
from reports.summary import SummaryPart, summary_part, summary_report
from reports.view import QuarterView, key_area_words, past_quarter

T = TypeVar("T")

TREND_QUARTERS = 3  # earlier quarters in the trend, beside the current one


@dataclass(frozen=True, slots=True)
class PlannedReport:
    """A PDF to render: its kind (unit, summary, confidential), unit, rate and render job."""

    kind: ReportKind
    unit_code: str
    rate: str
    job: RenderJob


@dataclass(frozen=True)
class ReportSetting:
    """What every report of a run shares, whichever part of the quarter it comes from."""

    policy: Policy
    as_of: datetime
    lang: str
    folder: Path
    organisation: str
    generated_at: datetime
    file_names: dict[str, str]  # unit code → its PDF's name, over every unit of the quarter
    estimated_calendar: bool = False
    makeup_days_left: bool = True  # a make-up booked at the moment could be held in the quarter


@dataclass
class QuarterPart:
    """Some units' reports, and their share of the summary and of the confidential list."""

    reports: list[PlannedReport]
    summary: SummaryPart
    confidential: ConfidentialPart


def trend_quarters(period: Quarter) -> list[Quarter]:
    """The quarters before `period` that its trend shows, oldest first."""
    quarters = [period]
    for _ in range(TREND_QUARTERS):
        quarters.insert(0, quarters[0].previous)
    return quarters[:-1]


def report_setting(
    quarter: Quarter,
    known: list[str],
    *,
    units: list[str] | None,
    policy: Policy,
    as_of: datetime,
    lang: str,
    folder: Path,
    organisation: str,
    generated_at: datetime,
    estimated_calendar: bool = False,
    makeup_days_left: bool = True,
) -> ReportSetting:
    """The run's setting, once the units asked for are known to be on the roster (`known`)."""
    unknown = sorted(set(units or ()) - set(known))
    if unknown:
        raise LianjieInputError(f"no unit {', '.join(unknown)} on the {quarter.label} roster")
    # Named over every unit, not only those asked for: a unit's file is the same whether it is
    # rendered alone, in a chunk on another worker, or with all the others.
    return ReportSetting(
        policy,
        as_of,
        lang,
        folder,
        organisation,
        generated_at,
        unit_file_names(quarter, known, lang),
        estimated_calendar,
        makeup_days_left,
    )


def parts_of(items: Sequence[T], size: int) -> list[list[T]]:
    """The items in parts of `size`, in order."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def quarter_view(
    data: QuarterData, earlier: list[QuarterData | None], setting: ReportSetting
) -> QuarterView:
    """The quarter (or a part of it) with every requirement's standing at the run's moment."""
    day = setting.as_of.date()
    requirements, standing = quarter_standings(data, as_of=day)
    return QuarterView(
        data,
        requirements,
        standing,
        labels(setting.lang) | setting.policy.documents.words(setting.lang),
        setting.organisation,
        setting.as_of,
        setting.generated_at,
        key_area_words(data, setting.policy, setting.lang),
        history=[
            past_quarter(q, *quarter_standings(q, as_of=day)) for q in earlier if q is not None
        ],
        estimated_calendar=setting.estimated_calendar,
        makeup_days_left=setting.makeup_days_left,
    )


def unit_jobs(
    view: QuarterView, codes: Iterable[str], setting: ReportSetting
) -> list[PlannedReport]:
    """The reports of these units, each addressed to its leadership team."""
    planned = []
    for code in codes:
        context = unit_report(view, code)
        job = RenderJob(
            "unit_report.html.j2",
            context,
            setting.folder / setting.file_names[code],
            moment=setting.as_of,
            embedded=unit_evidence(view, code, ReportKind.unit.value),
        )
        planned.append(PlannedReport(ReportKind.unit, code, context["overall"].percent, job))
    return planned


def part_jobs(
    data: QuarterData,
    *,
    earlier: list[QuarterData | None],
    setting: ReportSetting,
    units: list[str],
    unit_reports: bool = True,
) -> QuarterPart:
    """A part of the quarter, loaded for `units`: their reports (unless another process renders
    them) and their share of the summary and the confidential list. A unit with nobody on this
    quarter's roster (one in the trend only) has no report."""
    view = quarter_view(data, earlier, setting)
    shown = team_view(data, earlier, setting)
    codes = [code for code in units if code in shown.by_unit] if unit_reports else []
    return QuarterPart(
        unit_jobs(shown, codes, setting), summary_part(shown), confidential_part(view)
    )


def team_view(
    data: QuarterData, earlier: list[QuarterData | None], setting: ReportSetting
) -> QuarterView:
    """The quarter as a leadership team and the organisation department read it: without the
    admonition programme in any count, rate, chart or headline, so that no total lets a reader
    work out who is on it (the confidential list is where those figures live)."""
    return quarter_view(
        without_confidential(data),
        [None if q is None else without_confidential(q) for q in earlier],
        setting,
    )


def organisation_jobs(
    whole: QuarterView,
    setting: ReportSetting,
    summaries: list[SummaryPart] | None = None,
    secrets: list[ConfidentialPart] | None = None,
    *,
    team: QuarterView | None = None,
) -> list[PlannedReport]:
    """The summary and the confidential list, from every part's share (`whole` holds what the
    whole quarter shares: its sessions, rejects and changes; its own people, without parts).
    The summary reads `team`, the same quarter as its readers may see it (made from `whole`
    when not given)."""
    label = whole.data.quarter.label
    summary = summary_report(team or team_view(whole.data, [], setting), summaries)
    # Rendered in clear to the pending folder; placed, encrypted, by the run (place_confidential).
    secret = pending_path(
        setting.folder / "confidential" / safe_file_name(label, "admonition", setting.lang)
    )
    return [
        PlannedReport(
            ReportKind.summary,
            "",
            summary["overall"].percent,
            RenderJob(
                "summary.html.j2",
                summary,
                setting.folder / safe_file_name(label, "summary", setting.lang),
                moment=setting.as_of,
                embedded=summary_evidence(whole, summary["ranking"]),
            ),
        ),
        PlannedReport(
            ReportKind.confidential,
            "",
            "",
            RenderJob(
                "confidential.html.j2",
                confidential_report(whole, secrets),
                secret,
                moment=setting.as_of,
                embedded=(manifest(whole, kind=ReportKind.confidential.value, unit_code=""),),
            ),
        ),
    ]
