"""The quarter's messages, planned without a database: who is told what, and when."""

from __future__ import annotations

from datetime import date, time

from core.domain import Channel, LeadershipRole, MessageKind, Rank, SessionPlan, Track
from harness.factories import cadre
from policy.calendar import calendar_for
from policy.config import Policy
from policy.message_plan import changed_places, plan_quarter_messages, recipient

WINDOW = (date(2026, 10, 1), date(2026, 12, 31))
HORIZON = date(2027, 2, 14)
CALENDAR = calendar_for(date(2026, 10, 1), HORIZON)
AS_OF = date(2026, 10, 9)


def session(code: str, held_on: date, *people: str) -> SessionPlan:
    return SessionPlan(code, "IO", 1, held_on, time(9), "第一会议室", 40, set(people))


def plan(policy: Policy, sessions: list[SessionPlan], on_roster: set[str]):  # type: ignore[no-untyped-def]
    everyone = [
        cadre(employee_id="E1", rank=Rank.staff, post="科员"),
        cadre(employee_id="E2", rank=Rank.staff, post="科员", phone="13900000002"),
        cadre(employee_id="TL", leadership_role=LeadershipRole.top_leader, phone="13900000009"),
    ]
    return plan_quarter_messages(
        policy=policy,
        lang="zh",
        window=WINDOW,
        horizon=HORIZON,
        as_of=AS_OF,
        calendar=CALENDAR,
        everyone=everyone,
        on_roster=on_roster,
        tracks={"E1": [Track.in_office.value], "TL": [Track.top_leader.value]},
        sessions=sessions,
    )


class TestPlanQuarterMessages:
    def test_holiday_reminders_go_to_leading_cadres_only(self, policy: Policy) -> None:
        """The top leader is reminded before New Year; a clerk is not."""
        planned = plan(policy, [], {"E1", "E2", "TL"})
        assert {"TL"} == {m.recipient.employee_id for m in planned.holiday_reminders}
        assert [date(2027, 1, 1)] == [h.first_day for h in planned.holidays]

    def test_each_enrolment_gets_an_invitation_and_a_reminder_per_channel(
        self, policy: Policy
    ) -> None:
        """E1 in one session: an invitation and a day-before reminder, by text and by e-mail."""
        planned = plan(policy, [session("26Q4-IO-01", date(2026, 11, 3), "E1")], {"E1", "TL"})
        messages = {(m.kind, m.channel, m.due_on) for m in planned.session_messages}
        expected = {
            (MessageKind.invitation, channel, AS_OF) for channel in (Channel.sms, Channel.email)
        } | {
            (MessageKind.session_reminder, channel, date(2026, 11, 2))
            for channel in (Channel.sms, Channel.email)
        }
        assert expected == messages

    def test_a_leaver_enrolled_in_a_session_is_not_invited(self, policy: Policy) -> None:
        """E2 left the roster but is still in the session's list: no new message for E2."""
        planned = plan(policy, [session("26Q4-IO-01", date(2026, 11, 3), "E1", "E2")], {"E1", "TL"})
        assert {"E1"} == {m.recipient.employee_id for m in planned.session_messages}
        assert "E2" in planned.reached  # still reachable: a place taken from them is told


class TestChangedPlaces:
    def test_a_place_taken_after_the_invitation_is_told(self, policy: Policy) -> None:
        """E1 was invited by text and is no longer enrolled: one withdrawal notice, by text."""
        planned = plan(policy, [], {"E1", "TL"})
        ahead = session("26Q4-IO-01", date(2026, 11, 3))
        notices, moot = changed_places(
            sessions=[ahead],
            reached=planned.reached,
            statuses={"invitation:26Q4-IO-01:E1:sms": "sent"},
            calendar=CALENDAR,
            as_of=AS_OF,
        )
        assert [("withdrawal:26Q4-IO-01:E1:sms:1", Channel.sms, AS_OF)] == [
            (n.send_key, n.channel, n.due_on) for n in notices
        ]
        assert [] == moot

    def test_a_session_already_held_needs_no_notice(self, policy: Policy) -> None:
        """The session was held before the as-of day: nothing to tell."""
        planned = plan(policy, [], {"E1", "TL"})
        held = session("26Q4-IO-01", date(2026, 10, 8))
        notices, _ = changed_places(
            sessions=[held],
            reached=planned.reached,
            statuses={"invitation:26Q4-IO-01:E1:sms": "sent"},
            calendar=CALENDAR,
            as_of=AS_OF,
        )
        assert [] == notices


class TestRecipient:
    def test_a_shared_phone_gets_no_admonition_wording(self, policy: Policy) -> None:
        """Two cadres give one phone: the admonition wording would tell the other."""
        person = cadre(employee_id="E7", phone="13900000007")
        shared = {"13900000007": ["E7", "E8"]}
        reached = recipient(person, {"E7": [Track.admonition.value]}, policy, "zh", shared, {})
        assert reached.admonition is False
        alone = recipient(person, {"E7": [Track.admonition.value]}, policy, "zh", {}, {})
        assert alone.admonition is (Track.admonition in policy.reminders.pointed_tracks)
