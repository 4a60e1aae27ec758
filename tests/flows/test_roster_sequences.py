"""Roster runs over time, as clerks really make them: nobody is lost without a word.

Each test replays a sequence from the roster issue on a small synthetic city (4 units × 12
cadres, three bad rows), on SQLite and, in CI, on PostgreSQL.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from core.domain import Quarter
from core.exceptions import LianjieInputError
from flows.collect import import_completions
from flows.dispatch import send_due
from flows.makeups import offer_makeups
from flows.messages import plan_messages
from flows.roster import import_roster
from harness.factories import roster_with, rows_of
from harness.pipeline import AS_OF, counts, prepared, run_cycle, run_settings, write_city
from lianjie.synthetic import COMPLETION_HEADER, HEADER, write_csv
from models.db import session_for
from models.tables import Cadre, EducationSession, Enrolment, Message, QuarterCycle

PHONE = HEADER.index("手机")


def enrolled(db_url: str, who: str) -> set[str]:
    with session_for(db_url) as session:
        return set(
            session.exec(
                select(Enrolment.session_code).where(
                    Enrolment.employee_id == who, Enrolment.status == "enrolled"
                )
            )
        )


def messages_to(db_url: str, who: str) -> dict[str, str]:
    """Send key → status of every message addressed to one cadre."""
    with session_for(db_url) as session:
        return {
            m.send_key: m.status
            for m in session.exec(select(Message).where(Message.employee_id == who))
        }


def on_roster(db_url: str, quarter: str = "2026Q4") -> set[str]:
    with session_for(db_url) as session:
        return set(
            session.exec(
                select(Cadre.employee_id).where(
                    Cadre.quarter == quarter, col(Cadre.on_roster).is_(True)
                )
            )
        )


@pytest.fixture
def city(db_url: str, tmp_path: Path) -> Path:
    """A populated quarter: the whole city's roster went in on 2026-10-01."""
    roster = write_city(tmp_path)
    run_cycle(db_url, roster, tmp_path / "cards")
    return roster


class TestPartialRosters:
    def test_header_only_roster_is_refused_and_changes_nothing(
        self, db_url: str, tmp_path: Path, city: Path
    ) -> None:
        """A roster with a header and no rows: refused, every table as it was."""
        before = counts(db_url)
        empty = roster_with(tmp_path, "header-only.csv", [])
        with pytest.raises(LianjieInputError, match="no rows: nothing was changed"):
            run_cycle(db_url, empty, tmp_path / "cards")
        assert before == counts(db_url)
        assert 48 == len(on_roster(db_url))

    def test_one_unit_roster_is_refused_unless_confirmed(
        self, db_url: str, tmp_path: Path, city: Path
    ) -> None:
        """U0001's 12 rows against the city: 36 would leave; refused, then confirmed."""
        unit = roster_with(
            tmp_path, "u0001.csv", [r for r in rows_of(city)[:48] if r[2] == "U0001"]
        )
        before = counts(db_url)
        with pytest.raises(LianjieInputError) as refused:
            run_cycle(db_url, unit, tmp_path / "cards")
        assert "36 of 48 cadres (75%)" in str(refused.value)
        assert "U0002 (12)" in str(refused.value)
        assert before == counts(db_url)

        run_cycle(db_url, unit, tmp_path / "cards", accept_leavers=True)
        assert 12 == len(on_roster(db_url))
        assert set() == enrolled(db_url, "E000048")
        assert "queued" not in messages_to(db_url, "E000048").values()

    def test_a_roster_whose_every_row_is_rejected_opens_no_quarter(
        self, db_url: str, tmp_path: Path
    ) -> None:
        """Every phone a digit short: refused, and 2026Q4 is not opened."""
        rows = rows_of(write_city(tmp_path))[:48]
        for row in rows:
            row[PHONE] = "138001380"
        broken = roster_with(tmp_path, "broken.csv", rows)
        with pytest.raises(LianjieInputError, match="none of its 48 rows could be imported"):
            import_roster.fn(
                run=run_settings(db_url),
                quarter=Quarter(2026, 4),
                roster=str(broken),
                policy_file=None,
                as_of=AS_OF,
            )
        with session_for(db_url) as session:
            assert session.get(QuarterCycle, "2026Q4") is None


