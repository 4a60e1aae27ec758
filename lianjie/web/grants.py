"""Who may read which document: the one rule of the reports site, without a web framework.

A unit account reads its units' reports (every unit a team member is in charge of); a cadre's
own account reads, quarter by quarter, the unit reports the roster makes them a reader of (as
the unit's top leader, or a team member in charge of it: those the report e-mails go to); the
organisation department reads every unit report, the summary and the year's report; the
discipline body reads the confidential list. Nobody else reads anything."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from core.domain import ReportKind

UNIT_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
EMPLOYEE_ID = UNIT_CODE


class Role(StrEnum):
    organisation = "organisation"
    discipline = "discipline"
    unit = "unit"
    cadre = "cadre"


@dataclass(frozen=True, slots=True)
class Grant:
    """An account's role; for a unit account its units; for a cadre's account the cadre and,
    once looked up on the rosters, the (quarter, unit) reports they read."""

    role: Role
    units: tuple[str, ...] = ()
    cadre: str = ""
    reads: frozenset[tuple[str, str]] = frozenset()

    @property
    def text(self) -> str:
        if self.role is Role.unit:
            return f"unit:{','.join(self.units)}"
        return f"cadre:{self.cadre}" if self.role is Role.cadre else self.role.value


def parse_grant(text: str) -> Grant:
    """`organisation`, `discipline`, `unit:CODE[,CODE…]` or `cadre:EMPLOYEE_ID`, as `users add
    --role` takes it."""
    role, _, codes = text.strip().partition(":")
    if role in (Role.organisation, Role.discipline) and not codes:
        return Grant(Role(role))
    if role == Role.cadre and EMPLOYEE_ID.match(codes.strip()):
        return Grant(Role.cadre, cadre=codes.strip())
    units = tuple(dict.fromkeys(c.strip() for c in codes.split(",") if c.strip()))
    if role == Role.unit and units and all(UNIT_CODE.match(code) for code in units):
        return Grant(Role.unit, units)
    raise ValueError(
        f"role {text!r}: give organisation, discipline, unit:CODE[,CODE…] or "
        "cadre:EMPLOYEE_ID (codes of letters, digits, dots, dashes and underscores)"
    )


def grant_for(role: str, units: list[str], cadre: str | None = None) -> Grant:
    """A stored account's grant (a cadre's without its reads: see `with_reads`)."""
    if role == Role.cadre:  # an account whose cadre is unknown reads nothing
        return Grant(Role.cadre, cadre=cadre or "")
    return parse_grant(role if role != Role.unit else f"unit:{','.join(units)}")


def may_read(grant: Grant, kind: ReportKind | str, unit_code: str, filed_under: str = "") -> bool:
    """Whether the account may read a report of this kind about this unit ("" for the
    organisation's own reports), filed under this quarter."""
    if kind == ReportKind.confidential:
        return grant.role is Role.discipline
    if grant.role is Role.organisation:
        return kind in (ReportKind.unit, ReportKind.summary, ReportKind.annual)
    if grant.role is Role.unit:
        return kind == ReportKind.unit and unit_code in grant.units
    if grant.role is Role.cadre:
        return kind == ReportKind.unit and (filed_under, unit_code) in grant.reads
    return False
