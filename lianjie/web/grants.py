"""Who may read which document: the one rule of the reports site, without a web framework.

A unit account reads its units' reports (every unit a team member is in charge of); the
organisation department reads every unit report, the summary and the year's report; the
discipline body reads the confidential list. Nobody else reads anything."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from core.domain import ReportKind

UNIT_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


class Role(StrEnum):
    organisation = "organisation"
    discipline = "discipline"
    unit = "unit"


@dataclass(frozen=True, slots=True)
class Grant:
    """An account's role, and for a unit account its units."""

    role: Role
    units: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return f"unit:{','.join(self.units)}" if self.role is Role.unit else self.role.value


def parse_grant(text: str) -> Grant:
    """`organisation`, `discipline` or `unit:CODE[,CODE…]`, as `users add --role` takes it."""
    role, _, codes = text.strip().partition(":")
    if role in (Role.organisation, Role.discipline) and not codes:
        return Grant(Role(role))
    units = tuple(dict.fromkeys(c.strip() for c in codes.split(",") if c.strip()))
    if role == Role.unit and units and all(UNIT_CODE.match(code) for code in units):
        return Grant(Role.unit, units)
    raise ValueError(
        f"role {text!r}: give organisation, discipline or unit:CODE[,CODE…] (unit codes of "
        "letters, digits, dots, dashes and underscores)"
    )


def grant_for(role: str, units: list[str]) -> Grant:
    """A stored account's grant."""
    return parse_grant(role if role != Role.unit else f"unit:{','.join(units)}")


def may_read(grant: Grant, kind: ReportKind | str, unit_code: str) -> bool:
    """Whether the account may read a report of this kind about this unit ("" for the
    organisation's own reports)."""
    if kind == ReportKind.confidential:
        return grant.role is Role.discipline
    if grant.role is Role.organisation:
        return True
    if grant.role is Role.unit:
        return kind == ReportKind.unit and unit_code in grant.units
    return False
