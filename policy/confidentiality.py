"""Who may learn that a cadre is on the admonition track: one rule, applied everywhere.

Being on a confidential programme's track, and anything that shows it — the programme next to
a name or id, its code, its session codes, the reasons, the subjects of its messages, the
discipline cells of a rejected row — is for the person and the discipline inspection body only.
Exports, the summary report, artifacts, log lines and messages to others read the quarter
through `without_confidential`, and rejected rows through `shown_reject`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import chain
from operator import attrgetter
from typing import Protocol

from core.domain import CadreRecord, Reject
from core.send_keys import confidential_talks_in, to_a_family, words_of
from core.talks import CONFIDENTIAL_TALK_NAMES
from models.facts import QuarterData
from models.tables import Message
from policy.roster_warnings import RosterWarning

# Roster columns whose cells tell who is on the admonition track.
DISCIPLINE_COLUMNS = frozenset({"discipline_status", "discipline_on"})
HIDDEN = "(confidential)"


class _Coded(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def confidential(self) -> bool: ...


class _Programme(_Coded, Protocol):
    @property
    def name_zh(self) -> str: ...
    @property
    def name_en(self) -> str: ...


def confidential_codes(programmes: Iterable[_Coded]) -> frozenset[str]:
    """The codes of the confidential programmes, from the policy's or the quarter's: the rule
    spelled once."""
    return frozenset(p.code for p in programmes if p.confidential)


class _Session(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def programme_code(self) -> str: ...


@dataclass(frozen=True)
class Hidden:
    """What names the confidential programmes: their codes, their sessions' codes and their
    names. The one rule for telling whether a text or a message is about them."""

    codes: frozenset[str] = frozenset()
    sessions: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()

    @classmethod
    def of(cls, programmes: Iterable[_Programme], sessions: Iterable[_Session]) -> Hidden:
        secret = [p for p in programmes if p.confidential]
        codes = confidential_codes(secret)
        return cls(
            codes,
            frozenset(s.code for s in sessions if s.programme_code in codes),
            frozenset(n for p in secret for n in (p.name_zh, p.name_en) if n)
            | CONFIDENTIAL_TALK_NAMES,  # a reminder or admonishment talk, as a cell names it
        )

    def __bool__(self) -> bool:
        return bool(self.codes or self.names)

    # Worked out once per rule, not once per message or cell: dispatch asks for every message,
    # the exports for every cell of every rejected row.
    @cached_property
    def _keys(self) -> frozenset[str]:
        return self.codes | self.sessions

    @cached_property
    def _folded_words(self) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """The sessions and names, the names alone, and the codes, each folded."""
        return (
            frozenset(map(_folded, self.sessions | self.names)),
            frozenset(map(_folded, self.names)),
            frozenset(map(_folded, self.codes)),
        )

    def in_send_key(self, send_key: str) -> bool:
        """A message about a confidential programme (its send key names it or a session),
        about a confidential kind of talk, or to a family member (family data is in no
        ordinary output)."""
        return (
            not self._keys.isdisjoint(words_of(send_key))
            or confidential_talks_in(send_key)
            or to_a_family(send_key)
        )

    def mentioned_in_any(self, texts: Iterable[str]) -> bool:
        return any(map(self.mentioned_in, texts))

    def mentioned_in(self, text: str) -> bool:
        """A text that names a confidential programme, however it is written: any case,
        full-width letters, another dash (２６Ｑ４－ＡＤ－０１, 26q4–ad–01), or its name."""
        if not self or not text:
            return False
        words, names, codes = self._folded_words
        folded = _folded(text).strip()
        if any(w in folded for w in words):
            return True
        # A name cut short (警示教育): at least four characters of it.
        if len(folded) >= 4 and any(folded in n for n in names):
            return True
        return not codes.isdisjoint(re.findall(r"[0-9a-z]+", folded))


_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")


def _folded(text: str) -> str:
    return _DASHES.sub("-", unicodedata.normalize("NFKC", text)).casefold()


def without_confidential(data: QuarterData) -> QuarterData:
    """The quarter as anyone but the discipline inspection body may see it."""
    secret = Hidden.of(data.programmes, data.sessions)
    hidden = secret.codes
    tracks_hidden = {p.track for p in data.programmes if p.code in hidden}
    sessions = [s for s in data.sessions if s.programme_code not in hidden]
    shown_sessions = {s.code for s in sessions}
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
            # A completion row about the confidential programme is itself confidential; so is
            # a register's row whose reason names a confidential talk (no talk of it open).
            if not secret.mentioned_in_any(
                [*map(str, r.values.values()), r.reason, *map(str, r.params.values())]
            )
        ],
        changes=[c for c in data.changes if c.field not in DISCIPLINE_COLUMNS],
        talks=[t for t in data.talks if not t.confidential],
    )


def shown_reject(reject: Reject) -> Reject:
    """A rejected row without its discipline cells; a reason about them says only where."""
    values = {k: (HIDDEN if k in DISCIPLINE_COLUMNS else v) for k, v in reject.values.items()}
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
    secret = Hidden.of(data.programmes, data.sessions)
    return [m for m in outbox if not secret.in_send_key(m.send_key)]


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


NOT_RELAYED = (
    "held: no channel reaches this cadre, and a confidential message is not passed through an "
    "organiser (see the confidential list)"
)


def held_because(
    *, confidential: bool, address: str, relayed: bool, shared: dict[str, list[str]]
) -> str | None:
    """Why a message is held instead of sent, or None: only a confidential programme's message
    is ever held, when it would pass through an organiser (`relayed`) or go to a contact others
    share."""
    if not confidential:
        return None
    return NOT_RELAYED if relayed else hold_reason(address, shared)


def hold_reason(address: str, shared: dict[str, list[str]]) -> str | None:
    """Why a confidential message to `address` is held instead of sent, or None."""
    others = len(shared.get(address.casefold(), [])) - 1
    if others <= 0:
        return None
    return (
        f"held: the contact is shared with {others} other cadre(s); a confidential message "
        "is not sent to it (see the confidential list)"
    )
