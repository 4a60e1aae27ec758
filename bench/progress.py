"""What progress costs the stage it watches (issue: never more than 2 % of the stage's time).

    python -m bench.progress [--steps 200000]

Measures, in this process:
- a step with every watcher a command-line run has — the log lines, a bar on a terminal
  (rich, drawing to a terminal-like console), and the throttle of the progress artifact —
  against a step with no watcher;
- one update of a progress artifact on a real Prefect server (a temporary one), which the
  artifact watcher makes at most every 3 seconds and once at the end;
and sets them against the per-step work of the stages that advance most often, taken from the
last full benchmark (bench/results.json): a dispatched message, a rendered report. Writes
bench/out/progress.json and prints a table.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import time
from pathlib import Path

from rich.console import Console

from flows import progress
from flows.progress import LogLines, ProgressArtifact, Stage
from lianjie.terminal import Bar, Rate

HERE = Path(__file__).parent


def per_step(steps: int, watchers: list[progress.Watcher]) -> float:
    """Seconds per advance() of a stage of `steps` steps with these watchers."""
    work = Stage("sending e-mail", steps, watchers)
    started = time.perf_counter()
    for _ in work.each(range(steps)):
        pass
    work.end()
    return (time.perf_counter() - started) / steps


def with_bars(steps: int) -> float:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    console = Console(file=io.StringIO(), force_terminal=True, width=100)
    bars = Progress(
        BarColumn(), MofNCompleteColumn(), Rate(), TimeRemainingColumn(), console=console
    )
    bars.start()
    try:
        return per_step(steps, [LogLines(), Bar(bars, "sending e-mail", steps)])
    finally:
        bars.stop()


def artifact_update_seconds(updates: int = 30) -> float:
    """One progress-artifact update on a real (temporary) Prefect server, inside a flow."""
    from prefect import flow
    from prefect.testing.utilities import prefect_test_harness

    @flow
    def watched() -> float:
        artifact = ProgressArtifact("bench", "sending e-mail", "en")
        started = time.perf_counter()
        for done in range(1, updates + 1):
            artifact._tell("sending e-mail", done, updates)
        return (time.perf_counter() - started) / updates

    with prefect_test_harness(server_startup_timeout=120):
        return float(watched())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=200_000)
    args = parser.parse_args()
    logging.getLogger("lianjie").setLevel(logging.WARNING)  # the lines are made, not printed

    bare = per_step(args.steps, [])
    watched = with_bars(args.steps)
    update = artifact_update_seconds()
    full = json.loads((HERE / "results.json").read_text())
    dispatch = full["sizes"]["100000"]["dispatch"]
    per_message = dispatch["work"] / dispatch["output"]["counts"]["email"]
    reports = full["sizes"]["100000"]["reports"]
    per_report = reports["work"] / reports["output"]["counts"]["pdfs"]
    step_cost = watched - bare
    # The artifact is updated at most every 3 s: its share is its cost over 3 s of work.
    artifact_share = update / ProgressArtifact.EVERY_SECONDS
    results = {
        "steps": args.steps,
        "step_without_watchers_us": bare * 1e6,
        "step_with_log_and_bar_us": watched * 1e6,
        "artifact_update_ms": update * 1e3,
        "dispatch_per_message_ms": per_message * 1e3,
        "dispatch_share_percent": 100 * (step_cost / per_message + artifact_share),
        "reports_per_report_s": per_report,
        # reports advance once per chunk of 25 units
        "reports_share_percent": 100 * (step_cost / (25 * per_report) + artifact_share),
    }
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "progress.json").write_text(json.dumps(results, indent=1))
    for key, value in results.items():
        print(f"{key:32} {value:,.4f}")


if __name__ == "__main__":
    main()
