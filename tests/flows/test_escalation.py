"""The escalation ladder on a fake clock: cadre, then team member, then top leader, each once."""

from __future__ import annotations

from datetime import date, timedelta

from core.domain import LeadershipRole, Quarter
from harness.pipeline import run_settings
from policy.config import Policy
from policy.escalation import (
    CADRE,
    ORGANISATION_DEPARTMENT,
    TEAM_MEMBER,
    TOP_LEADER,
    Chain,
    Overdue,
    ladder,
)
from policy.reminders import Recipient

DUE = date(2026, 11, 2)


def person(employee_id: str) -> Recipient:
    return Recipient(employee_id, f"干部{employee_id}", "13800138000", f"{employee_id}@example.cn")


CHAIN = Chain(
    people={e: person(e) for e in ("E1", "E2", "E3", "TM1", "TL1")},
    in_charge={"U1": ["TM1"]},
    top_leaders={"U1": ["TL1"]},
)
LATE = [
    Overdue("E1", "干部E1", "U1", "科长", "IO", DUE, confidential=False),
    Overdue("E2", "干部E2", "U1", "科长", "KA", DUE, confidential=False),
    Overdue("E2", "干部E2", "U1", "科长", "IO", DUE, confidential=False),
    Overdue("E3", "干部E3", "U1", "科员", "AD", DUE, confidential=True),
]


def steps_on(days_late: int, policy: Policy, already: set[tuple[str, str, int]] | None = None):  # type: ignore[no-untyped-def]
    return ladder(
        LATE,
        on=DUE + timedelta(days=days_late),
        rules=policy.escalation,
        chain=CHAIN,
        already=already or set(),
    )


class TestLadder:
    def test_nothing_before_the_first_grace_period(self, policy: Policy) -> None:
        """Two days late: nobody is chased yet."""
        assert [] == steps_on(2, policy)

    def test_the_cadre_first_one_message_each(self, policy: Policy) -> None:
        """Three days late: each cadre gets one reminder covering all their programmes."""
        steps = steps_on(3, policy)
        assert {CADRE} == {s.level for s in steps}
        assert {"E1": 1, "E2": 2, "E3": 1} == {s.recipient.employee_id: len(s.items) for s in steps}

    def test_one_digest_to_the_team_member_in_charge(self, policy: Policy) -> None:
        """Ten days late, cadres already reminded: one digest, confidential ones left out."""
        already = {(i.employee_id, i.programme_code, CADRE) for i in LATE}
        [digest] = steps_on(10, policy, already)
        assert (TEAM_MEMBER, "TM1") == (digest.level, digest.recipient.employee_id)
        assert {"E1", "E2"} == {i.employee_id for i in digest.items}

    def test_then_the_top_leader(self, policy: Policy) -> None:
        """Twenty days late: the unit's top leader gets one digest."""
        already = {
            (i.employee_id, i.programme_code, level) for i in LATE for level in (CADRE, TEAM_MEMBER)
        }
        [digest] = steps_on(20, policy, already)
        assert (TOP_LEADER, "TL1", 3) == (
            digest.level,
            digest.recipient.employee_id,
            len(digest.items),
        )

    def test_a_late_dispatch_climbs_every_rung_due(self, policy: Policy) -> None:
        """After downtime, every level whose time has come is sent at once, once."""
        steps = steps_on(25, policy)
        assert {CADRE, TEAM_MEMBER, TOP_LEADER} == {s.level for s in steps}
        assert all("E3" not in {i.employee_id for i in s.items} for s in steps if s.level > 1)
        sent = {(i.employee_id, i.programme_code, s.level) for s in steps for i in s.items}
        assert [] == steps_on(26, policy, sent)


