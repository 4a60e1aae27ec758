"""What a new roster means for the quarter: who stays, joins, leaves, changes or is kept.

Pure: the flow loads the quarter's current cadres (or the previous quarter's), calls these
functions and stores what they return. Nothing here knows of files, databases or Prefect.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from core.domain import (
    CadreRecord,
    DisciplineStatus,
    LeadershipRole,
    Quarter,
    Reject,
    Track,
    row_place,
)
from core.roster_changes import Change, ChangeKind
from policy.confidentiality import shared_contact_warnings, shared_contacts, shown_reason
from policy.roster_warnings import (
    LEAVERS_FACTS,
    RosterWarning,
    structure_warnings,
    unreachable_warnings,
)

# The roster fields whose change is recorded and shown (post, rank, unit, role, discipline).
TRACKED_FIELDS = ("post", "rank", "unit_code", "leadership_role", "discipline_status")

# Columns that decide tracks: when a roster lacks one, these tracks cannot be decided from it.
DECIDING_COLUMNS: dict[str, tuple[Track, ...]] = {
    "leadership_role": (Track.top_leader, Track.team_member),
    "in_charge_of": (Track.team_member,),
    "appointed_on": (Track.newly_promoted,),
    "reserve_cadre": (Track.reserve,),
    "discipline_status": (Track.admonition,),
    "discipline_on": (Track.admonition,),
}


@dataclass(frozen=True, slots=True)
class Kept:
    """A cadre whose row was rejected and whose earlier record stays in force."""

    employee_id: str
    row: int
    column: str
    reason: str
    kept_from: str  # "this quarter's earlier roster" or the quarter it came from
    sheet: str = ""

    @property
    def at(self) -> tuple[str, int]:
        return self.sheet, self.row

    @property
    def note(self) -> str:
        reason = shown_reason(self.column, self.reason)  # it is logged and shown to many
        return f"kept from {self.kept_from}: {row_place(self.sheet, self.row)} rejected ({reason})"


@dataclass(frozen=True)
class RosterDecision:
    """The quarter's roster after an import, and how it differs from the one before."""

    cadres: list[CadreRecord]
    baseline: Quarter | None  # the quarter whose roster it was compared with, if any
    baseline_size: int
    joined: list[CadreRecord] = field(default_factory=list)
    left: list[CadreRecord] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)

    @property
    def changed_people(self) -> int:
        return len({c.employee_id for c in self.changes if c.change is ChangeKind.changed})


def decide_roster(
    *,
    accepted: list[CadreRecord],
    rejects: Iterable[Reject],
    rows: Mapping[str, int],
    current: Mapping[str, CadreRecord],
    previous: Mapping[str, CadreRecord],
    quarter: Quarter,
) -> RosterDecision:
    """Merge a validated roster with what the quarter had: only absence makes a leaver.

    `current` is the quarter's roster before this import (empty on its first import),
    `previous` the previous quarter's; `rows` gives each accepted cadre's row in the file. A
    cadre whose row was rejected keeps the record of `current`, else of `previous`.
    """
    listed = {c.employee_id for c in accepted}
    kept: list[Kept] = []
    kept_records: list[CadreRecord] = []
    for reject in rejects:
        who = reject.values.get("employee_id", "").strip()
        if not who or who in listed:
            continue  # nobody to keep, or a duplicate row of someone accepted
        record, source = (
            (current[who], f"{quarter.label}'s earlier roster")
            if who in current
            else (previous.get(who), quarter.previous.label)
        )
        if record is None:
            continue  # a newcomer whose only row is bad: there is nothing to keep
        listed.add(who)
        kept_records.append(record)
        kept.append(Kept(who, reject.row, reject.column, reject.reason, source, reject.sheet))

    cadres = accepted + kept_records
    baseline, compared = (current, quarter) if current else (previous, quarter.previous)
    if not baseline:
        return RosterDecision(cadres, None, 0, kept=kept)
    joined = [c for c in accepted if c.employee_id not in baseline]
    left = [c for who, c in baseline.items() if who not in listed]
    changes = [
        Change(
            c.employee_id,
            c.name,
            c.unit_code,
            ChangeKind.joined,
            source_row=rows.get(c.employee_id),
        )
        for c in joined
    ]
    changes += [Change(c.employee_id, c.name, c.unit_code, ChangeKind.left) for c in left]
    for cadre in accepted:
        before = baseline.get(cadre.employee_id)
        if before is not None:
            changes += field_changes(before, cadre, row=rows.get(cadre.employee_id))
    for k in kept:
        record = baseline.get(k.employee_id) or previous[k.employee_id]
        changes.append(
            Change(
                k.employee_id,
                record.name,
                record.unit_code,
                ChangeKind.kept,
                k.column,
                after=k.note,
                source_row=k.row,
            )
        )
    return RosterDecision(cadres, compared, len(baseline), joined, left, changes, kept)


