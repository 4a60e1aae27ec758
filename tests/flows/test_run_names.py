"""Runs named for what they are (issue 39): the runs list reads like the quarter."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from flows.run_names import name_of
from harness.prefect_api import artifact_as_shown

TODAY = date(2026, 10, 8)


@pytest.mark.parametrize(
    ("flow", "parameters", "expected"),
    [
        ("quarterly-cycle", {"quarter": "2026q4"}, "cycle-2026Q4"),
        ("quarterly-cycle", {"quarter": "", "dry_run": True}, "cycle-2026Q4-dry-run"),
        ("daily-dispatch", {}, "dispatch-2026-10-08"),
        (
            "daily-dispatch",
            {"date": date(2026, 10, 9), "dry_run": True},
            "dispatch-2026-10-09-dry-run",
        ),
        ("collect-completions", {"as_of": "2026-11-02"}, "collect-2026Q4-2026-11-02"),
        ("accountability-reports", {}, "reports-2026Q3"),
        (
            "accountability-reports",
            {"quarter": "2026Q4", "units": ["U0001"]},
            "reports-2026Q4-U0001",
        ),
        (
            "accountability-reports",
            {"quarter": "2026Q4", "units": ["U0001", "U0002", "U0050"]},
            "reports-2026Q4-U0001-U0050",
        ),
        ("annual-report", {"year": 0}, "annual-2025"),
        ("sign-in-sheets", {"session": "26Q4-IO-01"}, "sheets-2026Q4-26Q4-IO-01"),
        ("sign-in-sheets", {"day": date(2026, 10, 13)}, "sheets-2026Q4-2026-10-13"),
        ("quarterly-cycle", {"quarter": "2026Q5"}, "quarterly-cycle"),  # refused by the run
    ],
)
def test_a_name_says_what_the_run_is(flow: str, parameters: dict, expected: str) -> None:  # type: ignore[type-arg]
    assert expected == name_of(flow, parameters, TODAY)


@pytest.mark.parametrize(
    ("flow", "parameters", "scheduled", "expected"),
    [
        ("quarterly-cycle", {"quarter": "2026Q4"}, True, ["quarter:2026Q4", "scheduled"]),
        ("daily-dispatch", {"dry_run": True}, False, ["quarter:2026Q4", "manual", "dry-run"]),
        ("daily-dispatch", {"date": "2027-01-04"}, True, ["quarter:2027Q1", "scheduled"]),
        ("accountability-reports", {}, True, ["quarter:2026Q3", "scheduled"]),
        ("annual-report", {"year": 2026}, False, ["manual"]),
    ],
)
def test_tags_sort_the_runs_by_quarter_and_trigger(
    flow: str,
    parameters: dict,
    scheduled: bool,
    expected: list[str],  # type: ignore[type-arg]
) -> None:
    from flows.run_names import run_tags

    assert expected == run_tags(flow, parameters, TODAY, scheduled=scheduled)


def test_a_run_takes_its_name(prefect_harness: str) -> None:
    """As Prefect starts the run: a dry run of dispatch is named and tagged so in the list."""
    from prefect.client.orchestration import get_client

    from flows.dispatch import daily_dispatch

    state = daily_dispatch(date=date(2026, 10, 8), dry_run=True, return_state=True)

    async def read():  # type: ignore[no-untyped-def]
        async with get_client() as client:
            return await client.read_flow_run(state.state_details.flow_run_id)

    run = asyncio.run(read())
    assert "dispatch-2026-10-08-dry-run" == run.name
    assert {"quarter:2026Q4", "manual", "dry-run"} <= set(run.tags)


def test_a_dry_run_leaves_its_preview_in_the_ui(prefect_harness: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 39: a dry run's preview was only in the logs. Its tables now sit under keys of
    their own, beside the real run's, with no address in them."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from flows.cycle import quarterly_cycle
    from flows.dispatch import daily_dispatch
    from harness.pipeline import write_city

    roster = write_city(tmp_path)
    quarterly_cycle(quarter="2026Q4", roster=str(roster), dry_run=True, as_of=date(2026, 10, 1))
    quarterly_cycle(quarter="2026Q4", roster=str(roster), as_of=date(2026, 10, 1))
    daily_dispatch(date=date(2026, 10, 8), dry_run=True)

    async def tables(key: str) -> list[object]:
        async with get_client() as client:
            found = await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key]))
            )
        return [artifact_as_shown(a.key, a.description, a.data) for a in found]

    rehearsed = asyncio.run(tables("dry-run-cycle-2026q4"))
    assert rehearsed and "花名册读取行数" in str(rehearsed[0])  # LIANJIE_LANG: zh
    assert asyncio.run(tables("cycle-2026q4")), "the real run's own table"
    preview = asyncio.run(tables("dry-run-dispatch-2026-10-08"))
    assert preview and "将发送" in str(preview[0]) and "@" not in str(preview[0])
