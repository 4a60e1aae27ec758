"""A dispatch killed with SIGKILL and run again: every message delivered, none twice but the one
in flight, which carries the same Message-ID."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from flows import dispatch, sending
from harness.pipeline import SEND_ON, run_cycle, run_settings, write_city
from harness.servers import smtp_server
from models.db import session_for, utcnow
from models.tables import Message

DISPATCH = (
    "import sys; from datetime import date; from flows.dispatch import send_due; "
    "from harness.pipeline import run_settings; "
    "send_due.fn(run=run_settings(sys.argv[1]), kind='email', on=date.fromisoformat(sys.argv[2]))"
)


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [1, 20, 45])
def test_killed_dispatch_delivers_everything_once(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kill_after: int
) -> None:
    """Kill the sender after N e-mails; the rerun completes the rest and duplicates at most one."""
    run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
    with session_for(db_url) as session:
        due = len(
            session.exec(
                select(Message).where(Message.channel == "email", Message.due_on <= SEND_ON)
            ).all()
        )
    assert due > kill_after + 10
    with smtp_server(delay=0.01) as (url, inbox):
        env = os.environ | {"LIANJIE_SMTP_URL": url}
        sender = subprocess.Popen(
            [sys.executable, "-c", DISPATCH, db_url, SEND_ON.isoformat()], env=env
        )
        deadline = time.monotonic() + 120
        while len(inbox) < kill_after and time.monotonic() < deadline:
            time.sleep(0.002)
        os.kill(sender.pid, signal.SIGKILL)
        sender.wait()
        delivered_before = len(inbox)
        assert kill_after <= delivered_before < due

        # The message in flight stays claimed until the claim times out; a later run takes it.
        monkeypatch.setenv("LIANJIE_SMTP_URL", url)
        later = utcnow() + timedelta(minutes=20)
        monkeypatch.setattr(dispatch, "utcnow", lambda: later)  # which messages are due
        monkeypatch.setattr(sending, "utcnow", lambda: later)  # the stale claim taken again
        dispatch.send_due.fn(run=run_settings(db_url), kind="email", on=SEND_ON)
        ids = Counter(message["Message-ID"] for message in inbox)

    with session_for(db_url) as session:
        statuses = Counter(
            m.status
            for m in session.exec(
                select(Message).where(Message.channel == "email", Message.due_on <= SEND_ON)
            )
        )
    assert {"sent": due} == dict(statuses)
    assert due == len(ids), "every due message reached the server"
    duplicated = [key for key, count in ids.items() if count > 1]
    assert len(duplicated) <= 1
    assert all(count <= 2 for count in ids.values())


@pytest.mark.slow
def test_a_stopped_dispatch_finishes_the_message_in_flight_then_stops(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 39, item 6: SIGTERM (a worker stopping, systemd, docker stop) came in while the
    server was taking a message; the process died before marking it, and the message, already
    delivered, waited for its claim to time out to go a second time. Now the message in flight
    is finished and marked first: nothing is left claimed, and the rerun sends only the rest."""
    run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
    with smtp_server(delay=1.0) as (url, inbox):
        env = os.environ | {"LIANJIE_SMTP_URL": url}
        sender = subprocess.Popen(
            [sys.executable, "-c", DISPATCH, db_url, SEND_ON.isoformat()], env=env
        )
        deadline = time.monotonic() + 120
        while len(inbox) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.3)  # the third message is now with the server, which answers after 1 s
        sender.send_signal(signal.SIGTERM)
        sender.wait(timeout=30)
        delivered = [message["Message-ID"] for message in inbox]
    with session_for(db_url) as session:
        statuses = Counter(m.status for m in session.exec(select(Message)))
    assert 0 == statuses["sending"], statuses
    assert len(delivered) == statuses["sent"], "every delivered message is marked sent"
    assert statuses["queued"] > 0, "it stopped instead of sending everything"

    with smtp_server() as (url, inbox):  # the rest, at full speed
        monkeypatch.setenv("LIANJIE_SMTP_URL", url)
        dispatch.send_due.fn(run=run_settings(db_url), kind="email", on=SEND_ON)
        delivered += [message["Message-ID"] for message in inbox]
    assert [] == [key for key, count in Counter(delivered).items() if count > 1]


@pytest.mark.slow
def test_two_dispatches_at_once_send_each_message_once(db_url: str, tmp_path: Path) -> None:
    """Two dispatch processes started together share the work; no message goes twice."""
    run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
    with session_for(db_url) as session:
        due = len(
            session.exec(
                select(Message).where(Message.channel == "email", Message.due_on <= SEND_ON)
            ).all()
        )
    with smtp_server(delay=0.005) as (url, inbox):
        env = os.environ | {"LIANJIE_SMTP_URL": url}
        senders = [
            subprocess.Popen([sys.executable, "-c", DISPATCH, db_url, SEND_ON.isoformat()], env=env)
            for _ in range(2)
        ]
        assert [0, 0] == [sender.wait(timeout=300) for sender in senders]
        ids = Counter(message["Message-ID"] for message in inbox)
    assert due == len(ids)
    assert [] == [key for key, count in ids.items() if count > 1]


def test_smtp_rejection_keeps_the_message_for_later(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server answering 5xx to every message: nothing is marked sent, errors are kept."""
    from harness.servers import smtp_server as server

    run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
    with server(reply="554 5.7.1 rejected") as (url, inbox):
        monkeypatch.setenv("LIANJIE_SMTP_URL", url)
        result = dispatch.send_due.fn(run=run_settings(db_url), kind="email", on=SEND_ON)
    assert 0 == result["sent"] and result["failed"] > 0
    with session_for(db_url) as session:
        kept = session.exec(
            select(Message).where(Message.channel == "email", Message.due_on <= SEND_ON)
        ).all()
    assert {"retrying"} == {m.status for m in kept}
    assert all("554" in (m.last_error or "") for m in kept)
    assert [] == inbox
