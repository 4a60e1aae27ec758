"""The quarter's stores, each on a fresh in-memory database: roster, education, completions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time
from typing import Any

import pytest
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, col, create_engine, select

from core.domain import (
    CompletionStatus,
    DisciplineStatus,
    LeadershipRole,
    Quarter,
    Reject,
    SessionPlan,
    Track,
    TrackAssignment,
)
from core.roster_changes import Change, ChangeKind
from harness.factories import cadre
from intake.completions import not_filled_in, parse_completions
from intake.read import Table
from models.cadres import quarter_people, quarter_roster
from models.completions import completion_lookups, store_completions
from models.db import session_for
from models.education import (
    quarter_tracks,
    replace_assignments,
    store_programmes,
    store_schedule,
    stored_sessions,
)
from models.roster import record_import, store_roster
from models.tables import Completion, FileImport, RejectedRow, RosterChange

Q = Quarter(2026, 4)


@pytest.fixture
def session() -> Iterator[Session]:
    """A fresh in-memory database per test, as SQLModel's testing tutorial makes one."""
    engine = create_engine(
        "sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool
    )
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        yield session


def programme(code: str, track: Track, joint_with: str | None = None) -> dict[str, Any]:
    return {
        "quarter": Q.label,
        "code": code,
        "track": track.value,
        "name_zh": f"{code}专题",
        "name_en": f"{code} programme",
        "sessions_required": 1,
        "duration_minutes": 90,
        "joint_with": joint_with,
    }


def sitting(code: str, programme_code: str) -> SessionPlan:
    return SessionPlan(code, programme_code, 1, date(2026, 10, 14), time(9, 0), "一号会议室", 60)


class TestRoster:
    def test_a_stored_roster_reads_back_as_the_records_given(self, session: Session) -> None:
        """Cadres go in as domain records and come back equal, unit name included."""
        given = [cadre(), cadre(employee_id="E002", name="李娜", phone=None)]
        counts = store_roster(
            session=session, quarter=Q, cadres=given, changes=[], unit_key_areas={}, source="r.csv"
        )
        assert {"new": 2, "updated": 0, "withdrawn": 0, "changes": 0} == counts
        assert given == sorted(
            quarter_roster(session=session, quarter=Q), key=lambda c: c.employee_id
        )

    def test_every_field_goes_in_column_by_column_and_the_same_roster_changes_nothing(
        self, session: Session
    ) -> None:
        """The cadres are written column by column: each field lands in its own column, and
        the same records stored again are found unchanged, field by field."""
        given = [
            cadre(),
            cadre(
                employee_id="E002",
                rank=None,
                leadership_role=LeadershipRole.top_leader,
                in_charge_of=("U02", "U03"),
                party_member=None,
                appointed_on=None,
                reserve_cadre=True,
                discipline_status=DisciplineStatus.signs,
                discipline_kind="谈话函询",
                discipline_on=date(2026, 3, 1),
                key_post=True,
                email=None,
            ),
        ]

        def stored() -> dict[str, int]:
            return store_roster(
                session=session, quarter=Q, cadres=given, changes=[], unit_key_areas={}, source="r"
            )

        assert {"new": 2, "updated": 0, "withdrawn": 0, "changes": 0} == stored()
        assert given == sorted(
            quarter_roster(session=session, quarter=Q), key=lambda c: c.employee_id
        )
        assert {"new": 0, "updated": 0, "withdrawn": 0, "changes": 0} == stored()

    def test_a_quarter_read_holds_each_unit_and_post_once(self, session: Session) -> None:
        """A province reads a million cadres: the words many of them share are not copied."""
        given = [cadre(employee_id=f"E{n:03d}", name=f"干部{n}") for n in range(3)]
        store_roster(
            session=session, quarter=Q, cadres=given, changes=[], unit_key_areas={}, source="r.csv"
        )
        read = quarter_roster(session=session, quarter=Q)
        for words in ("unit_code", "unit_name", "post"):
            assert len({id(getattr(c, words)) for c in read}) == 1, words
        assert len({id(c.name) for c in read}) == 3

    def test_a_later_roster_updates_withdraws_and_logs(self, session: Session) -> None:
        """Who is missing from the next roster leaves it (kept as a leaver); a change is logged."""
        store_roster(
            session=session,
            quarter=Q,
            cadres=[cadre(), cadre(employee_id="E002")],
            changes=[],
            unit_key_areas={},
            source="a.csv",
        )
        moved = cadre(post="办公室主任")
        counts = store_roster(
            session=session,
            quarter=Q,
            cadres=[moved],
            changes=[
                # the import's own account of what changed, stored as it is given
                Change(
                    "E001", "张伟", "U01", ChangeKind.changed, "post", "综合科科长", "办公室主任", 2
                )
            ],
            unit_key_areas={},
            source="b.csv",
        )
        assert {"new": 0, "updated": 1, "withdrawn": 1, "changes": 1} == counts
        assert {"E001"} == quarter_people(session=session, quarter=Q)
        assert ["E001", "E002"] == sorted(
            c.employee_id for c in quarter_roster(session=session, quarter=Q, leavers=True)
        )
        [logged] = session.exec(select(RosterChange)).all()
        assert ("post", "综合科科长", "办公室主任", "b.csv") == (
            logged.field,
            logged.old,
            logged.new,
            logged.source,
        )

    def test_a_file_imported_again_replaces_its_record_and_rejects(self, session: Session) -> None:
        """Roster A, then A again with one reject fewer: one record, the latest rejects."""
        rejects = [Reject(3, "name", "empty"), Reject(5, "phone", "not a phone number")]
        for kept in (rejects, rejects[:1]):
            record_import(
                session=session,
                quarter=Q,
                kind="roster",
                source="a.csv",
                sha256="a" * 64,
                read=10,
                accepted=10 - len(kept),
                rejects=kept,
            )
        [entry] = session.exec(select(FileImport)).all()
        assert (9, 1) == (entry.rows_accepted, entry.rows_rejected)
        assert [(3, "name")] == [(r.row, r.column) for r in session.exec(select(RejectedRow))]


