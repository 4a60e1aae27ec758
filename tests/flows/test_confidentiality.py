"""Admonition names reach no one but the person and the discipline inspection body."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from core.domain import Quarter
from flows.escalation import plan_escalations
from harness.pipeline import run_cycle, run_settings, write_city
from models.db import session_for
from models.facts import load_quarter
from models.tables import Message


def test_no_log_line_or_message_to_others_names_an_admonition_cadre(
    db_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Across a cycle and a late escalation, admonition cadres are never named to others."""
    caplog.set_level(logging.DEBUG)
    run_cycle(db_url, write_city(tmp_path, units=4, per_unit=30), tmp_path / "cards")
    plan_escalations.fn(run=run_settings(db_url), on=date(2027, 1, 31))
    with session_for(db_url) as session:
        data = load_quarter(session=session, quarter=Quarter(2026, 4))
        messages = session.exec(select(Message)).all()
    assert data is not None
    admonished = {
        c.employee_id: c.name
        for c in data.cadres
        if "admonition" in data.tracks.get(c.employee_id, {})
    }
    assert admonished
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert not [name for name in admonished.values() if name in logged]
    confidential_sessions = {s.code for s in data.sessions if s.programme_code == "AD"}
    for message in messages:
        to_self = message.employee_id in admonished
        if any(code in message.send_key for code in confidential_sessions):
            assert to_self, "an admonition session's messages go to its participants only"
        if message.kind == "escalation" and ":L1:" not in message.send_key:
            assert "警示教育" not in message.body
