"""A quarter's reports prepared a part (some units) at a time say exactly what they say when the
quarter is prepared whole: the same PDFs, the same numbers, the same summary and secret list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import col, select

from core.domain import Quarter
from flows.collect import import_completions
from harness.pipeline import REPORTED_AT, prepared, run_cycle, run_settings, write_city
from lianjie.synthetic import COMPLETION_HEADER, write_csv
from models.db import ready_engine, session_for
from models.tables import Cadre, Enrolment


def what_they_say(jobs: list[Any]) -> list[tuple[str, str, str, str, dict[str, Any]]]:
    """Each report's kind, unit, rate, file and numbers (the moment it was made aside)."""
    return [
        (
            out.kind,
            out.unit_code,
            out.rate,
            str(job.path),
            {k: v for k, v in job.context.items() if k != "generated_at"},
        )
        for out, job in jobs
    ]


@pytest.fixture
def two_quarters(db_url: str, tmp_path: Path) -> str:
    """Q3 with five units, Q4 with four of them: U0005, in the trend only, completed all its
    Q3 sessions, which lifts Q3's rate in the summary's trend."""
    run_cycle(
        db_url,
        write_city(tmp_path, units=5, per_unit=10, seed=7),
        tmp_path / "cards",
        quarter="2026Q3",
        as_of=date(2026, 7, 1),
    )
    with session_for(db_url) as session:
        attended = session.exec(
            select(Enrolment.employee_id, Enrolment.session_code)
            .join(Cadre, col(Cadre.employee_id) == col(Enrolment.employee_id))
            .where(Cadre.quarter == "2026Q3", Cadre.unit_code == "U0005")
        ).all()
    sheet = write_csv(
        tmp_path / "q3.csv",
        COMPLETION_HEADER,
        [[who, code, "", "", "已参加", "95", ""] for who, code in attended],
    )
    import_completions.fn(run=run_settings(db_url), quarter=Quarter(2026, 3), file=str(sheet))
    run_cycle(
        db_url, write_city(tmp_path, units=4, per_unit=10), tmp_path / "cards", accept_leavers=True
    )
    return db_url


@pytest.mark.parametrize("units_a_part", [1, 3])
def test_parts_say_what_the_whole_quarter_says(
    two_quarters: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, units_a_part: int
) -> None:
    monkeypatch.setattr("flows.reporting.parts.PART_UNITS", 100)
    whole = what_they_say(prepared(two_quarters, tmp_path / "out"))
    monkeypatch.setattr("flows.reporting.parts.PART_UNITS", units_a_part)
    in_parts = what_they_say(prepared(two_quarters, tmp_path / "out"))
    assert ["unit"] * 4 + ["summary", "confidential"] == [kind for kind, *_ in in_parts]
    assert whole == in_parts
    summary = in_parts[4][4]
    assert 40 == summary["on_roster"]
    # the trend's Q3 counts U0005's people, who have no report this quarter
    trend = [(bar["label"], bar["percent"]) for bar in summary["trend"]["bars"]]
    assert "2026年第三季度" == trend[0][0] and "0.0%" != trend[0][1]


def test_units_asked_for_are_loaded_alone(two_quarters: str, tmp_path: Path) -> None:
    """A chunk's units, prepared alone, say what they say among all the others."""
    everything = {r[1]: r for r in what_they_say(prepared(two_quarters, tmp_path / "out"))}
    alone = what_they_say(prepared(two_quarters, tmp_path / "out", ["U0003", "U0001"]))
    assert [everything["U0003"], everything["U0001"]] == alone


@pytest.fixture
def rows_in_reverse(two_quarters: str) -> Iterator[None]:
    """SQLite hands back the rows of every query without ORDER BY in reverse order, as
    PostgreSQL may after a vacuum has moved them: what depends on that order shows."""
    if not two_quarters.startswith("sqlite"):
        pytest.skip("SQLite alone can be asked to reverse its unordered rows")
    engine = ready_engine(two_quarters)

    def reverse(connection: Any, _record: Any) -> None:
        connection.execute("PRAGMA reverse_unordered_selects=ON")

    engine.dispose()
    event.listen(engine, "connect", reverse)
    yield
    event.remove(engine, "connect", reverse)
    engine.dispose()


def test_reports_do_not_follow_the_order_rows_are_stored_in(
    two_quarters: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """On PostgreSQL a team's members and a leader's own items came out in another order
    from one run to the next: only what the reports sort themselves may decide it."""
    as_stored = what_they_say(prepared(two_quarters, tmp_path / "out"))
    request.getfixturevalue("rows_in_reverse")
    assert as_stored == what_they_say(prepared(two_quarters, tmp_path / "out"))


def test_the_summary_and_the_secret_list_go_to_the_renderers_before_the_last_units(
    two_quarters: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The two long documents of a province's quarter were rendered after every unit's report,
    by one process while the other had nothing left to do: they go in before the last part's
    units, so that both processes stay busy to the end. The reports come out in their order."""
    from flows.progress import Stage
    from flows.reporting import parts
    from reports.render import Rendered

    monkeypatch.setattr("flows.reporting.parts.PART_UNITS", 3)  # U0005 is in the trend only
    submitted: list[list[str]] = []

    def recorded(reports: list[Any], processes: int | None) -> list[Rendered]:
        submitted.append([f"{r.kind}:{r.unit_code}" for r in reports])
        return [Rendered(r.job.path, "", 1) for r in reports]

    monkeypatch.setattr(parts, "_render", recorded)
    setting, units = parts.plan_reports.fn(
        run=run_settings(two_quarters),
        quarter=Quarter(2026, 4),
        units=None,
        out=str(tmp_path / "out"),
        as_of=REPORTED_AT,
    )
    done = parts.render_here(
        run=run_settings(two_quarters),
        quarter=Quarter(2026, 4),
        setting=setting,
        parts=units,
        whole=True,
        progress=Stage("rendering", 6, []),
    )
    assert [
        ["unit:U0001", "unit:U0002", "unit:U0003"],
        ["summary:", "confidential:"],
        ["unit:U0004"],
    ] == submitted
    assert ["U0001", "U0002", "U0003", "U0004", "", ""] == [out.unit_code for out, _ in done]