class TestEducation:
    def test_assignments_are_replaced_not_added_to(self, session: Session) -> None:
        """Classifying twice leaves the second answer only."""
        first = [
            TrackAssignment("E001", Track.in_office, "科级"),
            TrackAssignment("E002", Track.reserve, "后备"),
        ]
        replace_assignments(session=session, quarter=Q, assignments=first)
        again = [
            TrackAssignment("E001", Track.in_office, "科级"),
            TrackAssignment("E001", Track.key_area, "重点领域"),
        ]
        assert 2 == replace_assignments(session=session, quarter=Q, assignments=again)
        assert {"E001": ["in_office", "key_area"]} == {
            k: sorted(v) for k, v in quarter_tracks(session=session, quarter=Q).items()
        }

    def test_a_withdrawn_person_needed_again_gets_their_seat_back(self, session: Session) -> None:
        """Enrol, withdraw, enrol again: the session lists the person once more, as enrolled."""
        store_programmes(session=session, rows=[programme("IO", Track.in_office)])
        store_schedule(
            session=session,
            quarter=Q,
            new_sessions=[sitting("26Q4-IO-01", "IO")],
            enrolments=[("26Q4-IO-01", "E001"), ("26Q4-IO-01", "E002")],
            withdrawals=[],
        )
        store_schedule(
            session=session,
            quarter=Q,
            new_sessions=[],
            enrolments=[],
            withdrawals=[("26Q4-IO-01", "E002")],
        )
        [stored] = stored_sessions(session=session, quarter=Q)
        assert {"E001"} == stored.enrolled
        store_schedule(
            session=session,
            quarter=Q,
            new_sessions=[],
            enrolments=[("26Q4-IO-01", "E002")],
            withdrawals=[],
        )
        [stored] = stored_sessions(session=session, quarter=Q)
        assert {"E001", "E002"} == stored.enrolled