def field_changes(before: CadreRecord, after: CadreRecord, *, row: int | None) -> list[Change]:
    """The tracked fields that differ between two records of one cadre."""
    return [
        Change(
            after.employee_id,
            after.name,
            after.unit_code,
            ChangeKind.changed,
            name,
            _text(getattr(before, name)),
            _text(getattr(after, name)),
            row,
        )
        for name in TRACKED_FIELDS
        if getattr(before, name) != getattr(after, name)
    ]


def _text(value: object) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))


def leavers_facts(decision: RosterDecision, *, max_share: float) -> dict[str, str] | None:
    """The numbers of a roster that would make more cadres leave than the policy allows (how
    many, of how many, and the units most affected), or None."""
    if not decision.baseline_size or not decision.left:
        return None
    share = len(decision.left) / decision.baseline_size
    if share <= max_share:
        return None
    by_unit = Counter(c.unit_code for c in decision.left).most_common(5)
    return {
        "left": str(len(decision.left)),
        "size": str(decision.baseline_size),
        "share": f"{share:.0%}",
        "baseline": str(decision.baseline),
        "max_share": f"{max_share:.0%}",
        "units": ", ".join(f"{unit} ({n})" for unit, n in by_unit),
    }


def too_many_leavers(decision: RosterDecision, *, max_share: float) -> str | None:
    """Why the roster looks partial (the number and the units most affected), or None."""
    facts = leavers_facts(decision, max_share=max_share)
    return None if facts is None else _refusal(facts)


def _refusal(facts: dict[str, str]) -> str:
    return (
        f"{LEAVERS_FACTS.format(**facts)}. Nothing was changed. If the file is complete and "
        "they really left, run again with --accept-leavers (flow parameter accept_leavers)"
    )


def missing_column_warnings(
    missing: Iterable[str], cadres: Iterable[CadreRecord]
) -> list[RosterWarning]:
    """Which tracks could not be decided because a deciding column is absent, for how many."""
    cadres = list(cadres)
    affected = {
        # Only the people the column could matter for are counted.
        "in_charge_of": sum(c.leadership_role is LeadershipRole.team_member for c in cadres),
        "discipline_on": sum(c.discipline_status != DisciplineStatus.none for c in cadres),
    }
    warnings = []
    for column in missing:
        tracks = DECIDING_COLUMNS.get(column)
        if tracks is None:
            continue
        count = affected.get(column, len(cadres))
        if count:
            warnings.append(
                RosterWarning.of(
                    "missing_column",
                    column=column,
                    tracks=",".join(t.value for t in tracks),
                    count=count,
                )
            )
    return warnings


@dataclass(frozen=True, slots=True)
class RosterVerdict:
    """Whether a roster may be stored, and what its reader is warned of."""

    refusal: str | None  # the roster is refused with these words; nothing is stored
    warnings: list[RosterWarning]
    leavers: dict[str, str] | None = None  # a refusal's numbers: how many leave, from where


def judge_roster(
    decision: RosterDecision,
    *,
    max_leavers_share: float,
    accept_leavers: bool,
    rehearsal: bool,
    already_in_force: bool,
    header_hints: Iterable[tuple[str, str]] = (),
    missing_columns: Iterable[str] = (),
) -> RosterVerdict:
    """Refuse a roster that looks partial unless the operator confirmed it; warn of the rest.

    The roster in force is never refused (it changes nothing); a dry run shows the leavers of
    a roster a real run would refuse, saying so. `header_hints`: (ignored header, column).
    """
    facts = leavers_facts(decision, max_share=max_leavers_share)
    may_refuse = not (accept_leavers or already_in_force or rehearsal)
    shown = "leavers_dry_run" if rehearsal and not accept_leavers else "leavers_confirmed"
    warnings = [
        *([RosterWarning(shown, facts)] if facts else []),
        *(RosterWarning.of("header_hint", header=h, column=c) for h, c in header_hints),
        *missing_column_warnings(missing_columns, decision.cadres),
        *structure_warnings(decision.cadres, {c.unit_code for c in decision.left}),
        *shared_contact_warnings(shared_contacts(decision.cadres)),
        *unreachable_warnings(decision.cadres),
    ]
    if facts and may_refuse:
        return RosterVerdict(_refusal(facts), warnings, facts)
    return RosterVerdict(None, warnings)
