"""The ladder on a city's quarter collected on several dates, checked against the exports."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from core.domain import Quarter
from flows.collect import import_completions
from flows.escalation import plan_escalations
from flows.makeups import offer_makeups
from harness.pipeline import everyone_absent, run_cycle, run_settings, write_city
from lianjie.exports import Export, build_rows
from lianjie.synthetic import COMPLETION_HEADER, completion_rows, write_csv
from models.db import session_for
from models.facts import load_quarter
from models.tables import EscalationLog, Message
from policy.calendar import calendar_for
from policy.config import Policy
from reports.wording import day_text


@pytest.mark.slow
def test_every_chased_person_is_chased_from_their_own_session(
    db_url: str, tmp_path: Path, policy: Policy
) -> None:
    """240 cadres; sheets collected on 11-10, 11-25 and 12-15 (a few people left off each),
    the ladder planned every day: every reminder comes at least the grace in working days
    after the person's missed session and not before its sheet was back, and names a
    make-up the person is booked on that is still ahead (per the sessions export)."""
    run_cycle(db_url, write_city(tmp_path, units=8, per_unit=30), tmp_path / "cards")
    calendar = calendar_for(date(2026, 10, 1), date(2026, 12, 31))
    since, checked = date(2026, 10, 1), 0
    collections = (date(2026, 11, 10), date(2026, 11, 25), date(2026, 12, 15))
    for until, next_until in zip(collections, (*collections[1:], date(2026, 12, 31)), strict=True):
        with session_for(db_url) as session:
            data = load_quarter(session=session, quarter=Quarter(2026, 4))
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
        import_completions.fn(
            run=run_settings(db_url), quarter=Quarter(2026, 4), file=str(sheet), on=until
        )
        since = until
        on = until
        while on < next_until:
            on += timedelta(days=1)
            if not calendar.is_working_day(on):
                continue
            offer_makeups.fn(run=run_settings(db_url), quarter=Quarter(2026, 4), as_of=on)
            plan_escalations.fn(run=run_settings(db_url), on=on)
            with session_for(db_url) as session:
                data = load_quarter(session=session, quarter=Quarter(2026, 4))
                logged = session.exec(
                    select(EscalationLog).where(EscalationLog.on == on, EscalationLog.level == 1)
                ).all()
                bodies = {
                    m.employee_id: m.body
                    for m in session.exec(
                        select(Message).where(
                            Message.kind == "escalation", Message.channel == "email"
                        )
                    )
                    if f":L1:{on.isoformat()}:" in m.send_key
                }
            assert data is not None
            sessions = {
                row["session_code"]: row
                for row in build_rows(Export.sessions, data, [], confidential=True, as_of=on)
            }
            booked = {
                (row["employee_id"], row["session_code"])
                for row in build_rows(Export.enrolments, data, [], confidential=True, as_of=on)
                if row["status"] == "enrolled"
            }
            for entry in logged:
                body = bodies[entry.employee_id]
                named = [code for code in sessions if f"场次编号{code}" in body]
                assert named, body
                assert all((entry.employee_id, code) in booked for code in named), body
                assert all(sessions[code]["date"] >= on for code in named), body
                seat = policy.seating(entry.programme_code)
                missed = [
                    code
                    for code, row in sessions.items()
                    if (entry.employee_id, code) in booked
                    and row["programme"] == seat
                    and row["date"] < on
                ]
                first = min(missed, key=lambda code: sessions[code]["date"])
                grace = calendar.shift_working_days(
                    sessions[first]["date"], policy.escalation.cadre_after_days
                )
                assert grace <= on and day_text(sessions[first]["date"], "zh") in body
                checked += 1
    assert checked > 5, "the ladder should have chased people"


def test_leaders_items_go_up_to_the_organisation_department(
    db_url: str, tmp_path: Path, policy: Policy
) -> None:
    """Issue 36: nobody attends the first sessions; every digest about a top leader goes to
    LIANJIE_ORGANISATION_EMAIL, and every digest's addressee ranks above each
    person it names (never a deputy about his top leader, never a peer)."""
    from core.domain import LeadershipRole

    run_cycle(db_url, write_city(tmp_path, units=4, per_unit=12), tmp_path / "cards")
    everyone_absent(db_url, tmp_path, held_by=date(2026, 10, 21), on=date(2026, 10, 22))
    run = run_settings(db_url, organisation_email="zzb@example.cn")
    calendar = calendar_for(date(2026, 10, 1), date(2026, 12, 31))
    for day in calendar.working_days(date(2026, 10, 23), date(2026, 11, 6)):  # every morning
        plan_escalations.fn(run=run, on=day)
    with session_for(db_url) as session:
        data = load_quarter(session=session, quarter=Quarter(2026, 4))
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
