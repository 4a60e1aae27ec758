"""One rule for what names the confidential programme, however a clerk or a key writes it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from policy.confidentiality import Hidden, opaque_reference


@dataclass
class Programme:
    code: str
    name_zh: str
    name_en: str
    confidential: bool


@dataclass
class Session:
    code: str
    programme_code: str


HIDDEN = Hidden.of(
    [
        Programme("AD", "警示教育", "Warning education", True),
        Programme("LC", "廉政党课", "Integrity Party lecture", False),
    ],
    [Session("26Q4-AD-01", "AD"), Session("26Q4-AD-M01", "AD"), Session("26Q4-LC-01", "LC")],
)


@pytest.mark.parametrize(
    "written",
    [
        "26Q4-AD-01",
        "26q4-ad-01",
        "２６Ｑ４－ＡＤ－０１",  # full width
        "26Q4–AD–01",  # en dashes
        " 26Q4-AD-M01 ",
        "ad",
        "警示教育",
        "参加警示教育",
        "warning EDUCATION",
        "Warning educ",  # the name cut short
        "26Q4-AD-01 签到表",
    ],
)
def test_every_way_of_writing_it_is_recognised(written: str) -> None:
    assert HIDDEN.mentioned_in(written)


@pytest.mark.parametrize(
    "written", ["26Q4-LC-01", "LC", "廉政党课", "E0004", "已参加", "2026-10-14", "HEAD", "", "2"]
)
def test_what_does_not_name_it_stays(written: str) -> None:
    assert not HIDDEN.mentioned_in(written)


def test_send_keys_and_their_opaque_names() -> None:
    assert HIDDEN.in_send_key("invitation:26Q4-AD-01:E0004:sms")
    assert HIDDEN.in_send_key("escalation:2026Q4:E0004:AD:L1:email")
    assert not HIDDEN.in_send_key("invitation:26Q4-LC-01:E0004:sms")
    reference = opaque_reference("invitation:26Q4-AD-01:E0004:sms")
    assert reference == opaque_reference("invitation:26Q4-AD-01:E0004:sms")  # every attempt
    assert "E0004" not in reference and "26Q4" not in reference


def test_with_no_confidential_programme_only_the_confidential_talks_are_hidden() -> None:
    talks_only = Hidden.of([Programme("LC", "廉政党课", "Integrity Party lecture", False)], [])
    assert not talks_only.mentioned_in("26Q4-AD-01") and not talks_only.mentioned_in("廉政党课")
    assert talks_only.mentioned_in("诫勉谈话") and talks_only.mentioned_in("Reminder")
    assert not talks_only.mentioned_in("任前廉政谈话") and not talks_only.mentioned_in("holiday")


def test_the_confidential_talks_names_are_those_the_labels_print() -> None:
    """A register names a talk in the labels' words: the rule hides each of them."""
    from core.talks import CONFIDENTIAL_TALK_NAMES, CONFIDENTIAL_TALKS
    from reports.render import labels

    printed = {
        labels(lang)["talk_kinds"][k.value] for lang in ("zh", "en") for k in CONFIDENTIAL_TALKS
    }
    assert printed <= CONFIDENTIAL_TALK_NAMES


def test_discipline_cells_of_a_reject_read_the_same_empty_or_not() -> None:
    """`(confidential)` only where a cell was filled in told who has a discipline record."""
    from core.domain import Reject
    from policy.confidentiality import shown_reject

    def reject(status: str, on: str) -> Reject:
        values = {"employee_id": "E0009", "discipline_status": status, "discipline_on": on}
        return Reject(row=9, column="phone", reason="phone: not a number", values=values)

    with_record = shown_reject(reject("诫勉谈话", "2026-06-01"))
    without = shown_reject(reject("", ""))
    assert with_record.values == without.values | {"employee_id": "E0009"}
    assert "诫勉" not in repr(with_record)
