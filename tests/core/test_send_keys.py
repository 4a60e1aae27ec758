"""Send keys are built and read in one module (issue 40): each kind's key reads back as built."""

from __future__ import annotations

from datetime import date

import pytest

from core.domain import Quarter
from core.send_keys import (
    Place,
    escalation_key,
    holiday_key,
    holiday_of,
    invitation_again_key,
    kind_of,
    nobody_reached_key,
    place_key,
    place_of,
    place_prefix,
    sheet_key,
    sheet_of,
    withdrawal_key,
    words_of,
)


def test_a_place_reads_back_with_its_revision() -> None:
    first = place_key("invitation", "26Q4-IO-01", "E000001", "sms")
    assert "invitation:26Q4-IO-01:E000001:sms" == first
    assert Place("26Q4-IO-01", "E000001", "sms", 0, False) == place_of(first)
    withdrawn = withdrawal_key("26Q4-IO-01", "E000001", "sms", 1)
    again = invitation_again_key("26Q4-IO-01", "E000001", "sms", 1)
    assert (1, True) == (place_of(withdrawn).revision, place_of(withdrawn).cancel)  # type: ignore[union-attr]
    assert (2, False) == (place_of(again).revision, place_of(again).cancel)  # type: ignore[union-attr]
    assert first.startswith(place_prefix("invitation", "26Q4-IO-01", "E000001"))
    assert not first.startswith(place_prefix("invitation", "26Q4-IO-01", "E00000"))


@pytest.mark.parametrize(
    "key",
    [
        place_key("session_reminder", "26Q4-IO-01", "E1", "email"),
        holiday_key(date(2027, 1, 1), "new_year", "E1", "sms"),
        sheet_key("26Q4-IO-01", 2, "abc", "organiser"),
    ],
)
def test_other_kinds_are_no_place(key: str) -> None:
    assert kind_of(key) != "invitation"
    if kind_of(key) != "session_reminder":
        assert place_of(key) is None


def test_a_holiday_reads_back_even_an_extra_dates_key_with_its_colon() -> None:
    key = holiday_key(date(2026, 12, 24), "extra:2026-12-24", "E1", "email")
    assert (date(2026, 12, 24), "extra:2026-12-24") == holiday_of(key)


def test_a_sheet_reads_back() -> None:
    assert ("26Q4-AD-01", 3, "p1") == sheet_of(sheet_key("26Q4-AD-01", 3, "p1", "discipline"))


def test_an_escalation_names_its_confidential_programmes_as_words() -> None:
    key = escalation_key(Quarter(2026, 4), 1, date(2026, 10, 27), "E1", {"AD"}, "email")
    assert "escalation:2026Q4:L1:2026-10-27:E1:AD:email" == key
    assert "AD" in words_of(key)
    plain = escalation_key(Quarter(2026, 4), 2, date(2026, 10, 27), "TM1", (), "sms")
    assert "escalation:2026Q4:L2:2026-10-27:TM1:sms" == plain
    assert "escalation:2026Q4:L1:2026-10-27:none" == nobody_reached_key(
        Quarter(2026, 4), 1, date(2026, 10, 27)
    )
