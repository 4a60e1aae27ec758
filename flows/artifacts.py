"""What a run leaves for its reader: rejected rows, layout notes, tables and links in the UI."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from core.documents import document_link
from core.domain import CadreRecord, Quarter, Reject, row_place
from core.exceptions import LeaversToConfirm
from core.roster_changes import Change, ChangeKind
from intake.columns import ImportResult
from models.tables import FileImport
from policy.confidentiality import DISCIPLINE_COLUMNS, Hidden, shown_reject
from policy.roster import RosterDecision
from policy.roster_warnings import RosterWarning


class RejectOut(BaseModel):
    """A rejected row as summaries and JSON output show it."""

    source: str
    row: int
    column: str
    reason: str
    kept_from: str | None = None  # the cadre's earlier record stays in force
    sheet: str = ""  # named when a workbook's data spans several sheets
    # The reason's code and values, to word it in the operator's language (not in --json).
    code: str = Field("", exclude=True)
    params: dict[str, str] = Field(default_factory=dict, exclude=True)

    @property
    def where(self) -> str:
        return row_place(self.sheet, self.row)

    @classmethod
    def of(cls, source: str, reject: Reject, kept_from: str | None = None) -> RejectOut:
        # Shown on the command line, in artifacts and logs: no discipline cell in it.
        shown = shown_reject(reject)
        return cls(
            source=source,
            row=reject.row,
            column=reject.column,
            reason=shown.reason,
            kept_from=kept_from,
            sheet=reject.sheet,
            code=shown.code,
            params=shown.params,
        )

    def as_reject(self) -> Reject:
        return Reject(self.row, self.column, self.reason, code=self.code, params=self.params)


class RosterChanges(BaseModel):
    """What a roster import changed, in words an operator reads: one line per person."""

    compared_with: str = ""  # "2026Q4's earlier roster", "2026Q3", or "" on the first roster
    joined: list[str] = []
    left: list[str] = []
    changed: list[str] = []
    kept: list[str] = []
    messages_cancelled: int = 0

    @classmethod
    def of(cls, decision: RosterDecision, *, quarter: Quarter, cancelled: int) -> RosterChanges:
        def who(c: CadreRecord | Change) -> str:
            return f"{c.employee_id} {c.name} ({c.unit_code})"

        compared = decision.baseline
        return cls(
            compared_with=(
                f"{quarter.label}'s earlier roster"
                if compared == quarter
                else (compared.label if compared else "")
            ),
            joined=[who(c) for c in decision.joined],
            left=[who(c) for c in decision.left],
            # A discipline field's change names who joins the admonition track: it is in the
            # changes export with --confidential, never in what a run prints or publishes.
            changed=[
                f"{who(c)}: {c.field} {c.before or '-'} → {c.after or '-'}"
                for c in decision.changes
                if c.change is ChangeKind.changed and c.field not in DISCIPLINE_COLUMNS
            ],
            kept=[f"{k.employee_id}: {k.note}" for k in decision.kept],
            messages_cancelled=cancelled,
        )


class ImportSummary(BaseModel):
    """What a file import did, for the CLI, JSON output and artifacts."""

    source: str
    read: int
    accepted: int
    rejected: int
    already_imported: bool = False
    unknown_columns: list[str] = []
    description: list[str] = []  # the title lines above the header
    ignored_lines: list[str] = []  # totals, footers, repeated headers: not data, not rejects
    skipped_sheets: list[str] = []  # sheets with no table of this kind
    not_filled_in: list[str] = []  # sign-in sheet rows left without a status ("row 7: E0012")
    still_owed: list[str] = []  # talk register rows without a 谈话日期: talks not held yet
    warnings: list[str] = []
    rejects: list[RejectOut] = []
    changes: RosterChanges | None = None
    # The roster's warnings with their codes, to word them in the operator's language.
    coded_warnings: list[RosterWarning] = Field(default_factory=list, exclude=True)
    # A roster with too many leavers, stored nowhere: the refusal and its numbers.
    to_confirm: tuple[str, dict[str, str]] | None = Field(default=None, exclude=True)

    @classmethod
    def already(cls, source: str, earlier: FileImport) -> ImportSummary:
        """The same file imported before: its counts then, nothing changed now."""
        return cls(
            source=source,
            read=earlier.rows_read,
            accepted=earlier.rows_accepted,
            rejected=earlier.rows_rejected,
            already_imported=True,
        )

    @classmethod
    def of(
        cls,
        result: ImportResult[Any],
        *,
        already_imported: bool = False,
        warnings: list[RosterWarning] | None = None,
        kept_from: dict[tuple[str, int], str] | None = None,
        changes: RosterChanges | None = None,
        to_confirm: tuple[str, dict[str, str]] | None = None,
    ) -> ImportSummary:
        kept = kept_from or {}
        return cls(
            source=result.source,
            read=result.read,
            accepted=len(result.accepted),
            rejected=len(result.rejects),
            already_imported=already_imported,
            unknown_columns=result.unknown_columns,
            description=[line.text for line in result.description],
            ignored_lines=[str(line) for line in result.ignored_lines],
            skipped_sheets=result.skipped_sheets,
            not_filled_in=result.not_filled_in,
            warnings=[str(w) for w in warnings or []],
            coded_warnings=warnings or [],
            rejects=[RejectOut.of(result.source, r, kept.get(r.at)) for r in result.rejects],
            changes=changes,
            to_confirm=to_confirm,
        )

    def leavers_confirmed(self) -> ImportSummary:
        """This import, once nobody has to confirm that its leavers really left."""
        if self.to_confirm:
            raise LeaversToConfirm(*self.to_confirm)
        return self

    def shown(self, *, secret: bool, hidden: Hidden, result: ImportResult[Any]) -> ImportSummary:
        """The import as the log, the artifacts and the run's output may show it: a
        confidential sheet counted only; from any other file, the rejects that name a
        confidential programme or session left out (`export rejects --confidential` has them)."""
        if secret:
            return self.kept_confidential()
        about = {
            (r.sheet, r.row) for r in result.rejects if hidden.mentioned_in_any(r.values.values())
        }
        if not about:
            return self
        return self.model_copy(
            update={
                "rejects": [r for r in self.rejects if (r.sheet, r.row) not in about],
                "warnings": [
                    *self.warnings,
                    f"{len(about)} rejected rows about a confidential programme: listed by "
                    "`lianjie export rejects --confidential`",
                ],
            }
        )

    def kept_confidential(self) -> ImportSummary:
        """A confidential programme's sheet as the log, the artifact and the run's output may
        show it: counted, its name, titles and rows left out."""
        return self.model_copy(
            update={
                "source": CONFIDENTIAL_SHEET,
                "description": [],
                "ignored_lines": [],
                "not_filled_in": [],
                "still_owed": [],  # a confidential register's owed rows name their cadres
                "unknown_columns": [],
                "rejects": [],
                "warnings": self.warnings
                + (
                    [
                        f"{self.rejected} rows rejected: listed by "
                        "`lianjie export rejects --confidential`"
                    ]
                    if self.rejected
                    else []
                ),
            }
        )


CONFIDENTIAL_SHEET = "(a confidential programme's sheet)"


def log_layout(logger: Any, result: ImportResult[Any]) -> None:
    """What of the file was not data, for whoever reads the run's log: the titles above its
    header, the sheets without a table, and where the totals and footers were (their text,
    which may name whoever filled the sheet in, stays in the summary)."""
    for line in result.description:
        logger.info("%s: the file says: %s", result.source, line.text)
    if result.skipped_sheets:
        logger.info(
            "%s: sheets skipped (no table of this kind): %s",
            result.source,
            ", ".join(result.skipped_sheets),
        )
    if result.ignored_lines:
        logger.info(
            "%s: %d lines ignored as not data: %s",
            result.source,
            len(result.ignored_lines),
            ", ".join(f"{line.where} ({line.kind})" for line in result.ignored_lines[:20]),
        )


def pdf_links(reports: list[tuple[str, str, str, str]], reports_url: str | None) -> list[str]:
    """Where a reader opens each report (filed under, kind, unit, language): its page on the
    reports site at LIANJIE_REPORTS_URL, which serves each reader only what their role may
    read; else "" (a file:// link to the worker's disk opens nothing in a browser)."""
    return [document_link(reports_url, *report) for report in reports]
