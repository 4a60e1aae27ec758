"""Who may learn that a cadre is on the admonition track: one rule, applied everywhere.

Being on a confidential programme's track, and anything that shows it — the programme next to
a name or id, its code, its session codes, the reasons, the subjects of its messages, the
discipline cells of a rejected row — is for the person and the discipline inspection body only.
Exports, the summary report, artifacts, log lines and messages to others read the quarter
through `without_confidential`, and rejected rows through `shown_reject`.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import replace
from itertools import chain
from operator import attrgetter

from core.domain import CadreRecord, Reject
from models.facts import ProgrammeInfo, QuarterData
from models.tables import Message
from policy.roster_warnings import RosterWarning

# Roster columns whose cells tell who is on the admonition track.
DISCIPLINE_COLUMNS = frozenset({"discipline_status", "discipline_on"})
HIDDEN = "(confidential)"


def confidential_codes(programmes: Iterable[ProgrammeInfo]) -> set[str]:
    """The codes of the programmes the policy marks confidential."""
    return {p.code for p in programmes if p.confidential}


def without_confidential(data: QuarterData) -> QuarterData:
    """The quarter as anyone but the discipline inspection body may see it."""
    hidden = confidential_codes(data.programmes)
    tracks_hidden = {p.track for p in data.programmes if p.code in hidden}
    sessions = [s for s in data.sessions if s.programme_code not in hidden]
    shown_sessions = {s.code for s in sessions}
    secret_words = hidden | {s.code for s in data.sessions if s.programme_code in hidden}
    secret_words |= {n for p in data.programmes if p.code in hidden for n in (p.name_zh, p.name_en)}
    return replace(
        data,
        tracks={
            who: {t: r for t, r in held.items() if t not in tracks_hidden}
            for who, held in data.tracks.items()
        },
        programmes=[p for p in data.programmes if p.code not in hidden],
        sessions=sessions,
        enrolments=[e for e in data.enrolments if e[0] in shown_sessions],
        completions=[c for c in data.completions if c.programme_code not in hidden],
        rejects=[
            shown_reject(r)
            for r in data.rejects
            # A completion row about the confidential programme is itself confidential.
            if not secret_words & {v.strip() for v in r.values.values()}
        ],
        changes=[c for c in data.changes if c.field not in DISCIPLINE_COLUMNS],
    )


def shown_reject(reject: Reject) -> Reject:
    """A rejected row without its discipline cells; a reason about them says only where."""
    values = {k: (HIDDEN if k in DISCIPLINE_COLUMNS and v else v) for k, v in reject.values.items()}
    if reject.column not in DISCIPLINE_COLUMNS:
        return replace(reject, values=values)
    reason = f"{reject.column}: the value is not accepted {HIDDEN}"
    return replace(
        reject, values=values, reason=reason, code="hidden", params={"column": reject.column}
    )


def shown_reason(column: str, reason: str) -> str:
    """A reject's reason as logs, artifacts and the command line may show it."""
    if column in DISCIPLINE_COLUMNS:
        return f"{column}: the value is not accepted {HIDDEN}"
    return reason


def visible_messages(outbox: Iterable[Message], data: QuarterData) -> list[Message]:
    """The outbox without the confidential programme's invitations, reminders and chasers."""
    hidden = confidential_codes(data.programmes)
    secret_sessions = {s.code for s in data.sessions if s.programme_code in hidden}
    return [m for m in outbox if not is_about(m.send_key, secret_sessions | hidden)]


def is_about(send_key: str, confidential_words: set[str]) -> bool:
    """Whether a message's send key names a confidential programme or one of its sessions."""
    return not confidential_words.isdisjoint(send_key.split(":"))


def opaque_reference(send_key: str) -> str:
    """What names a confidential message where others may look (an outbox file, a gateway's
    id, a log line): the same for every attempt, and telling nothing of the programme."""
    return "c-" + hashlib.sha256(send_key.encode()).hexdigest()[:24]


def shared_contacts(cadres: Iterable[CadreRecord]) -> dict[str, list[str]]:
    """Phone numbers and e-mail addresses that more than one cadre gave: address → their ids."""
    cadres = list(cadres)
    # Counted first, in one pass without a list per address: a province has a million of them
    # and nearly none is shared.
    phones = filter(None, map(attrgetter("phone"), cadres))  # digits: nothing to casefold
    emails = map(str.casefold, filter(None, map(attrgetter("email"), cadres)))
    given = Counter(chain(phones, emails))
    twice = {address for address, times in given.items() if times > 1}
    if not twice:
        return {}
    users: dict[str, list[str]] = defaultdict(list)
    for cadre in cadres:
        for address in {cadre.phone, cadre.email} - {None, ""}:
            if (folded := str(address).casefold()) in twice:
                users[folded].append(cadre.employee_id)
    return {address: sorted(ids) for address, ids in users.items() if len(ids) > 1}


def shared_contact_warnings(shared: dict[str, list[str]]) -> list[RosterWarning]:
    """One warning per shared contact, naming the cadres but not the number or address."""
    return [
        RosterWarning.of(
            "shared_email" if "@" in address else "shared_phone",
            count=len(ids),
            named=", ".join(ids[:10]),
            more=" …" if len(ids) > 10 else "",
        )
        for address, ids in sorted(shared.items(), key=lambda item: item[1])
    ]


def hold_reason(address: str, shared: dict[str, list[str]]) -> str | None:
    """Why a confidential message to `address` is held instead of sent, or None."""
    others = len(shared.get(address.casefold(), [])) - 1
    if others <= 0:
        return None
    return (
        f"held: the contact is shared with {others} other cadre(s); a confidential message "
        "is not sent to it (see the confidential list)"
    )
