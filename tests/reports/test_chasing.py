"""The ladder's steps as outbox and log rows, without a database."""

from __future__ import annotations

from datetime import date

from core.domain import MessageStatus, Quarter, Track
from harness.factories import cadre, quarter_data
from models.placements import ProgrammeInfo
from policy.config import Policy
from policy.escalation import Overdue, Step
from policy.reminders import Recipient
from reports.chasing import chasing

ON = date(2026, 12, 8)


def overdue(who: str, programme: str, *, confidential: bool = False) -> Overdue:
    return Overdue(who, f"干部{who}", "U1", "科员", programme, date(2026, 11, 2), confidential)


def chase(policy: Policy, steps: list[Step], phones: dict[str, str]):  # type: ignore[no-untyped-def]
    data = quarter_data(
        cadres=[cadre(employee_id=who, phone=phone, email=None) for who, phone in phones.items()],
        programmes=[
            ProgrammeInfo(code, track, code, code, 1, None, code == "AD")
            for code, track in (
                ("IO", Track.in_office),
                ("KA", Track.key_area),
                ("AD", Track.admonition),
            )
        ],
    )
    return chasing(
        steps,
        data=data,
        policy=policy,
        quarter=Quarter(2026, 4),
        on=ON,
        lang="zh",
        organisation="示范市",
        signature="【示范市】",
    )


class TestChasing:
    def test_a_reminder_is_queued_and_logged_per_item(self, policy: Policy) -> None:
        """One step about two programmes: its messages queued, one log row per programme."""
        step = Step(
            1,
            Recipient("E1", "干部E1", "13900000001", None),
            (
                overdue("E1", "IO"),
                overdue("E1", "KA"),
            ),
        )
        chased = chase(policy, [step], {"E1": "13900000001"})
        assert {MessageStatus.queued} == {row["status"] for row in chased.messages}
        assert [("E1", "IO", 1), ("E1", "KA", 1)] == [
            (row["employee_id"], row["programme_code"], row["level"]) for row in chased.logged
        ]
        assert {chased.messages[0]["send_key"]} == {row["send_key"] for row in chased.logged}
        assert 1 == chased.counts["reminders"]

    def test_admonition_to_a_shared_phone_is_held(self, policy: Policy) -> None:
        """E7 shares a phone with E8: the admonition reminder is held, never sent."""
        step = Step(
            1,
            Recipient("E7", "干部E7", "13900000007", None),
            (overdue("E7", "AD", confidential=True),),
        )
        chased = chase(policy, [step], {"E7": "13900000007", "E8": "13900000007"})
        assert chased.messages
        assert {MessageStatus.held} == {row["status"] for row in chased.messages}
        assert all(row["last_error"] for row in chased.messages)

    def test_a_digest_counts_apart_from_reminders(self, policy: Policy) -> None:
        """Level 2 goes to the team member in charge: a digest."""
        step = Step(2, Recipient("TM", "分管领导", "13900000005", None), (overdue("E1", "IO"),))
        chased = chase(policy, [step], {"TM": "13900000005", "E1": "13900000001"})
        assert (0, 1) == (chased.counts["reminders"], chased.counts["digests"])
