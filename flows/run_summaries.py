"""What a run did and what the operator must do next, in sentences of the operator's language:
the first thing a run's Artifacts page shows, above the tables it sums up.

Each summary is a template (reports/templates/artifacts/<lang>/<run>.md.j2) filled from the
run's own summary; the artifact's description is its title. "What needs doing" lists only
what a person must act on, and says so when nothing is. No count here may name the
admonition track (the held messages, its sessions).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.dispatch_counts import handed
from core.domain import ReportKind
from flows.artifact_tables import TableWords, artifact_key
from reports.render import render_text

if TYPE_CHECKING:
    from flows.dispatch import DispatchSummary
    from flows.reporting.published import ReportsSummary
    from flows.summaries import CollectSummary, CycleSummary


def _said(run: str, words: TableWords, context: dict[str, Any], todo: dict[str, Any]) -> str:
    """The run's template filled; `todo` holds only what a person must act on."""
    return render_text(
        f"artifacts/{words.lang}/{run}.md.j2",
        context | {"todo": todo, "nothing_to_do": not any(todo.values())},
    )


def cycle_summary(summary: CycleSummary, words: TableWords) -> str:
    rehearsed = "dry-run-" if summary.dry_run else ""
    roster, quarter = summary.roster, summary.quarter
    return _said(
        "cycle",
        words,
        {
            "roster": roster,
            "changes": roster.changes,
            "sessions": summary.sessions,
            "messages": summary.messages,
            "rejects_key": artifact_key(f"{rehearsed}roster-rejects", quarter),
            "warnings_key": artifact_key(f"{rehearsed}roster-warnings", quarter),
        },
        {
            "rejected": roster.rejected,
            "warnings": len(roster.warnings),
            "unplaced": summary.sessions.get("unplaced", 0),
        },
    )


def collect_summary(summary: CollectSummary, words: TableWords) -> str:
    return _said(
        "collect",
        words,
        {
            "summary": summary,
            "makeups": summary.makeups,
            "rejects_key": artifact_key("completion-rejects", summary.quarter),
        },
        {
            "rejected": summary.rejected,
            "skipped": [(Path(f.source).name, f.reason) for f in summary.skipped],
            "not_recorded": len(summary.not_recorded),
            "no_day_left": summary.makeups.get("no_day_left", 0),
        },
    )


def dispatch_summary(summary: DispatchSummary, words: TableWords) -> str:
    return _said(
        "dispatch",
        words,
        {
            "summary": summary,
            "channels": [(words.channel(k), handed(v)) for k, v in summary.by_channel.items()],
        },
        {"failed": summary.failed, "expired": summary.expired},
    )


def reports_summary(
    summary: ReportsSummary, words: TableWords, *, deliver: bool, list_unsent: bool
) -> str:
    shown = [r for r in summary.reports if r.kind != ReportKind.confidential]
    overall = next((r.rate for r in shown if r.kind == ReportKind.summary), "")
    return _said(
        "reports",
        words,
        {
            "units": sum(1 for r in shown if r.kind == ReportKind.unit),
            "with_summary": any(r.kind == ReportKind.summary for r in shown),
            "rate": overall,
            "deliver": deliver,
            "queued": summary.queued_for_readers,
            "table_key": artifact_key("reports", summary.quarter),
        },
        {"list_unsent": list_unsent},
    )
