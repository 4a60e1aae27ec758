"""A leaver's family contacts are kept the policy's days for the record, then deleted with
their slips; a cadre back on the roster before then keeps them (issue 44, item 1)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from core.domain import Quarter
from core.families import FamilyContact, ReturnedSlip
from models.db import ready_engine, session_for
from models.families import Family, FamilySlip, forget_leavers, record_slips, replace_families

LEFT = date(2027, 1, 25)


def test_a_leavers_family_is_kept_the_policys_days_then_forgotten(db_url: str) -> None:
    ready_engine(db_url)
    with session_for(db_url) as session:
        replace_families(
            session,
            [
                FamilyContact(2, "E1", "张丽华", "配偶", "13911110001", None, True),
                FamilyContact(3, "E2", "王志强", "配偶", "13911110002", None, True),
            ],
        )
        record_slips(session, Quarter(2027, 1), [ReturnedSlip(3, "E2", "王志强", LEFT)])
        assert forget_leavers(session, {"E1"}, today=LEFT, keep_days=30) == []
        later = LEFT + timedelta(days=29)
        assert forget_leavers(session, {"E1"}, today=later, keep_days=30) == []
        gone = forget_leavers(session, {"E1"}, today=LEFT + timedelta(days=30), keep_days=30)
        assert len(gone) == 1
        assert [f.employee_id for f in session.exec(select(Family)).all()] == ["E1"]
        assert session.exec(select(FamilySlip)).all() == []  # the slip said who she was


def test_a_cadre_back_on_the_roster_keeps_the_family(db_url: str) -> None:
    ready_engine(db_url)
    with session_for(db_url) as session:
        replace_families(
            session, [FamilyContact(2, "E2", "王志强", "配偶", "13911110002", None, True)]
        )
        forget_leavers(session, set(), today=LEFT, keep_days=30)
        forget_leavers(session, {"E2"}, today=LEFT + timedelta(days=10), keep_days=30)
        assert forget_leavers(session, set(), today=LEFT + timedelta(days=35), keep_days=30) == []
        assert session.exec(select(Family)).one().cadre_left_on == LEFT + timedelta(days=35)
