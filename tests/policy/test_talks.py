"""The talks a roster opens (issue 43, items 1 and 2): appointment talks with their letters for
the newly appointed, a supervision talk a year for each top leader, a reminder talk for signs;
each due on its day, held by someone above the cadre, opened once."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.domain import CadreRecord, DisciplineStatus, LeadershipRole, Quarter
from core.talks import Talker, TalkKind, TalkState
from policy.config import TalkRules
from policy.escalation import chain_of
from policy.talks import state_on, talks_opened

Q4 = Quarter(2026, 4)


def cadre(employee_id: str, unit: str = "U1", **given: Any) -> CadreRecord:
    return CadreRecord(employee_id, f"name {employee_id}", unit, "第一局", "科员", **given)


# U1: a top leader, a member in charge of it; U2: a top leader appointed mid-quarter, no member
ROSTER = [
    cadre("TL1", leadership_role=LeadershipRole.top_leader, appointed_on=date(2020, 1, 5)),
    cadre(
        "TM1",
        leadership_role=LeadershipRole.team_member,
        in_charge_of=("U1",),
        appointed_on=date(2026, 10, 20),  # promoted this quarter
    ),
    cadre("C1", appointed_on=date(2026, 11, 2)),  # promoted this quarter
    cadre("C2", appointed_on=date(2026, 9, 15)),  # promoted last quarter, talk due 2026-10-15
    cadre("C3", appointed_on=date(2026, 6, 1)),  # long before: not lianjie's to open
    cadre("C4", discipline_status=DisciplineStatus.signs, discipline_on=date(2026, 11, 10)),
    cadre("C5", discipline_status=DisciplineStatus.disciplined, discipline_on=date(2026, 11, 10)),
    cadre(
        "TL2",
        "U2",
        leadership_role=LeadershipRole.top_leader,
        appointed_on=date(2026, 11, 16),  # a new top leader, mid-quarter
    ),
    cadre("C6", "U2", appointed_on=date(2026, 12, 1)),
]


def opened(roster: list[CadreRecord] = ROSTER, rules: TalkRules | None = None) -> dict[Any, Any]:
    chain = chain_of(roster)
    talks = talks_opened(roster, rules=rules or TalkRules(), quarter=Q4, chain=chain)
    return {(t.kind, t.employee_id): t for t in talks}


def test_each_new_appointment_opens_a_talk_and_a_letter_due_within_thirty_days() -> None:
    talks = opened()
    appointment = {e: t for (k, e), t in talks.items() if k is TalkKind.appointment}
    assert set(appointment) == {"TM1", "C1", "C2", "TL2", "C6"}
    assert appointment["C1"].due_on == date(2026, 12, 2)
    assert appointment["C2"].due_on == date(2026, 10, 15)  # owed from last quarter's promotion
    assert appointment["C1"].opened_by == "appointed:2026-11-02"
    assert all(t.pledge for t in appointment.values())


def test_the_talker_is_above_the_cadre_never_a_peer_or_themselves() -> None:
    talks = opened()
    talker = {
        e: (t.talker, t.talker_id) for (k, e), t in talks.items() if k is TalkKind.appointment
    }
    assert talker["TM1"] == (Talker.top_leader, "TL1")  # a member: by the top leader
    assert talker["C1"] == (Talker.top_leader, "TL1")
    assert talker["C6"] == (Talker.top_leader, "TL2")  # the new top leader talks to his cadre
    assert talker["TL2"] == (Talker.organisation, None)  # and is talked to from above


def test_no_member_in_charge_goes_to_the_top_leader() -> None:
    roster = [*ROSTER, cadre("C7", "U2", discipline_status=DisciplineStatus.signs)]
    talks = opened(roster)
    assert (talks[TalkKind.reminder, "C4"].talker, talks[TalkKind.reminder, "C4"].talker_id) == (
        Talker.in_charge,
        "TM1",
    )
    assert talks[TalkKind.reminder, "C7"].talker_id == "TL2"  # U2 has no member in charge


def test_each_top_leader_has_a_supervision_talk_due_by_the_years_end() -> None:
    talks = opened()
    supervision = {e: t for (k, e), t in talks.items() if k is TalkKind.supervision}
    assert set(supervision) == {"TL1", "TL2"}
    assert {t.due_on for t in supervision.values()} == {date(2026, 12, 31)}
    assert {t.talker for t in supervision.values()} == {Talker.discipline_head}
    assert {t.opened_by for t in supervision.values()} == {"year:2026"}


def test_signs_open_a_confidential_reminder_talk_and_nothing_else_does() -> None:
    talks = opened()
    reminders = [t for (k, _), t in talks.items() if k is TalkKind.reminder]
    assert [t.employee_id for t in reminders] == ["C4"]
    assert reminders[0].confidential and reminders[0].due_on == date(2026, 12, 10)
    assert not any(t.confidential for t in talks.values() if t.kind is not TalkKind.reminder)


def test_the_same_roster_opens_the_same_talks_next_quarter_by_the_same_keys() -> None:
    chain = chain_of(ROSTER)
    q4 = talks_opened(ROSTER, rules=TalkRules(), quarter=Q4, chain=chain)
    q1 = talks_opened(ROSTER, rules=TalkRules(), quarter=Quarter(2027, 1), chain=chain)
    keys = {(t.kind, t.employee_id, t.opened_by) for t in q4}
    # what Q1 still opens is the same talk (C6's, due 2026-12-31), or a new year's supervision
    for talk in q1:
        assert (
            talk.kind,
            talk.employee_id,
            talk.opened_by,
        ) in keys or talk.opened_by == "year:2027"


def test_the_policy_says_which_when_and_by_whom() -> None:
    rules = TalkRules(
        appointment_within_days=10,
        pledge_with_appointment=False,
        reminder_statuses=[DisciplineStatus.signs, DisciplineStatus.disciplined],
        reminder_talker=Talker.discipline_head,
    )
    talks = opened(rules=rules)
    assert talks[TalkKind.appointment, "C1"].due_on == date(2026, 11, 12)
    assert not talks[TalkKind.appointment, "C1"].pledge
    assert (TalkKind.reminder, "C5") in talks
    assert talks[TalkKind.reminder, "C5"].talker is Talker.discipline_head


def test_a_due_talk_past_its_day_is_overdue() -> None:
    assert state_on(TalkState.due, date(2026, 12, 2), date(2026, 12, 3)) is TalkState.overdue
    assert state_on(TalkState.due, date(2026, 12, 2), date(2026, 12, 2)) is TalkState.due
    assert state_on(TalkState.held, date(2026, 12, 2), date(2027, 1, 3)) is TalkState.held


def test_a_deadline_on_a_day_off_is_the_working_day_before() -> None:
    """Appointed on 2 September, due within 30 days: 2 October is in the National Day break,
    so the talk is due on the working day before it, 30 September."""
    from policy.calendar import calendar_for

    calendar = calendar_for(date(2026, 9, 1), date(2026, 12, 31))
    roster = [*ROSTER, cadre("C7", appointed_on=date(2026, 9, 2))]
    talks = talks_opened(
        roster,
        rules=TalkRules(),
        quarter=Q4,
        chain=chain_of(roster),
        due_by=calendar.deadline,
    )
    due = {t.employee_id: t.due_on for t in talks if t.kind is TalkKind.appointment}
    assert due["C7"] == date(2026, 9, 30)
    assert due["C1"] == date(2026, 12, 2)  # a working day stays
