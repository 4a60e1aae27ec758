"""prefect.yaml: every entrypoint loads for real, and every parameter has a form field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from prefect.flows import load_flow_from_entrypoint
from prefect.utilities.callables import parameter_schema

ROOT = Path(__file__).resolve().parents[2]
DEPLOYMENTS = yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: d["name"])
def test_entrypoint_loads_without_placeholder(deployment: dict) -> None:  # type: ignore[type-arg]
    """The real flow loads (the placeholder default would hide an import error)."""
    flow = load_flow_from_entrypoint(
        str(ROOT / deployment["entrypoint"]), use_placeholder_flow=False
    )
    assert deployment["name"] == flow.name


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: d["name"])
def test_every_parameter_is_titled_and_described(deployment: dict) -> None:  # type: ignore[type-arg]
    """The UI form shows a title and a description (the docstring's Args) for every parameter."""
    flow = load_flow_from_entrypoint(
        str(ROOT / deployment["entrypoint"]), use_placeholder_flow=False
    )
    schema = parameter_schema(flow).model_dump()
    assert schema["properties"]
    for name, field in schema["properties"].items():
        assert field.get("description"), f"{deployment['name']}.{name} has no description"
        # Prefect's own title is the Python name; the form should say what it is in words.
        assert field["title"] != name, f"{deployment['name']}.{name} has no title"


def test_schedules_are_in_shanghai_time_and_say_so() -> None:
    """The cycle and the reports fire on each of a quarter's first ten days and work on the
    first working day only; dispatch every day at 08:00; each description gives time and zone."""
    schedules = {d["name"]: d.get("schedules", []) for d in DEPLOYMENTS}
    assert "0 8 1-10 1,4,7,10 *" == schedules["quarterly-cycle"][0]["cron"]
    assert "0 9 1-10 1,4,7,10 *" == schedules["accountability-reports"][0]["cron"]
    assert "0 9 1-10 1 *" == schedules["annual-report"][0]["cron"]
    for name in ("quarterly-cycle", "accountability-reports", "annual-report"):
        assert schedules[name][0]["parameters"]["only_on_first_working_day"] is True
    assert "0 8 * * *" == schedules["daily-dispatch"][0]["cron"]
    sheets = schedules["sign-in-sheets"][0]
    assert ("0 8 * * *", {"deliver": True, "only_on_working_days": True}) == (
        sheets["cron"],
        sheets["parameters"],
    )
    for deployment in DEPLOYMENTS:
        assert "Beijing time (Asia/Shanghai)" in deployment["description"], deployment["name"]
    assert all(s["timezone"] == "Asia/Shanghai" for group in schedules.values() for s in group)
    assert all(d["work_pool"]["name"] == "lianjie" for d in DEPLOYMENTS)


@pytest.mark.parametrize(
    ("days", "working"),
    [
        # National Day: 1–7 October 2026 off, 8 October the first working day
        ([date(2026, 10, d) for d in range(1, 11)], date(2026, 10, 8)),
        # 1 January 2027 a holiday, 2–3 a weekend
        ([date(2027, 1, d) for d in range(1, 11)], date(2027, 1, 4)),
        ([date(2026, 7, d) for d in range(1, 11)], date(2026, 7, 1)),
    ],
)
def test_a_scheduled_run_works_on_the_first_working_day_only(
    days: list[date], working: date, isolated_settings: Path
) -> None:
    """Fired on each of the first ten days, only one run does the work; the others complete
    at once, saying which day is the one."""
    from flows.common import settings, waits_for_first_working_day

    config = settings()
    answers = {day: waits_for_first_working_day(config, day) for day in days}
    assert [working] == [day for day, idle in answers.items() if idle is None]
    idle = answers[days[-1] if days[-1] != working else days[0]]
    assert idle is not None and idle.is_completed() and "Skipped" == idle.name
    assert f"not the first working day of the month (that is {working})" in (idle.message or "")


@pytest.mark.parametrize(
    ("scheduled", "day"),
    [
        ("2027-01-04T00:00:00+00:00", date(2027, 1, 4)),  # 08:00 in Beijing
        ("2027-01-03T23:30:00+00:00", date(2027, 1, 4)),  # 07:30 in Beijing, the 4th
        ("2026-12-31T15:59:00+00:00", date(2026, 12, 31)),
    ],
)
def test_a_run_decides_as_the_day_it_was_scheduled_for(
    scheduled: str, day: date, isolated_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 39: whether to skip was decided by the day the run executed, so a run delayed
    from the 4th to the 5th did nothing. It is the scheduled time, in Beijing."""
    from datetime import datetime

    from prefect.runtime import flow_run

    from flows.common import scheduled_day, settings

    # what Prefect's runtime answers inside a run of that schedule
    when = datetime.fromisoformat(scheduled)
    monkeypatch.setattr(flow_run, "scheduled_start_time", when, raising=False)
    assert day == scheduled_day(settings())
