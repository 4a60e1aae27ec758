"""The ladder on a city's quarter collected on several dates, checked against the exports."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from flows.collect import import_completions, offer_makeups
from flows.escalation import plan_escalations
from flows.messages import plan_messages
from lianjie.exports import Export, build_rows
from lianjie.synthetic import COMPLETION_HEADER, completion_rows, write_csv
from models.db import session_for
from models.facts import load_quarter
from models.tables import EscalationLog, Message
from policy.config import Policy
from reports.wording import day_text
from tests.pipeline import run_cycle, run_settings, write_city


@pytest.mark.slow
def test_every_chased_person_is_chased_from_their_own_session(
    db_url: str, tmp_path: Path, policy: Policy
) -> None:
    """240 cadres; sheets collected on 11-10, 11-25 and 12-15: every reminder names the day of
    the person's own last session (per the enrolments and sessions exports) and comes at least
    the grace period after it."""
    run_cycle(db_url, write_city(tmp_path, units=8, per_unit=30), tmp_path / "cards")
    since = date(2026, 10, 1)
    checked = 0
    for until in (date(2026, 11, 10), date(2026, 11, 25), date(2026, 12, 15)):
        with session_for(db_url) as session:
            data = load_quarter(session=session, quarter="2026Q4")
        assert data is not None
        held = {s.code: s for s in data.sessions}
        enrolled = sorted(
            (code, who, held[code].programme_code, held[code].held_on)
            for code, who, status in data.enrolments
            if status == "enrolled"
        )
        sheet = write_csv(
            tmp_path / f"sheet-{until}.csv",
            COMPLETION_HEADER,
            completion_rows(enrolled, until, since=since),
        )
        import_completions.fn(run=run_settings(db_url), quarter="2026Q4", file=str(sheet))
        offer_makeups.fn(run=run_settings(db_url), quarter="2026Q4", as_of=until)
        plan_messages.fn(run=run_settings(db_url, data_dir=tmp_path), quarter="2026Q4", as_of=until)
        on = until + timedelta(days=1)
        plan_escalations.fn(run=run_settings(db_url), on=on)
        since = until

        with session_for(db_url) as session:
            data = load_quarter(session=session, quarter="2026Q4")
            logged = session.exec(
                select(EscalationLog).where(EscalationLog.on == on, EscalationLog.level == 1)
            ).all()
            bodies = {
                m.employee_id: m.body
                for m in session.exec(
                    select(Message).where(Message.kind == "escalation", Message.channel == "email")
                )
                if f":L1:{on.isoformat()}:" in m.send_key
            }
        assert data is not None
        day_of = {
            row["session_code"]: row["date"]
            for row in build_rows(Export.sessions, data, [], confidential=True, as_of=data.as_of)
        }
        due: dict[tuple[str, str], date] = {}
        for row in build_rows(Export.enrolments, data, [], confidential=True, as_of=data.as_of):
            if row["status"] == "enrolled":
                key = (row["employee_id"], row["programme"])
                due[key] = max(day_of[row["session_code"]], due.get(key, date.min))
        for entry in logged:
            expected = due[(entry.employee_id, policy.seating(entry.programme_code))]
            assert expected + timedelta(days=policy.escalation.cadre_after_days) <= on
            assert day_text(expected, "zh") in bodies[entry.employee_id]
            checked += 1
    assert checked > 10, "the ladder should have chased people"


def test_leaders_items_go_up_to_the_organisation_department(
    db_url: str, tmp_path: Path, policy: Policy
) -> None:
    """Issue 36: nobody attends; a month after the quarter's sessions every digest about a top
    leader goes to LIANJIE_ORGANISATION_EMAIL, and every digest's addressee ranks above each
    person it names (never a deputy about his top leader, never a peer)."""
    from core.domain import LeadershipRole

    run_cycle(db_url, write_city(tmp_path, units=4, per_unit=12), tmp_path / "cards")
    run = run_settings(db_url, organisation_email="zzb@example.cn")
    plan_escalations.fn(run=run, on=date(2027, 1, 20))
    with session_for(db_url) as session:
        data = load_quarter(session=session, quarter="2026Q4")
        digests = session.exec(select(Message).where(Message.kind == "escalation")).all()
        logged = session.exec(select(EscalationLog).where(EscalationLog.level > 1)).all()
    assert data is not None
    rank = {LeadershipRole.team_member: 1, LeadershipRole.top_leader: 2}
    rank_of = {c.employee_id: rank.get(c.leadership_role, 0) for c in data.cadres}  # type: ignore[arg-type]
    rank_of["organisation-department"] = 3
    to = {m.send_key: m.employee_id for m in digests}
    top_leaders = {
        c.employee_id for c in data.cadres if c.leadership_role is LeadershipRole.top_leader
    }
    assert top_leaders, "the city has top leaders"
    about_top_leaders = [e for e in logged if e.employee_id in top_leaders]
    assert about_top_leaders, "top leaders were overdue and chased upward"
    assert {"organisation-department"} == {to[e.send_key] for e in about_top_leaders}
    for entry in logged:
        assert rank_of[to[entry.send_key]] > rank_of[entry.employee_id], entry
    assert "zzb@example.cn" in {m.recipient for m in digests}
