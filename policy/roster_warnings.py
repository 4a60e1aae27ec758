"""What a roster's reader is warned of, as a code other tools can read and the values it names.

The English text here is what logs, the command line and the run's artifacts show; the summary
report prints the words of its own language from the code (reports/templates/labels.toml,
`[zh.roster_warning_texts]`), as it does for a rejected row's reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from core.domain import CadreRecord, LeadershipRole

ENGLISH = {
    "leavers_confirmed": "confirmed that they really left: {facts}",
    "leavers_dry_run": (
        "a real run would first ask whether they really left (on the command line, "
        "--accept-leavers): {facts}"
    ),
    "header_hint": "{header}: did you mean {column}?",
    "missing_column": (
        "column {column} is missing: the {tracks_text} track{plural} could not be decided for "
        "{count} cadres"
    ),
    "no_top_leader": "unit {unit} has no top leader on the roster",
    "in_charge_of_gone": (
        "{employee_id} is in charge of {unit}, which no cadre on the roster belongs to"
    ),
    "in_charge_of_gone_many": (
        "{count} team members are in charge of {unit}, which no cadre on the roster belongs "
        "to: {named}{and_more}"
    ),
    "in_charge_of_unknown": (
        "{employee_id} is in charge of {unit}, which is not a unit code on this or the last "
        "roster: check the code"
    ),
    "in_charge_of_unknown_many": (
        "{count} team members are in charge of {unit}, which is not a unit code on this or the "
        "last roster: check the code: {named}{and_more}"
    ),
    "shared_phone": (
        "{count} cadres share one phone number: {named}{more}; confidential messages to it are held"
    ),
    "shared_email": (
        "{count} cadres share one e-mail address: {named}{more}; confidential messages to it "
        "are held"
    ),
    "estimated_calendar": (
        "no official holiday notice for {years} yet: the working days and holiday dates used "
        "are estimated, and reminders do not print the dates; set LIANJIE_CALENDAR_OVERRIDES "
        "once the notice is published"
    ),
    "unreachable": (
        "{count} cadres have neither a mobile number nor an e-mail address, so no invitation, "
        "reminder or chaser reaches them: {named}{more}; add one to the roster, or tell them"
    ),
}

# The facts of a roster that would make too many cadres leave, in English (the refusal's words).
LEAVERS_FACTS = (
    "this roster would make {left} of {size} cadres ({share}) leave {baseline}, more than the "
    "policy's roster.max_leavers_share ({max_share}); most from {units}"
)


@dataclass(frozen=True, slots=True)
class RosterWarning:
    """One thing the reader of an import should check; `str()` is its English text."""

    code: str
    params: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, code: str, **params: object) -> RosterWarning:
        return cls(code, {name: str(value) for name, value in params.items()})

    def __str__(self) -> str:
        if self.code not in ENGLISH:  # stored before warnings had codes: the text as it was
            return self.params.get("text", self.code)
        params = self.params
        if self.code.startswith("leavers_"):
            params = {**params, "facts": LEAVERS_FACTS.format(**params)}
        if self.code in ("in_charge_of_gone_many", "in_charge_of_unknown_many"):
            others = int(params["others"])
            params = {**params, "and_more": f" and {others} more" if others > 0 else ""}
        if self.code == "missing_column":
            tracks = params["tracks"].split(",")
            params = {**params, "tracks_text": " and ".join(tracks)}
            params["plural"] = "s" if len(tracks) > 1 else ""
        return ENGLISH[self.code].format(**params)

    def stored(self) -> dict[str, Any]:
        """As the import's record keeps it: the code, the values, and the English text."""
        return {"code": self.code, "params": self.params, "text": str(self)}

    @classmethod
    def from_stored(cls, stored: object) -> RosterWarning:
        """A stored warning, also one stored as plain text before warnings had codes."""
        if isinstance(stored, dict):
            params = dict(stored.get("params") or {})
            return cls(str(stored.get("code", "")), params | {"text": str(stored.get("text", ""))})
        return cls("", {"text": str(stored)})


def unreachable_warnings(cadres: Iterable[CadreRecord]) -> list[RosterWarning]:
    """Cadres no channel reaches: one warning naming them, so nobody is silently left out."""
    ids = sorted(c.employee_id for c in cadres if not (c.phone or c.email))
    if not ids:
        return []
    more = f" and {len(ids) - 10} more" if len(ids) > 10 else ""
    return [RosterWarning.of("unreachable", count=len(ids), named=", ".join(ids[:10]), more=more)]


NAMED_IN_A_WARNING = 5


def structure_warnings(
    cadres: Iterable[CadreRecord], gone_units: Collection[str] = frozenset()
) -> list[RosterWarning]:
    """Units left without a top leader, and team members in charge of units not on the roster:
    `gone_units` had people on the roster compared with, any other is a code to check."""
    cadres = list(cadres)
    units = {c.unit_code for c in cadres}
    led = {c.unit_code for c in cadres if c.leadership_role is LeadershipRole.top_leader}
    warnings = [RosterWarning.of("no_top_leader", unit=u) for u in sorted(units - led)]
    in_charge: dict[str, list[str]] = defaultdict(list)
    for cadre in sorted((c for c in cadres if c.in_charge_of), key=lambda c: c.employee_id):
        for unit in cadre.in_charge_of:
            if unit not in units:
                in_charge[unit].append(cadre.employee_id)
    for unit, members in sorted(in_charge.items()):
        code = "in_charge_of_gone" if unit in gone_units else "in_charge_of_unknown"
        if len(members) == 1:
            warnings.append(RosterWarning.of(code, employee_id=members[0], unit=unit))
            continue
        # one line per unit: a roster missing units would otherwise log each of their members
        warnings.append(
            RosterWarning.of(
                f"{code}_many",
                count=len(members),
                unit=unit,
                named=", ".join(members[:NAMED_IN_A_WARNING]),
                others=max(0, len(members) - NAMED_IN_A_WARNING),
            )
        )
    return warnings