class TestRejectedRows:
    def test_one_mistyped_phone_keeps_the_cadre_and_everything_of_theirs(
        self, db_url: str, tmp_path: Path, city: Path
    ) -> None:
        """E000002's phone a digit short: kept, still enrolled, no message cancelled."""
        sessions, messages = enrolled(db_url, "E000002"), messages_to(db_url, "E000002")
        rows = rows_of(city)
        rows[1][PHONE] = rows[1][PHONE][:-1]
        mistyped = roster_with(tmp_path, "mistyped.csv", rows)
        result = run_cycle(db_url, mistyped, tmp_path / "cards")
        imported = result["imported"]
        kept = [r for r in imported.rejects if r.kept_from]
        assert [(3, "phone", "2026Q4's earlier roster")] == [
            (r.row, r.column, r.kept_from) for r in kept
        ]
        assert ["E000002: kept from 2026Q4's earlier roster: row 3 rejected"] == [
            k.split(" (")[0] for k in imported.changes.kept
        ]
        assert [] == imported.changes.left
        assert "E000002" in on_roster(db_url)
        assert sessions == enrolled(db_url, "E000002")
        assert messages == messages_to(db_url, "E000002")

        again = run_cycle(db_url, city, tmp_path / "cards")  # the original file
        assert not again["imported"].already_imported
        resaved = tmp_path / "resaved.csv"
        resaved.write_bytes(city.read_bytes().replace(b"\n", b"\r\n"))
        third = run_cycle(db_url, resaved, tmp_path / "cards")
        assert 0 == third["messages"]["total_new"]
        assert sessions == enrolled(db_url, "E000002")
        assert messages == messages_to(db_url, "E000002")


class TestLeaversAndReturners:
    def test_a_leaver_loses_every_unsent_message_and_gets_nothing_on_12_29(
        self, db_url: str, tmp_path: Path, city: Path
    ) -> None:
        """E000001 (U0001's top leader) dropped: holiday reminders cancelled too; U0001 warned."""
        assert any(k.startswith("holiday_reminder") for k in messages_to(db_url, "E000001"))
        without = roster_with(tmp_path, "without-e1.csv", rows_of(city)[1:])
        result = run_cycle(db_url, without, tmp_path / "cards")
        imported = result["imported"]
        assert ["E000001"] == [who.split()[0] for who in imported.changes.left]
        assert "unit U0001 has no top leader on the roster" in imported.warnings
        statuses = messages_to(db_url, "E000001")
        assert {"cancelled"} == set(statuses.values())
        assert any(k.startswith("holiday_reminder") for k in statuses)
        send_due.fn(run=run_settings(db_url), kind="email", on=date(2026, 12, 29))
        send_due.fn(run=run_settings(db_url), kind="sms", on=date(2026, 12, 29))
        assert {"cancelled"} == set(messages_to(db_url, "E000001").values())

    def test_roster_a_then_b_then_a_ends_in_as_state(
        self, db_url: str, tmp_path: Path, city: Path
    ) -> None:
        """A, B without E000005, A again: E000005 is back, enrolled and invited again."""
        sessions, messages = enrolled(db_url, "E000005"), messages_to(db_url, "E000005")
        assert sessions and "queued" in messages.values()
        b = roster_with(tmp_path, "b.csv", [r for r in rows_of(city) if r[0] != "E000005"])
        run_cycle(db_url, b, tmp_path / "cards")
        assert set() == enrolled(db_url, "E000005")
        assert {"cancelled"} == set(messages_to(db_url, "E000005").values())

        back = run_cycle(db_url, city, tmp_path / "cards")
        assert not back["imported"].already_imported
        assert ["E000005"] == [who.split()[0] for who in back["imported"].changes.joined]
        assert sessions == enrolled(db_url, "E000005")
        assert messages == messages_to(db_url, "E000005")
        assert back["messages"]["requeued"] > 0


class TestMakeups:
    def test_the_same_sheet_collected_on_three_days_books_one_makeup(
        self, db_url: str, tmp_path: Path, city: Path
    ) -> None:
        """An absentee's sheet collected a day, a week and two weeks after: one make-up."""
        with session_for(db_url) as session:
            first = session.exec(
                select(EducationSession)
                .where(col(EducationSession.makeup).is_(False))
                .order_by(col(EducationSession.held_on), col(EducationSession.code))
            ).first()
            assert first is not None
            who = session.exec(
                select(Enrolment.employee_id).where(Enrolment.session_code == first.code)
            ).first()
        sheet = write_csv(
            tmp_path / "sheet.csv",
            COMPLETION_HEADER,
            [[who, first.code, "", first.held_on.isoformat(), "缺席", "", "0"]],
        )
        for days in (1, 6, 13):
            on = date.fromordinal(first.held_on.toordinal() + days)
            import_completions.fn(
                run=run_settings(db_url), quarter=Quarter(2026, 4), file=str(sheet)
            )
            offer_makeups.fn(run=run_settings(db_url), quarter=Quarter(2026, 4), as_of=on)
            plan_messages.fn(
                run=run_settings(db_url, data_dir=tmp_path), quarter=Quarter(2026, 4), as_of=on
            )
        makeups = {code for code in enrolled(db_url, who) if "-M" in code}
        assert 1 == len(makeups)
        invitations = [k for k in messages_to(db_url, who) if k.startswith("invitation:26Q4-")]
        assert len({k.split(":")[1] for k in invitations if "-M" in k}) == 1


