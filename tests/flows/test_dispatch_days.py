"""Working days only, and one bad message failing alone."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import update
from sqlmodel import select

from flows.dispatch import send_due
from harness.pdfs import text_of
from harness.pipeline import SEND_ON, run_cycle, run_settings, write_city
from models.db import session_for
from models.tables import Message
from policy.calendar import calendar_for


def outbox(db_url: str) -> list[Message]:
    with session_for(db_url) as session:
        return list(session.exec(select(Message)))


class TestWorkingDays:
    def test_a_cycle_run_on_national_day_dates_nothing_on_a_day_off(
        self, db_url: str, tmp_path: Path
    ) -> None:
        """Run on 10-01: invitations are dated 10-08, every message on a working day."""
        run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
        calendar = calendar_for(date(2026, 10, 1), date(2027, 1, 31))
        messages = outbox(db_url)
        assert {SEND_ON} == {m.due_on for m in messages if m.kind == "invitation"}
        assert [] == [m.send_key for m in messages if not calendar.is_working_day(m.due_on)]

    def test_on_a_day_off_only_what_cannot_wait_goes(self, db_url: str, tmp_path: Path) -> None:
        """Saturday 10-10 is a make-up working day; Sunday 10-11 is not: only messages whose
        occasion comes before Monday go on the Sunday."""
        run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
        sunday = date(2026, 10, 11)
        with session_for(db_url) as session:
            session.execute(update(Message).values(due_on=sunday))
            urgent = session.exec(select(Message).where(Message.channel == "email")).first()
            assert urgent is not None
            session.execute(
                update(Message).where(Message.id == urgent.id).values(expires_on=sunday)
            )
        sent = send_due.fn(
            run=run_settings(db_url), kind="email", on=sunday, occasion_before=date(2026, 10, 12)
        )
        assert 1 == sent["sent"]


class TestOneBadMessage:
    def test_a_missing_card_is_rendered_again_and_a_broken_message_fails_alone(
        self, db_url: str, tmp_path: Path
    ) -> None:
        """The cards folder is gone and one e-mail points at a file that is not there: the
        cards come back, that one e-mail is failed with its reason, all others go, none is
        left sending, and the text messages go too."""
        run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
        with session_for(db_url) as session:
            session.execute(update(Message).values(due_on=SEND_ON))
            broken = session.exec(
                select(Message).where(Message.kind == "invitation", Message.channel == "email")
            ).first()
            assert broken is not None
            session.execute(
                update(Message).where(Message.id == broken.id).values(attachment="nowhere/lost.pdf")
            )
        email = send_due.fn(run=run_settings(db_url), kind="email", on=SEND_ON)
        sms = send_due.fn(run=run_settings(db_url), kind="sms", on=SEND_ON)
        states = {m.send_key: m for m in outbox(db_url)}
        assert 1 == email["failed"] and email["sent"] > 0 and sms["sent"] > 0
        assert "could not be composed: FileNotFoundError" in (
            states[broken.send_key].last_error or ""
        )
        assert "retrying" == states[broken.send_key].status
        assert [] == [k for k, m in states.items() if m.status == "sending"]
        cards = list((tmp_path / "data" / "cards").glob("*.pdf"))
        assert cards, "the greeting card was rendered again under the data folder"
        # dated as when first rendered: the day its reminders go (New Year's: 29 December)
        assert "2026年12月29日" in text_of(cards[0])


class TestPreview:
    def test_a_dry_run_counts_per_kind_and_channel_and_shows_messages(
        self, db_url: str, tmp_path: Path
    ) -> None:
        """Counts in words and the first messages as they would go; nothing sent; the
        confidential programme counted but never shown."""
        from flows.dispatch import DispatchSummary, preview_due
        from lianjie.cli.summaries import dispatch_lines

        run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
        would, shown = preview_due.fn(
            run=run_settings(db_url), on=SEND_ON, occasion_before=None, show=200
        )
        assert would["invitation"]["email"] > 0 and would["invitation"]["sms"] > 0
        assert shown and not [p for p in shown if "-AD-" in p.subject]
        lines = dispatch_lines(
            DispatchSummary(
                date=SEND_ON,
                sent=0,
                failed=0,
                skipped=0,
                expired=0,
                by_channel={},
                dry_run=True,
                would_send=would,
                preview=shown[:2],
            )
        )
        assert lines[0].startswith("Dry run for 2026-10-08: nothing was sent")
        assert any("invitations by text message" in line for line in lines)
        assert {"queued"} == {m.status for m in outbox(db_url) if m.due_on <= SEND_ON}
