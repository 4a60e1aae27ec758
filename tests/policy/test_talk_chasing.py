"""Talks not held by their day climb the ladder (issue 43, item 4): the talker is reminded once
the register could be back, whoever is above the talker later; a confidential talk reaches its
talker only; a rung is climbed once; a talker who left is replaced by whoever holds the role."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from core.domain import CadreRecord, DisciplineStatus, LeadershipRole
from core.talks import Talker, TalkKind
from policy.calendar import calendar_for
from policy.config import Escalation
from policy.escalation import ORGANISATION_DEPARTMENT, Answers, chain_of
from policy.talk_chasing import OwedTalk, owed_talk, talk_ladder

CALENDAR = calendar_for(date(2026, 10, 1), date(2027, 1, 31))
RULES = Escalation(cadre_after_days=3, team_member_after_days=10, top_leader_after_days=20)
FRIDAY = date(2026, 11, 20)


def cadre(employee_id: str, unit: str = "U1", **given: Any) -> CadreRecord:
    return CadreRecord(employee_id, f"name {employee_id}", unit, "第一局", "科员", **given)


ROSTER = [
    cadre("TL1", leadership_role=LeadershipRole.top_leader),
    cadre("TM1", leadership_role=LeadershipRole.team_member, in_charge_of=("U1",)),
    cadre("C1"),
    cadre("C4", discipline_status=DisciplineStatus.signs),
    cadre("TL2", "U2", leadership_role=LeadershipRole.top_leader),
]
CHAIN = chain_of(ROSTER, organisation_email="zzb@gov.example.cn")
UNITS = {c.employee_id: c.unit_code for c in ROSTER}
PEOPLE = {c.employee_id: c for c in ROSTER}


def owed(
    who: str, kind: TalkKind, talker: Talker, talker_id: str | None, level: int = 0
) -> OwedTalk:
    return owed_talk(1, kind, PEOPLE[who], FRIDAY, (talker, talker_id), CHAIN, level)


def steps_on(day: date, *talks: OwedTalk) -> dict[tuple[int, str], Any]:
    steps = talk_ladder(
        talks,
        on=day,
        rules=RULES,
        chain=CHAIN,
        units=UNITS,
        register_wait=2,
        bodies={Talker.organisation: ORGANISATION_DEPARTMENT},
        after_working_days=CALENDAR.shift_working_days,
    )
    return {(s.level, s.recipient.employee_id): s for s in steps}


def test_a_talk_due_on_friday_is_not_chased_before_its_register_could_be_back() -> None:
    talk = owed("C1", TalkKind.appointment, Talker.in_charge, "TM1")
    assert steps_on(FRIDAY + timedelta(days=3), talk) == {}  # Monday
    step = steps_on(FRIDAY + timedelta(days=4), talk)[(1, "TM1")]  # Tuesday: two working days
    assert step.answers is Answers.self and step.talks == (talk,)


def test_the_talker_s_top_leader_hears_of_it_the_ladder_s_gap_later_never_the_cadre() -> None:
    talk = owed("C1", TalkKind.appointment, Talker.in_charge, "TM1", level=1)
    before = CALENDAR.shift_working_days(FRIDAY, 2 + 7) - timedelta(days=1)
    assert steps_on(before, talk) == {}
    day = CALENDAR.shift_working_days(FRIDAY, 2 + 7)
    steps = steps_on(day, talk)
    assert set(steps) == {(2, "TL1")} and steps[(2, "TL1")].answers is Answers.top_leader


def test_a_top_leader_who_owes_a_talk_is_chased_up_to_the_organisation_department() -> None:
    talk = owed("TM1", TalkKind.appointment, Talker.top_leader, "TL1", level=1)
    day = CALENDAR.shift_working_days(FRIDAY, 9)
    assert set(steps_on(day, talk)) == {(2, ORGANISATION_DEPARTMENT)}


def test_a_confidential_talk_reaches_its_talker_alone_in_a_message_of_its_own() -> None:
    ordinary = owed("C1", TalkKind.appointment, Talker.in_charge, "TM1")
    reminder = owed("C4", TalkKind.reminder, Talker.in_charge, "TM1")
    late = CALENDAR.shift_working_days(FRIDAY, 30)
    steps = talk_ladder(
        [ordinary, reminder],
        on=late,
        rules=RULES,
        chain=CHAIN,
        units=UNITS,
        register_wait=2,
        bodies={},
        after_working_days=CALENDAR.shift_working_days,
    )
    secret = [s for s in steps if s.confidential]
    assert [(s.level, s.recipient.employee_id, s.talks) for s in secret] == [
        (1, "TM1", (reminder,))
    ]
    assert all(reminder not in s.talks for s in steps if not s.confidential)
    assert {(s.level, s.recipient.employee_id) for s in steps if not s.confidential} == {
        (1, "TM1"),
        (2, "TL1"),
    }


def test_a_rung_already_climbed_is_not_climbed_again() -> None:
    late = CALENDAR.shift_working_days(FRIDAY, 30)
    assert steps_on(late, owed("C1", TalkKind.appointment, Talker.in_charge, "TM1", level=2)) == {}


def test_a_talk_held_by_a_body_off_the_roster_is_chased_with_that_body_only() -> None:
    talk = owed("TL2", TalkKind.appointment, Talker.organisation, None)
    late = CALENDAR.shift_working_days(FRIDAY, 30)
    assert set(steps_on(late, talk)) == {(1, ORGANISATION_DEPARTMENT)}


def test_a_talker_who_left_the_roster_is_replaced_by_whoever_now_holds_the_role() -> None:
    talk = owed_talk(
        1,
        TalkKind.appointment,
        PEOPLE["C1"],
        FRIDAY,
        (Talker.in_charge, "TM0"),  # the member in charge when it opened, since gone
        CHAIN,
        0,
    )
    assert (talk.talker, talk.talker_id) == (Talker.in_charge, "TM1")
