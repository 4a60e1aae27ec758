"""A cadre's record reads the cadre's own unit of each quarter, not the whole quarter."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from core.domain import Quarter
from harness.pipeline import run_cycle, write_city
from models.db import session_for
from models.records import quarters_of, record_data


def test_each_quarter_of_a_record_is_loaded_for_the_cadres_unit(
    db_url: str, tmp_path: Path
) -> None:
    roster = write_city(tmp_path)
    run_cycle(db_url, roster, tmp_path / "cards", quarter="2026Q3", as_of=date(2026, 7, 1))
    run_cycle(db_url, roster, tmp_path / "cards")
    with session_for(db_url) as session:
        held = quarters_of(session=session, employee_id="E000007")
        found = record_data(session=session, employee_id="E000007")
    assert [Quarter(2026, 3), Quarter(2026, 4)] == [quarter for quarter, _ in held]
    [unit] = {unit for _, unit in held}  # the same unit both quarters
    assert [Quarter(2026, 3), Quarter(2026, 4)] == [data.quarter for data, _ in found]
    for data, messages in found:
        assert {unit} == {c.unit_code for c in data.cadres}, "other units' people were loaded"
        assert "E000007" in {c.employee_id for c in data.cadres}
        assert messages and {m.employee_id for m in messages} == {"E000007"}
