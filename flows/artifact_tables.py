"""The tables a run leaves in the Prefect UI, in the operator's language (LIANJIE_LANG).

A run's --json output keeps the codes (`sent`, `top_leader`, `2026Q4`) for other tools; the UI
is read by a person, so its headings, row names, reasons and titles are words of the language
the organisation's documents are written in, with dates and quarters as they write them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from core.domain import Quarter
from policy.roster_warnings import RosterWarning
from reports.render import labels
from reports.roster_notes import column_label, reject_reason, warning_text
from reports.wording import long_day, quarter_text

if TYPE_CHECKING:
    from flows.artifacts import RejectOut


def artifact_key(*parts: str) -> str:
    """Artifact keys may hold only lowercase letters, digits and dashes."""
    return "-".join(parts).lower().replace("_", "-")


@dataclass(frozen=True, slots=True)
class Told:
    """What a run tells whoever started it, in their language: a summary in sentences and its
    tables (key, title, rows). The Prefect UI shows it as artifacts; the reports site as the
    page of a file handed in."""

    title: str
    summary_key: str
    summary: str
    tables: list[tuple[str, str, list[dict[str, Any]]]]


def publish(told: Told) -> None:
    """A run's summary and tables as the Artifacts page of its run."""
    publish_summary(told.summary_key, told.summary, told.title)
    for key, title, rows in told.tables:
        publish_table(key, rows, title)


def publish_table(key: str, rows: list[dict[str, Any]], description: str) -> None:
    """A table in the Prefect UI's Artifacts page (nothing when there is no row to show)."""
    if rows:
        create_table_artifact(key=key, table=rows, description=description)


def publish_summary(key: str, markdown: str, description: str) -> None:
    """A run's summary in sentences, the first thing its Artifacts page shows."""
    create_markdown_artifact(key=key, markdown=markdown, description=description)


class TableWords:
    """The words of the UI's tables in one language: rows are built with code keys and
    worded here, so that each flow says only what its table holds."""

    def __init__(self, lang: str) -> None:
        self.lang = "zh" if lang == "zh" else "en"
        self.labels = labels(self.lang)
        self.words: dict[str, Any] = self.labels["artifact"]

    def said(self, code: str, **params: Any) -> str:
        """A text of the UI's, its quarters (`quarter`) and days (`day`, `as_of`) as documents
        write them."""
        shown = {name: self._value(name, value) for name, value in params.items()}
        return str(self.words[code]).format(**shown)

    def title(self, code: str, *, dry_run: bool = False, **params: Any) -> str:
        """A table's title; a dry run's says first that nothing was changed."""
        return (self.words["dry_run"] if dry_run else "") + self.said(code, **params)

    def row(self, code: str, **params: str) -> str:
        return str(self.words["rows"][code]).format(**params)

    def word(self, code: str) -> str:
        """A single word of the tables (`summary`, `organiser`), or the code itself."""
        return str(self.words.get(code, code)) if code else ""

    def track(self, code: str) -> str:
        return str(self.labels["track_names"].get(code, code))

    def talk_kind(self, code: str) -> str:
        return str(self.labels["talk_kinds"].get(code, code))

    def message_kind(self, code: str) -> str:
        return str(self.labels["message_kinds"].get(code, code))

    def channel(self, code: str) -> str:
        return str(self.labels["channel_names"].get(code, code))

    def listed(self, items: Iterable[str]) -> str:
        return ("、" if self.lang == "zh" else ", ").join(items)

    def quarter(self, label: str) -> str:
        """A quarter's code as documents write it; anything else (a year) as it is."""
        try:
            return quarter_text(Quarter.parse(label), self.lang)
        except ValueError:
            return label

    def day(self, day: date) -> str:
        return long_day(day, self.lang)

    def counted(self, counts: list[tuple[str, int]]) -> list[dict[str, Any]]:
        """Rows of a "what, how many" table, their names already worded."""
        return self.table([{"what": what, "count": n} for what, n in counts])

    def table(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Rows with their code keys as the language's column headings."""
        columns = self.words["columns"]
        return [{columns.get(key, key): value for key, value in row.items()} for row in rows]

    def rejects(self, rejects: list[RejectOut]) -> list[dict[str, Any]]:
        """Rejected rows: file name, row, column and reason first, so that the reason is on
        screen without scrolling; the reason and the column as a clerk names them."""
        sheets = any(r.sheet for r in rejects)
        return self.table(
            [
                {
                    "file": Path(r.source).name,
                    **({"sheet": r.sheet} if sheets else {}),
                    "row": r.row,
                    "column": column_label(r.column, self.lang),
                    "reason": reject_reason(r.as_reject(), self.labels),
                    "kept_from": Path(r.kept_from).name if r.kept_from else "",
                }
                for r in rejects
            ]
        )

    def warnings(self, warnings: list[RosterWarning]) -> list[dict[str, Any]]:
        return self.table([{"warning": warning_text(w, self.labels)} for w in warnings])

    def _value(self, name: str, value: Any) -> Any:
        if name == "quarter":
            return self.quarter(str(value))
        if isinstance(value, date):
            return self.day(value)
        return value