class TestMissingColumns:
    def test_a_gb18030_roster_without_discipline_and_reserve_says_so(
        self, db_url: str, tmp_path: Path
    ) -> None:
        """No 纪律状况 or 是否后备干部, and 任职时间 for 任现职时间: three warnings, no silence."""
        rows = rows_of(write_city(tmp_path))[:48]
        dropped = {"纪律状况", "是否后备干部"}
        keep = [i for i, h in enumerate(HEADER) if h not in dropped]
        header = [("任职时间" if HEADER[i] == "任现职时间" else HEADER[i]) for i in keep]
        path = tmp_path / "gbk.csv"
        with path.open("w", encoding="gb18030", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([[r[i] for i in keep] for r in rows])
        imported = run_cycle(db_url, path, tmp_path / "cards")["imported"]
        assert "任职时间: did you mean 任现职时间?" in imported.warnings
        assert (
            "column appointed_on is missing: the newly_promoted track could not be decided "
            "for 48 cadres" in imported.warnings
        )
        assert any(w.startswith("column reserve_cadre is missing") for w in imported.warnings)
        assert any(w.startswith("column discipline_status is missing") for w in imported.warnings)


class TestSummaryReport:
    def test_names_leavers_moves_warnings_and_kept_rows(
        self, db_url: str, tmp_path: Path, city: Path
    ) -> None:
        """E000001 left, E000010 promoted, E000002's row kept: the summary PDF says all three."""
        from harness.pdfs import text_of
        from reports.render import render_pdf

        rows = rows_of(city)[1:]
        rows[0][PHONE] = rows[0][PHONE][:-1]  # E000002, now the first row
        rows[8][HEADER.index("职务")] = "办公室主任"  # E000010
        run_cycle(db_url, roster_with(tmp_path, "next.csv", rows), tmp_path / "cards")
        jobs = prepared(db_url, tmp_path / "out")
        [job] = [job for summary, job in jobs if summary.kind == "summary"]
        render_pdf(job)
        text = "".join(text_of(job.path).split())
        assert "本季度名册变动" in text
        assert "E000001" in text and "离开" in text
        assert "办公室主任" in text and "变更" in text
        # the roster's warnings in the report's language, not the log's English
        assert "单位U0001在名册中没有主要负责人" in text
        assert "topleader" not in text and "ontheroster" not in text
        assert "（已沿用其原有记录）" in text


class TestAnySequenceOfRosters:
    @settings(
        max_examples=8,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        steps=st.lists(
            st.tuples(
                st.sets(st.integers(0, 23), min_size=0, max_size=24),  # who is listed
                st.sets(st.integers(0, 23), max_size=4),  # whose row is mangled
            ),
            min_size=1,
            max_size=3,
        )
    )
    def test_the_last_accepted_state_is_enrolled_invited_and_nobody_else_is_chased(
        self,
        db_url: str,
        request: pytest.FixtureRequest,
        tmp_path_factory: pytest.TempPathFactory,
        steps: list[tuple[set[int], set[int]]],
    ) -> None:
        """Rosters that are subsets of a base with mangled rows: the state in force is served."""
        folder = tmp_path_factory.mktemp("rosters")
        url = (
            request.getfixturevalue("postgres").database()
            if db_url.startswith("postgresql")
            else f"sqlite:///{folder / 'lianjie.db'}"
        )
        base = rows_of(write_city(folder, units=4, per_unit=6))[:24]
        state: set[str] = set()
        for number, (listed, mangled) in enumerate(steps):
            rows = []
            for i in sorted(listed):
                row = list(base[i])
                if i in mangled:
                    row[PHONE] = "138001380"
                rows.append(row)
            accepted = {base[i][0] for i in listed - mangled}
            roster = roster_with(folder, f"step-{number}.csv", rows)
            try:
                run_cycle(url, roster, folder / "cards", accept_leavers=True)
            except LianjieInputError:
                assert not accepted  # only a roster with no accepted row is refused
                continue
            state = accepted | {base[i][0] for i in listed & mangled} & state

        assert state == on_roster(url)
        with session_for(url) as session:
            seats = set(
                session.exec(
                    select(Enrolment.session_code, Enrolment.employee_id).where(
                        Enrolment.status == "enrolled"
                    )
                )
            )
            outbox = list(session.exec(select(Message)))
        assert {who for _, who in seats} == state
        live = {m.send_key for m in outbox if m.status in {"queued", "sent"}}
        for code, who in seats:
            assert any(k.startswith(f"invitation:{code}:{who}:") for k in live), (code, who)
        assert not [
            m.send_key
            for m in outbox
            if m.status in {"queued", "retrying"} and m.employee_id not in state
        ]
