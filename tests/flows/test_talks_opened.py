"""The cycle opens the talks its roster calls for (issue 43, items 1 and 2), on a real database:
three promotions and a new top leader mid-quarter open appointment talks with their letters,
each top leader a supervision talk, a cadre showing signs a reminder talk counted nowhere the
operator reads; the same roster again, or the next quarter's, opens nothing twice."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlmodel import select

from core.domain import Quarter
from core.talks import Talker, TalkKind, TalkState
from harness.pipeline import run_cycle
from harness.talks import AS_OF, ROSTER, row
from lianjie.exports import COLUMNS, Export, Format
from lianjie.exports.database import quarter_file
from lianjie.synthetic import HEADER, write_csv
from models.db import session_for
from models.talks import Pledge, Talk


def talks(db_url: str) -> dict[tuple[TalkKind, str], Talk]:
    with session_for(db_url) as session:
        return {(t.kind, t.employee_id): t for t in session.exec(select(Talk)).all()}


def test_the_roster_opens_its_talks_once(db_url: str, tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "roster.csv", HEADER, ROSTER)
    first = run_cycle(db_url, roster, tmp_path / "cards", as_of=AS_OF)
    opened = talks(db_url)
    appointment = {e for (k, e) in opened if k == TalkKind.appointment}
    assert appointment == {"E2", "E3", "E4", "E6"}
    assert opened[TalkKind.appointment, "E3"].due_on == date(2026, 12, 2)
    with session_for(db_url) as session:  # a letter to sign with each, due with its talk
        letters = {p.employee_id: p for p in session.exec(select(Pledge)).all()}
    assert set(letters) == appointment
    assert (letters["E3"].due_on, letters["E3"].version) == (date(2026, 12, 2), "lianjie-2026.1")
    assert letters["E3"].opened_by == opened[TalkKind.appointment, "E3"].opened_by
    assert (
        opened[TalkKind.appointment, "E3"].talker_id,
        opened[TalkKind.appointment, "E6"].talker,
    ) == (
        "E1",  # by the unit's top leader
        Talker.organisation,  # the new top leader's own, from above
    )
    assert {e for (k, e) in opened if k == TalkKind.supervision} == {"E1", "E6"}
    reminder = opened[TalkKind.reminder, "E5"]
    assert (reminder.talker_id, reminder.state) == ("E2", TalkState.due)  # the member in charge
    # the summary counts what it may: the reminder talk is in no count the operator reads
    assert first["talks"] == {"appointment": 4, "supervision": 2}

    again = run_cycle(db_url, roster, tmp_path / "cards", as_of=AS_OF)
    assert again["talks"] == {} and talks(db_url).keys() == opened.keys()
    with session_for(db_url) as session:
        assert len(session.exec(select(Pledge)).all()) == len(letters)


def test_next_quarters_roster_opens_only_what_is_new(db_url: str, tmp_path: Path) -> None:
    run_cycle(
        db_url, write_csv(tmp_path / "q4.csv", HEADER, ROSTER), tmp_path / "cards", as_of=AS_OF
    )
    q1 = [*ROSTER, row("E8", "U2", "审计科科长", "无", "2027-01-15")]
    later = run_cycle(
        db_url,
        write_csv(tmp_path / "q1.csv", HEADER, q1),
        tmp_path / "cards",
        "2027Q1",
        date(2027, 1, 20),
    )
    # E8's appointment, and each top leader's supervision talk of the new year
    assert later["talks"] == {"appointment": 1, "supervision": 2}
    opened = talks(db_url)
    assert opened[TalkKind.appointment, "E8"].opened_in == "2027Q1"
    assert opened[TalkKind.appointment, "E3"].opened_in == "2026Q4"  # the same talk as before


def test_the_talks_and_letters_export_with_the_contracts_columns(
    db_url: str, tmp_path: Path
) -> None:
    """`lianjie export … talks | pledges`: the contract's columns; a reminder talk only with
    --confidential; each talk's and letter's status as of the export's day."""
    run_cycle(
        db_url, write_csv(tmp_path / "r.csv", HEADER, ROSTER), tmp_path / "cards", as_of=AS_OF
    )

    def exported(kind: Export, confidential: bool, on: date) -> list[dict[str, str]]:
        data = quarter_file(
            db_url=db_url,
            kind=kind,
            quarter=Quarter(2026, 4),
            as_of=on,
            fmt=Format.csv,
            confidential=confidential,
        )
        lines = data.decode("utf-8-sig").splitlines()
        # a confidential file says so on its first line, above the header
        return list(csv.DictReader(lines[1:] if confidential else lines))

    ordinary = exported(Export.talks, False, date(2026, 12, 3))
    assert list(ordinary[0]) == COLUMNS[Export.talks]
    assert {r["kind"] for r in ordinary} == {"appointment", "supervision"}
    by = {(r["kind"], r["employee_id"]): r for r in ordinary}
    assert by["appointment", "E3"]["status"] == "overdue"  # due 2026-12-02
    assert by["appointment", "E6"]["status"] == "due"  # due 2026-12-16
    assert by["appointment", "E3"]["talker"] == "E1"
    assert by["supervision", "E1"]["talker"] == "discipline_head"
    secret = exported(Export.talks, True, date(2026, 12, 3))
    assert {r["kind"] for r in secret} == {"appointment", "supervision", "reminder"}

    letters = exported(Export.pledges, False, date(2026, 12, 3))
    assert list(letters[0]) == COLUMNS[Export.pledges]
    assert {r["employee_id"]: r["status"] for r in letters} == {
        "E2": "overdue",  # due 2026-11-19
        "E3": "overdue",
        "E4": "due",  # due 2026-12-10
        "E6": "due",
    }
