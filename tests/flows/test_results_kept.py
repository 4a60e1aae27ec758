"""What Prefect keeps of a run on disk: the summary a cycle or a collect returns (the site reads
it back when a worker ran the flow for it), and nothing a task returned (those hold the
quarter's people)."""

from __future__ import annotations

import csv
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from prefect import Task

import flows
from flows.cycle import quarterly_cycle
from flows.summaries import CycleSummary
from harness.pipeline import write_city


def _tasks() -> list[tuple[str, Task]]:  # type: ignore[type-arg]
    found = []
    for info in pkgutil.walk_packages(flows.__path__, "flows."):
        module = importlib.import_module(info.name)
        found += [(f"{info.name}.{n}", t) for n, t in vars(module).items() if isinstance(t, Task)]
    demo = importlib.import_module("lianjie.demo")
    return found + [(f"lianjie.demo.{n}", t) for n, t in vars(demo).items() if isinstance(t, Task)]


def test_no_task_keeps_its_result() -> None:
    tasks = _tasks()
    assert len(tasks) >= 20
    assert [name for name, t in tasks if t.persist_result is not False] == []


def test_a_cycle_keeps_its_summary_and_nothing_else(
    tmp_path: Path, prefect_harness: str, isolated_settings: Path
) -> None:
    from prefect.settings import PREFECT_RESULTS_LOCAL_STORAGE_PATH, temporary_settings

    kept = tmp_path / "results"
    roster = write_city(tmp_path)
    phones = {row["手机"] for row in csv.DictReader(roster.open(encoding="utf-8-sig"))} - {""}
    with temporary_settings(updates={PREFECT_RESULTS_LOCAL_STORAGE_PATH: kept}):
        state = quarterly_cycle(
            quarter="2026Q4",
            roster=str(roster),
            as_of="2026-10-01",
            dry_run=True,
            return_state=True,
        )
        summary = state.result()
    assert isinstance(summary, CycleSummary) and summary.dry_run
    [file] = list(kept.iterdir())  # the summary; no task's rows
    assert len(phones) > 40
    assert not [p for p in phones if p.encode() in file.read_bytes()]


@pytest.mark.parametrize("flow", ["quarterly-cycle", "collect-completions"])
def test_the_sites_flows_keep_their_summary(flow: str) -> None:
    from flows.collect import collect_completions

    chosen = {"quarterly-cycle": quarterly_cycle, "collect-completions": collect_completions}[flow]
    assert chosen.persist_result is True


@pytest.mark.parametrize(
    "entrypoint", ["flows/cycle.py:quarterly_cycle", "flows/collect.py:collect_completions"]
)
def test_a_summary_kept_by_a_worker_can_be_read_back_elsewhere(entrypoint: str) -> None:
    """A worker loads the entrypoint file as a module of its own name (`cycle`); the summary's
    class must come from a module any process can import, or the site cannot read it back."""
    loaded_as_a_worker_loads = """
import sys, typing
from prefect.flows import load_flow_from_entrypoint
flow = load_flow_from_entrypoint(sys.argv[1])
kind = typing.get_type_hints(flow.fn)["return"]
print(kind.__module__, kind.__qualname__)
"""
    done = subprocess.run(
        [sys.executable, "-c", loaded_as_a_worker_loads, entrypoint],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(flows.__file__).parent.parent,
    )
    module, name = done.stdout.split()
    assert isinstance(getattr(importlib.import_module(module), name), type)