class TestCompletions:
    def test_a_later_row_for_the_same_slot_supersedes_the_earlier(self, session: Session) -> None:
        """Absent in one file, attended in the next: only the latest row counts."""
        imports = []
        for name in ("a.csv", "b.csv"):
            entry = record_import(
                session=session,
                quarter=Q,
                kind="completions",
                source=name,
                sha256=name * 10,
                read=1,
                accepted=1,
                rejects=[],
            )
            imports.append(entry.id)
        row = {
            "employee_id": "E001",
            "programme_code": "IO",
            "session_code": "26Q4-IO-01",
            "source_row": 2,
        }
        store_completions(
            session=session,
            quarter=Q,
            rows=[row | {"status": "absent", "import_id": imports[0], "source": "a.csv"}],
        )
        store_completions(
            session=session,
            quarter=Q,
            rows=[row | {"status": "attended", "import_id": imports[1], "source": "b.csv"}],
        )
        current = session.exec(
            select(Completion).where(col(Completion.superseded).is_(False))
        ).all()
        assert ["attended"] == [c.status for c in current]

    def test_the_latest_file_and_within_it_the_row_further_down_counts(self, db_url: str) -> None:
        """Three files over the quarter, on either database: a slot given twice in one file
        counts the row further down; a slot a later file leaves out keeps its row; an online course
        (no session) is a slot apart from the session of the same programme."""
        files = [
            [("E001", "26Q4-IO-01", "absent"), ("E002", "26Q4-IO-01", "absent")],
            [("E001", "26Q4-IO-01", "excused"), ("E001", "26Q4-IO-01", "attended")],
            [("E001", None, "attended")],
        ]
        with session_for(db_url) as session:
            for number, rows in enumerate(files):
                entry = record_import(
                    session=session,
                    quarter=Q,
                    kind="completions",
                    source=f"{number}.csv",
                    sha256=f"{number:064d}",
                    read=len(rows),
                    accepted=len(rows),
                    rejects=[],
                )
                store_completions(
                    session=session,
                    quarter=Q,
                    rows=(
                        {
                            "employee_id": who,
                            "programme_code": "IO",
                            "session_code": code,
                            "status": status,
                            "import_id": entry.id,
                            "source": f"{number}.csv",
                            "source_row": row,
                        }
                        for row, (who, code, status) in enumerate(rows, start=2)
                    ),
                )
            current = session.exec(
                select(Completion).where(col(Completion.superseded).is_(False))
            ).all()
            total = len(session.exec(select(Completion)).all())
        assert sorted((c.employee_id, c.session_code or "", c.status) for c in current) == [
            ("E001", "", "attended"),
            ("E001", "26Q4-IO-01", "attended"),
            ("E002", "26Q4-IO-01", "absent"),
        ]
        assert total == 5

    def test_lookups_and_parsing_seat_a_top_leader_for_their_own_programme(
        self, session: Session
    ) -> None:
        """In a joint session each person is booked for the programme they must do; an unknown
        cadre is rejected with the row's number."""
        store_roster(
            session=session,
            quarter=Q,
            cadres=[cadre(), cadre(employee_id="E002")],
            changes=[],
            unit_key_areas={},
            source="r.csv",
        )
        store_programmes(
            session=session,
            rows=[
                programme("TM", Track.team_member),
                programme("TL", Track.top_leader, joint_with="TM"),
            ],
        )
        replace_assignments(
            session=session,
            quarter=Q,
            assignments=[
                TrackAssignment("E001", Track.top_leader, "一把手"),
                TrackAssignment("E002", Track.team_member, "班子"),
            ],
        )
        store_schedule(
            session=session,
            quarter=Q,
            new_sessions=[sitting("26Q4-TM-01", "TM")],
            enrolments=[],
            withdrawals=[],
        )
        lookups = completion_lookups(session=session, quarter=Q)
        assert {"26Q4-TM-01": ["TM", "TL"]} == lookups.sessions

        table = Table.under_header(
            "sheet.csv",
            "0" * 64,
            ["工号", "场次编号"],
            [(2, ["E001", "26q4-tm-01"]), (3, ["E002", "26Q4-TM-01"]), (4, ["E404", "26Q4-TM-01"])],
        )
        result = parse_completions(
            table, cadres=lookups.cadres, sessions=lookups.sessions, programmes=lookups.programmes
        )
        assert [
            ("E001", "TL", CompletionStatus.attended),
            ("E002", "TM", CompletionStatus.attended),
        ] == [(r.employee_id, r.programme_code, r.status) for r in result.accepted]
        assert [(4, "employee_id")] == [(r.row, r.column) for r in result.rejects]

    def test_a_sign_in_row_left_as_it_came_is_not_filled_in(self) -> None:
        """With a status column, a row with nothing but the id is not filled in; without one it
        means attended."""
        assert not_filled_in({"employee_id": "E001", "status": None, "score": ""})
        assert not not_filled_in({"employee_id": "E001", "status": "缺席"})
        assert not not_filled_in({"employee_id": "E001"})