class TestDispatchLadder:
    def test_queued_once_per_recipient_and_day(self, db_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
        """Planning the ladder twice on a day queues nothing the second time."""
        from sqlmodel import select

        from flows.escalation import plan_escalations
        from harness.pipeline import everyone_absent, run_cycle, write_city
        from models.db import session_for
        from models.tables import Message

        run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
        # Sessions of 10-13 to 10-21, their sheets back on 10-22 with everyone absent: make-ups
        # from 10-29 on. On 11-02, seven working days after the sheets came back, the team
        # members hear of those whose make-up is still ahead, and the cadres with them.
        everyone_absent(db_url, tmp_path, held_by=date(2026, 10, 21), on=date(2026, 10, 22))
        late = date(2026, 11, 2)
        first = plan_escalations.fn(run=run_settings(db_url), on=late)
        again = plan_escalations.fn(run=run_settings(db_url), on=late)
        assert first["reminders"] > 0 and first["digests"] > 0
        assert {"reminders": 0, "digests": 0, "messages": 0} == again
        with session_for(db_url) as session:
            digests = session.exec(select(Message).where(Message.kind == "escalation")).all()
        keys = [m.send_key for m in digests]
        assert len(keys) == len(set(keys))
        assert all("警示教育" not in m.body for m in digests if ":L1:" not in m.send_key)


class TestUpwardMeansUpward:
    """Issue 36: a top leader's overdue item was sent to his own deputies "to supervise"."""

    ABOVE = Recipient(ORGANISATION_DEPARTMENT, "组织部", None, "zzb@example.cn")
    LEADERS = Chain(
        people={e: person(e) for e in ("E1", "TM1", "TM2", "TL1")}
        | {ORGANISATION_DEPARTMENT: ABOVE},
        in_charge={"U1": ["TM1", "TM2"]},
        top_leaders={"U1": ["TL1"]},
        roles={
            "TM1": LeadershipRole.team_member,
            "TM2": LeadershipRole.team_member,
            "TL1": LeadershipRole.top_leader,
        },
        above=ORGANISATION_DEPARTMENT,
    )

    def addressees(self, who: str, policy: Policy, days_late: int = 30) -> dict[int, set[str]]:
        item = Overdue(who, f"干部{who}", "U1", "局长", "TL", DUE, confidential=False)
        steps = ladder(
            [item],
            on=DUE + timedelta(days=days_late),
            rules=policy.escalation,
            chain=self.LEADERS,
            already=set(),
        )
        found: dict[int, set[str]] = {}
        for step in steps:
            found.setdefault(step.level, set()).add(step.recipient.employee_id)
        return found

    def test_a_top_leaders_item_goes_to_the_level_above_never_his_deputies(
        self, policy: Policy
    ) -> None:
        assert {CADRE: {"TL1"}, TEAM_MEMBER: {ORGANISATION_DEPARTMENT}} == self.addressees(
            "TL1", policy
        )

    def test_a_team_members_item_goes_to_the_top_leader_then_above(self, policy: Policy) -> None:
        assert {
            CADRE: {"TM1"},
            TEAM_MEMBER: {"TL1"},
            TOP_LEADER: {ORGANISATION_DEPARTMENT},
        } == self.addressees("TM1", policy)

    def test_a_cadres_item_climbs_the_units_chain(self, policy: Policy) -> None:
        assert {CADRE: {"E1"}, TEAM_MEMBER: {"TM1", "TM2"}, TOP_LEADER: {"TL1"}} == (
            self.addressees("E1", policy)
        )

    def test_without_an_address_above_a_top_leader_is_chased_by_nobody_below(
        self, policy: Policy
    ) -> None:
        chain = Chain(
            people={e: person(e) for e in ("TM1", "TL1")},
            in_charge={"U1": ["TM1"]},
            top_leaders={"U1": ["TL1"]},
            roles={"TM1": LeadershipRole.team_member, "TL1": LeadershipRole.top_leader},
        )
        item = Overdue("TL1", "干部TL1", "U1", "局长", "TL", DUE, confidential=False)
        steps = ladder(
            [item], on=DUE + timedelta(days=30), rules=policy.escalation, chain=chain, already=set()
        )
        assert [(CADRE, "TL1")] == [(s.level, s.recipient.employee_id) for s in steps]


def test_a_chaser_about_the_admonition_programme_alone_is_hidden_from_plain_readers(
    policy: Policy,
) -> None:
    """Issue 37: an ordinary record read 无 in every programme section, yet listed 督办提醒 by
    e-mail and SMS, pointing at the hidden track. The confidential items now go in a message
    of their own whose key names the programme, and plain readers leave it out."""
    from harness.factories import quarter_data
    from models.tables import Message
    from policy.confidentiality import visible_messages
    from reports.chasing import escalation_rows
    from reports.messages import SmsStyle

    steps = steps_on(3, policy)
    [secret] = [s for s in steps if any(i.confidential for i in s.items)]
    assert all(i.confidential for i in secret.items), "kept apart from the ordinary items"
    rows = escalation_rows(
        secret,
        on=DUE + timedelta(days=3),
        quarter=Quarter(2026, 4),
        lang="zh",
        organisation="示范市",
        channels=policy.reminders.channels,
        programmes={"AD": "警示教育", "IO": "在职", "KA": "关键岗位"},
        units={"U1": "一局"},
        sms=SmsStyle("【示范市】", 300),
    )
    assert rows and all(":AD:" in r["send_key"] for r in rows)
    from core.domain import Track
    from models.placements import ProgrammeInfo

    data = quarter_data(
        programmes=[ProgrammeInfo("AD", Track.admonition, "警示教育", "Warning", 1, None, True)]
    )
    outbox = [Message(**{k: v for k, v in r.items() if k in Message.model_fields}) for r in rows]
    assert [] == visible_messages(outbox, data)


class TestNobodyChasedIntoTheVoid:
    """Found by the drawn quarters (issue 36, rule 5): a chaser to someone no channel reaches
    made no message, yet the ladder logged them as chased (`…:none`), so nobody ever told them.
    Their chaser now goes to the organiser to pass on, as their invitations do; a confidential
    programme's chaser is held, never passed through an organiser."""

    def steps(self, confidential: bool, policy: Policy):  # type: ignore[no-untyped-def]
        from dataclasses import replace

        from harness.standings import city
        from policy.escalation import responsibility_chain

        data = city()
        data = replace(
            data,
            cadres=[
                c._replace(phone=None, email=None) if c.employee_id == "E1" else c
                for c in data.cadres
            ],
        )
        item = Overdue("E1", "王一", "U01", "科长", "IO", DUE, confidential=confidential)
        chain = responsibility_chain(data, relay_to="peixun@example.cn")
        return data, ladder(
            [item], on=DUE + timedelta(days=5), rules=policy.escalation, chain=chain, already=set()
        )

    def chased(self, confidential: bool, policy: Policy):  # type: ignore[no-untyped-def]
        from reports.chasing import chasing

        data, steps = self.steps(confidential, policy)
        return chasing(
            steps,
            data=data,
            policy=policy,
            quarter=Quarter(2026, 4),
            on=DUE + timedelta(days=5),
            lang="zh",
            organisation="示范市",
            signature="示范市纪委",
        )

    def test_the_organiser_is_asked_to_pass_it_on(self, policy: Policy) -> None:
        out = self.chased(False, policy)
        [row] = out.messages
        assert "peixun@example.cn" == row["recipient"] and "queued" == row["status"]
        assert row["subject"].startswith("【请转告】") and "王一（E1）" in row["body"]
        assert [row["send_key"]] == [e["send_key"] for e in out.logged]

    def test_a_confidential_chaser_is_held(self, policy: Policy) -> None:
        [row] = self.chased(True, policy).messages
        assert "held" == row["status"] and "警示" not in row["subject"]
