"""The talks and commitment letters as the reports count them: per talker, held and owed, and
the letters signed. Pure; confidential kinds are never here (the data given has none)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from core.talks import PledgeInfo, TalkInfo, TalkState


@dataclass(frozen=True, slots=True)
class TalksTally:
    """A talker's talks as of a day: held, still owed (due by that day or later in the
    period), and of those owed, overdue (past their day)."""

    held: int = 0
    owed: int = 0
    overdue: int = 0

    @property
    def asked(self) -> int:
        return self.held + self.owed


def talks_by_talker(talks: Iterable[TalkInfo], *, on: date) -> dict[str, TalksTally]:
    """Each talker's tally as of `on`, by employee id, or by role for a body off the roster
    (the organisation department, the discipline body's head); a talk held after `on` is
    still owed there. Each talk counts once, however many quarters list it."""
    counts: dict[str, list[int]] = {}
    for talk in {t.id: t for t in talks}.values():
        if talk.state is TalkState.waived:
            continue
        who = talk.talker_id or talk.talker.value
        held, owed, overdue = counts.setdefault(who, [0, 0, 0])
        if talk.held_on is not None and talk.held_on <= on:
            counts[who] = [held + 1, owed, overdue]
        else:
            counts[who] = [held, owed + 1, overdue + (talk.due_on < on)]
    return {who: TalksTally(*n) for who, n in counts.items()}


@dataclass(frozen=True, slots=True)
class LettersTally:
    """Commitment letters as of a day: to sign in the period, signed, and overdue unsigned."""

    due: int = 0
    signed: int = 0
    overdue: int = 0


def letters_tally(pledges: Iterable[PledgeInfo], *, on: date) -> LettersTally:
    """Each letter once, however many quarters list it."""
    due = signed = overdue = 0
    for letter in {p.id: p for p in pledges}.values():
        due += 1
        if letter.signed_on is not None and letter.signed_on <= on:
            signed += 1
        elif letter.due_on < on:
            overdue += 1
    return LettersTally(due, signed, overdue)
