"""What a cycle and a collect did: the summaries their flows return, the command line prints
as --json and `lianjie web` shows.

Here, not in the flows' own modules: a worker loads a deployment's entrypoint file as a module
named after the file (`cycle`, not `flows.cycle`), and a summary kept in Prefect's result
storage by its class's module could not be read back anywhere else."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, computed_field

from core.domain import Quarter
from flows.artifacts import ImportSummary, RejectOut
from flows.drop_folder import SkippedFile
from flows.makeups import MakeupsOffered, NotRecordedOut


class CycleSummary(BaseModel):
    """What a cycle did; the roster's counts and rejects also stand at the top, as the
    command line's --json contract asks of every import."""

    quarter: str
    as_of: date
    policy_sha256: str
    dry_run: bool = False
    roster: ImportSummary
    tracks: dict[str, int]
    # the talks opened, per kind; a confidential kind is counted nowhere the operator reads
    talks: dict[str, int] = {}
    sessions: dict[str, int]
    messages: dict[str, int]
    # the families file's counts and the family letters planned: numbers only, never a name
    families: dict[str, int] = {}

    @computed_field  # type: ignore[prop-decorator]
    @property
    def read(self) -> int:
        return self.roster.read

    @computed_field  # type: ignore[prop-decorator]
    @property
    def accepted(self) -> int:
        return self.roster.accepted

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rejected(self) -> int:
        return self.roster.rejected

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rejects(self) -> list[RejectOut]:
        return self.roster.rejects

    @computed_field  # type: ignore[prop-decorator]
    @property
    def warnings(self) -> list[str]:
        return self.roster.warnings


class CollectSummary(BaseModel):
    quarter: str
    read: int
    accepted: int
    rejected: int
    files: list[ImportSummary]
    makeups: dict[str, int] = {}
    # Enrolled in a session whose returned sheet left them out (or blank): taken as absent,
    # and booked on a make-up, once the policy's wait has passed (`absent_from`).
    not_recorded: list[NotRecordedOut] = []
    skipped: list[SkippedFile] = []

    @classmethod
    def of(
        cls,
        quarter: Quarter,
        imported: list[ImportSummary],
        offered: MakeupsOffered | None,
        skipped: list[SkippedFile],
    ) -> CollectSummary:
        return cls(
            quarter=quarter.label,
            files=imported,
            makeups=offered.counts if offered else {},
            not_recorded=offered.not_recorded if offered else [],
            skipped=skipped,
            **{k: sum(getattr(i, k) for i in imported) for k in ("read", "accepted", "rejected")},
        )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rejects(self) -> list[RejectOut]:
        """Every file's rejected rows, each naming its file."""
        return [r for f in self.files for r in f.rejects]
