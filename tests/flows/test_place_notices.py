"""Invitations carry a calendar entry; a place taken away or given back is told, once each."""

from __future__ import annotations

import email
from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from flows.dispatch import send_due
from harness.factories import roster_with, rows_of
from harness.pipeline import SEND_ON, run_cycle, run_settings, write_city
from models.db import session_for
from models.tables import EducationSession, Message
from policy.notices import place_notices, places_after
from reports.invites import place_uid


class TestDecisions:
    def test_withdrawn_after_an_invitation_went_out_is_told(self) -> None:
        """Sent invitation, no longer enrolled: one withdrawal notice; queued ones say nothing."""
        statuses = {
            "invitation:S1:E1:email": "sent",
            "invitation:S1:E2:email": "cancelled",
        }
        notices, moot = place_notices(enrolled=[], ahead={"S1"}, statuses=statuses)
        assert ["withdrawal:S1:E1:email:1"] == [n.send_key for n in notices]
        assert [] == moot

    def test_given_back_after_a_withdrawal_went_out_is_invited_again(self) -> None:
        """A sent withdrawal, enrolled again: an invitation again; a queued one is taken back."""
        sent = {"invitation:S1:E1:email": "sent", "withdrawal:S1:E1:email:1": "sent"}
        notices, _ = place_notices(enrolled=[("S1", "E1")], ahead={"S1"}, statuses=sent)
        assert ["invitation:S1:E1:email:again1"] == [n.send_key for n in notices]
        queued = sent | {"withdrawal:S1:E1:email:1": "queued"}
        notices, moot = place_notices(enrolled=[("S1", "E1")], ahead={"S1"}, statuses=queued)
        assert ([], ["withdrawal:S1:E1:email:1"]) == (notices, moot)

    def test_places_after_a_run_are_worked_out_from_what_it_did(self) -> None:
        """The outbox's places after planning: what it held, with the cancelled ones queued
        again; reminders and holiday messages are no places."""
        known = {
            "invitation:S1:E1:email": "sent",
            "invitation:S1:E2:email": "cancelled",
            "invitation:S1:E3:email": "cancelled",
            "withdrawal:S1:E1:email:1": "queued",
            "session_reminder:S1:E1:email": "queued",
            "holiday_reminder:2027-01-01:new_year:E1:email": "cancelled",
        }
        requeued = ["invitation:S1:E2:email", "holiday_reminder:2027-01-01:new_year:E1:email"]
        assert {
            "invitation:S1:E1:email": "sent",
            "invitation:S1:E2:email": "queued",
            "invitation:S1:E3:email": "cancelled",
            "withdrawal:S1:E1:email:1": "queued",
        } == places_after(known, requeued)

    def test_sessions_past_are_left_alone(self) -> None:
        """Nothing is said about a session already held."""
        statuses = {"invitation:S1:E1:email": "sent"}
        assert ([], []) == place_notices(enrolled=[], ahead=set(), statuses=statuses)


def outbox(db_url: str, who: str) -> dict[str, Message]:
    with session_for(db_url) as session:
        return {
            m.send_key: m for m in session.exec(select(Message).where(Message.employee_id == who))
        }


def calendar_sent(folder: Path, send_key: str) -> str:
    """The text/calendar part of the e-mail sent under this key, from the file outbox."""
    eml = folder / "data" / "outbox" / "email" / (send_key.replace(":", "_") + ".eml")
    parts = email.message_from_bytes(eml.read_bytes()).walk()
    entry = next(p for p in parts if p.get_content_type() == "text/calendar")
    return str(entry.get_payload(decode=True).decode())


def test_a_then_b_then_a_tells_the_person_each_time(db_url: str, tmp_path: Path) -> None:
    """Invited (with a calendar entry), withdrawn (a CANCEL with the same UID, and a text),
    given the place back (an invitation again, a new revision): each message once. The
    person's session is further ahead than the policy's notice: the place can be given back."""
    city = write_city(tmp_path)
    run_cycle(db_url, city, tmp_path / "cards")
    send_due.fn(run=run_settings(db_url), kind="email", on=SEND_ON)
    send_due.fn(run=run_settings(db_url), kind="sms", on=SEND_ON)
    with session_for(db_url) as session:
        later = {
            s.code
            for s in session.exec(select(EducationSession)).all()
            if s.held_on >= SEND_ON + timedelta(days=12) and "-AD-" not in s.code
        }
        key = min(
            m.send_key
            for m in session.exec(select(Message).where(Message.kind == "invitation"))
            if m.channel == "email" and m.send_key.split(":")[1] in later
        )
    code, who = key.split(":")[1:3]
    uid = place_uid(code, who)
    first = calendar_sent(tmp_path, key)
    assert f"UID:{uid}" in first and "METHOD:REQUEST" in first and "SEQUENCE:0" in first

    b = roster_with(tmp_path, "b.csv", [r for r in rows_of(city) if r[0] != who])
    run_cycle(db_url, b, tmp_path / "cards", as_of=SEND_ON)
    run_cycle(db_url, b, tmp_path / "cards", as_of=SEND_ON)  # again: nothing new
    notices = {k: m for k, m in outbox(db_url, who).items() if k.startswith("withdrawal:")}
    cancel_key = f"withdrawal:{code}:{who}:email:1"
    assert {cancel_key, f"withdrawal:{code}:{who}:sms:1"} <= set(notices)
    assert all(k.endswith(":1") for k in notices), "each place told once"
    assert "已取消" in notices[f"withdrawal:{code}:{who}:sms:1"].body
    send_due.fn(run=run_settings(db_url), kind="email", on=SEND_ON)
    cancel = calendar_sent(tmp_path, cancel_key)
    assert "METHOD:CANCEL" in cancel and f"UID:{uid}" in cancel and "SEQUENCE:1" in cancel

    run_cycle(db_url, city, tmp_path / "cards", as_of=SEND_ON)
    again_key = f"invitation:{code}:{who}:email:again1"
    assert again_key in outbox(db_url, who)
    sent = send_due.fn(run=run_settings(db_url), kind="email", on=SEND_ON)
    assert sent["failed"] == 0
    again = calendar_sent(tmp_path, again_key)
    assert f"UID:{uid}" in again and "SEQUENCE:2" in again and "METHOD:REQUEST" in again
