"""The roster's warnings as the summary report's reader reads them: in the report's language.

An office director reading the Chinese summary met "unit U0001 has no top leader on the roster"
among Chinese lines. Each warning now carries a code and its values, stored with its English
text; the report prints its own language's words, and the log and command line keep English.
"""

from __future__ import annotations

import re

import pytest

from core.domain import CadreRecord, LeadershipRole
from harness.factories import decision, verdict
from policy.confidentiality import shared_contact_warnings
from policy.roster import judge_roster, missing_column_warnings
from policy.roster_warnings import (
    ENGLISH,
    RosterWarning,
    structure_warnings,
    unreachable_warnings,
)
from reports.render import labels
from reports.roster_notes import warning_text


def every_kind() -> list[RosterWarning]:
    """One warning of each kind, made by the rules that make them."""
    members = [
        CadreRecord(
            f"E{n:02d}",
            "王伟",
            "U01",
            "财政局",
            "副局长",
            leadership_role=LeadershipRole.team_member,
            in_charge_of=("U09",) if n < 9 else ("U09", "U10"),
        )
        for n in range(1, 10)
    ]
    confirmed, rehearsed = verdict(8, accept_leavers=True), verdict(8, rehearsal=True)
    hinted = judge_roster(
        decision(10),
        max_leavers_share=0.10,
        accept_leavers=False,
        rehearsal=False,
        already_in_force=False,
        header_hints=[("任职时间", "任现职时间")],
    )
    return [
        *confirmed.warnings,
        rehearsed.warnings[0],
        *(w for w in hinted.warnings if w.code == "header_hint"),
        *structure_warnings(members, gone_units={"U09", "U10"}),
        *(w for w in structure_warnings(members) if w.code.startswith("in_charge_of_unknown")),
        *missing_column_warnings(["discipline_status", "leadership_role"], members),
        *shared_contact_warnings({"13800138000": ["E01", "E02"], "a@b.cn": ["E03", "E04"]}),
        *unreachable_warnings([CadreRecord("E05", "王伟", "U01", "财政局", "科长")]),
        RosterWarning.of("estimated_calendar", years="2027"),  # made by the roster task
    ]


def test_every_kind_is_made() -> None:
    assert set(ENGLISH) == {w.code for w in every_kind()}


# In one order in every process: pytest-xdist's workers must collect the same tests.
@pytest.mark.parametrize(
    "warning",
    sorted(every_kind(), key=lambda w: (w.code, sorted(w.params.items()))),
    ids=lambda w: w.code,
)
def test_the_chinese_report_says_it_in_chinese(warning: RosterWarning) -> None:
    text = warning_text(warning, labels("zh"))
    # Ids, unit codes, the policy's setting and the option keep their Latin letters; no
    # English word is left around them.
    named = text.replace("--accept-leavers", "").replace("roster.max_leavers_share", "")
    assert [] == re.findall(r"[A-Za-z]{3,}", named), text
    assert re.search(r"[\u4e00-\u9fff]", text)


def test_a_warning_names_its_column_and_tracks_as_a_clerk_does() -> None:
    [warning] = missing_column_warnings(
        ["discipline_status"], [CadreRecord("E01", "王伟", "U01", "财政局", "科长")]
    )
    text = warning_text(warning, labels("zh"))
    track = labels("zh")["track_names"]["admonition"]
    assert "“纪律状况”" in text and track in text, text
    assert "discipline_status" not in text and "admonition" not in text


def test_the_english_report_and_the_log_say_it_as_before() -> None:
    for warning in every_kind():
        assert str(warning) == warning_text(warning, labels("en"))
    [member_warning] = structure_warnings(
        [
            CadreRecord(
                "E2",
                "王伟",
                "U02",
                "财政局",
                "副局长",
                leadership_role=LeadershipRole.top_leader,
                in_charge_of=("U09",),
            )
        ],
        gone_units={"U09"},
    )
    assert "E2 is in charge of U09, which no cadre on the roster belongs to" == str(member_warning)


def test_stored_and_read_back() -> None:
    """Kept as {code, params, text}; one stored as plain text before codes is shown as it is."""
    for warning in every_kind():
        again = RosterWarning.from_stored(warning.stored())
        assert (warning.code, str(warning)) == (again.code, str(again))
        assert warning_text(warning, labels("zh")) == warning_text(again, labels("zh"))
    old = RosterWarning.from_stored("unit U0001 has no top leader on the roster")
    assert "unit U0001 has no top leader on the roster" == warning_text(old, labels("zh"))
