"""Send keys: the one name of a message, which makes it happen once. Built and read here only.

A key is the message's kind, then what it is about, then its channel, joined by colons:

    invitation:<session>:<person>:<channel>             and …:again<n> for the n-th again
    session_reminder:<session>:<person>:<channel>
    withdrawal:<session>:<person>:<channel>:<n>
    holiday_reminder:<first day>:<holiday>:<person>:<channel>
    escalation:<quarter>:L<level>:<day>:<addressee>:[<programme>:…]<channel>
    escalation:<quarter>:L<level>:<day>:none           nobody could be written to (logged only)
    not_recorded:<session>:<organiser>:email
    talk_reminder:<quarter>:L<level>:<day>:<addressee>:[confidential:]<channel>
    family_letter:<contact>:<first day>:<holiday>:<channel>   the contact's hashed key
    sign_in_sheet:<session>:v<version>:<people>:<role>:email
    report:<quarter>:<kind>:<unit>:<sha-256, 16 digits>:<reader>:email

The kind leads, so that a prefix selects a kind, a session's places or one person's place. A
confidential programme's chaser names the programme, and a reminder of confidential talks says
`confidential`, so that whoever reads the outbox without `--confidential` leaves it out; so is
a family letter, whose recipient is a family member.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from core.domain import MessageKind, Quarter

SEP = ":"
PLACE_KINDS = (MessageKind.invitation, MessageKind.withdrawal)  # they tell a person of a place
PLACE_PREFIXES = tuple(kind + SEP for kind in PLACE_KINDS)


def _joined(*parts: object) -> str:
    return SEP.join(str(part) for part in parts)


def place_key(kind: str, session_code: str, employee_id: str, channel: str) -> str:
    """An invitation or a session reminder: `kind` is either."""
    return _joined(kind, session_code, employee_id, channel)


def place_prefix(kind: str, session_code: str, employee_id: str) -> str:
    """What every key of `kind` about one person's place in one session starts with."""
    return _joined(kind, session_code, employee_id, "")


def invitation_again_key(session_code: str, employee_id: str, channel: str, number: int) -> str:
    return _joined("invitation", session_code, employee_id, channel, f"again{number}")


def withdrawal_key(session_code: str, employee_id: str, channel: str, number: int) -> str:
    return _joined("withdrawal", session_code, employee_id, channel, number)


def holiday_key(first_day: date, holiday: str, employee_id: str, channel: str) -> str:
    return _joined("holiday_reminder", first_day.isoformat(), holiday, employee_id, channel)


def escalation_key(
    quarter: Quarter, level: int, on: date, addressee: str, programmes: Iterable[str], channel: str
) -> str:
    """`programmes`: the confidential programmes the message is about (usually none)."""
    named = "".join(f"{code}{SEP}" for code in sorted(programmes))
    return _joined("escalation", quarter.label, f"L{level}", on.isoformat(), addressee, "") + (
        named + channel
    )


def nobody_reached_key(quarter: Quarter, level: int, on: date) -> str:
    """The ladder's log entry of a step that reached nobody: no channel, no organiser."""
    return _joined("escalation", quarter.label, f"L{level}", on.isoformat(), "none")


def talk_reminder_key(
    quarter: Quarter, level: int, on: date, addressee: str, confidential: bool, channel: str
) -> str:
    secret = ("confidential",) if confidential else ()
    return _joined(
        "talk_reminder", quarter.label, f"L{level}", on.isoformat(), addressee, *secret, channel
    )


def family_letter_key(contact: str, first_day: date, holiday: str, channel: str) -> str:
    return _joined("family_letter", contact, first_day.isoformat(), holiday, channel)


def family_prefix(contact: str) -> str:
    """What every letter to one family contact starts with."""
    return _joined("family_letter", contact, "")


def to_a_family(key: str) -> bool:
    return key.startswith("family_letter" + SEP)


def confidential_talks_in(key: str) -> bool:
    """A reminder of talks only the discipline body's outputs may name (reminder, admonishment)."""
    kind, *parts = key.split(SEP)
    return kind == MessageKind.talk_reminder and "confidential" in parts


def not_recorded_key(session_code: str, organiser: str) -> str:
    return _joined("not_recorded", session_code, organiser, "email")


def sheet_key(session_code: str, version: int, people: str, role: str) -> str:
    return _joined("sign_in_sheet", session_code, f"v{version}", people, role, "email")


def report_key(quarter: Quarter, kind: str, unit_code: str, sha256: str, reader: str) -> str:
    return _joined("report", quarter.label, kind, unit_code, sha256[:16], reader, "email")


def kind_prefix(kind: str) -> str:
    """What every key of a kind starts with."""
    return kind + SEP


def words_of(key: str) -> list[str]:
    return key.split(SEP)


def kind_of(key: str) -> str:
    return key.split(SEP, 1)[0]


@dataclass(frozen=True, slots=True)
class Place:
    """What an invitation's or a withdrawal's key says of a place. Revision 0 is the first
    invitation; the n-th invitation again is 2n, the n-th withdrawal 2n-1."""

    session_code: str
    employee_id: str
    channel: str
    revision: int
    cancel: bool


def place_of(key: str) -> Place | None:
    """The place an invitation or a withdrawal is about; None for any other key."""
    kind, *parts = key.split(SEP)
    if kind not in PLACE_KINDS or len(parts) < 3:
        return None
    code, who, channel = parts[:3]
    suffix = parts[3] if len(parts) > 3 else ""
    if kind == MessageKind.invitation:
        again = int(suffix.removeprefix("again")) if suffix.startswith("again") else 0
        return Place(code, who, channel, 2 * again, False)
    return Place(code, who, channel, 2 * int(suffix or "1") - 1, True)


def holiday_of(key: str) -> tuple[date, str]:
    """The first day of the break and the holiday's key (an extra date's has a colon)."""
    parts = key.split(SEP)
    return date.fromisoformat(parts[1]), SEP.join(parts[2:-2])


def sheet_of(key: str) -> tuple[str, int, str]:
    """A sign-in sheet's session code, version, and the key of the people it lists."""
    _, code, version, people, *_ = key.split(SEP)
    return code, int(version.removeprefix("v")), people
