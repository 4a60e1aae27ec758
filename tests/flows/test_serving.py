"""`lianjie serve` serves the deployments prefect.yaml describes: one source of schedules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from prefect.deployments.runner import RunnerDeployment

from flows.serving import PREFECT_YAML, banner, deployments

ROOT = Path(__file__).resolve().parents[2]


def served(found: list[RunnerDeployment]) -> list[dict[str, Any]]:
    """What serve registers, in prefect.yaml's words."""
    return [
        {
            "name": deployment.name,
            "flow": deployment.flow_name,
            "schedules": [
                (s.schedule.cron, s.schedule.timezone, s.parameters, s.active)  # type: ignore[union-attr]
                for s in deployment.schedules or []
            ],
            "concurrency_limit": deployment.concurrency_limit,
            "enforce_parameter_schema": deployment.enforce_parameter_schema,
        }
        for deployment in found
    ]


def written(path: Path) -> list[dict[str, Any]]:
    """What prefect.yaml says, read on its own."""
    return [
        {
            "name": entry["name"],
            "flow": entry["entrypoint"].split(":")[1].replace("_", "-"),
            "schedules": [
                (s["cron"], s["timezone"], s.get("parameters", {}), s["active"])
                for s in entry["schedules"]
            ],
            "concurrency_limit": entry["concurrency_limit"],
            "enforce_parameter_schema": entry["enforce_parameter_schema"],
        }
        for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["deployments"]
    ]


@pytest.fixture(scope="module")
def from_the_checkout() -> list[RunnerDeployment]:
    return deployments()


def test_serve_reads_the_checkouts_prefect_yaml() -> None:
    """The file serve reads is the one `prefect deploy` reads, at the checkout's root."""
    assert ROOT / "prefect.yaml" == PREFECT_YAML


def test_serve_registers_what_prefect_yaml_says(from_the_checkout: list[RunnerDeployment]) -> None:
    """Names, flows, cron, zone, schedule parameters and limits are prefect.yaml's, all eight."""
    assert written(PREFECT_YAML) == served(from_the_checkout)
    assert 8 == len(from_the_checkout)
    assert banner("http://127.0.0.1:4200/api")[0].startswith("Serving 8 deployments")


def test_a_change_in_prefect_yaml_shows_in_what_serve_registers(tmp_path: Path) -> None:
    """Edit a copy's schedule and parameters: serve follows, with nothing else to change."""
    config = yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8"))
    [sheets] = [d for d in config["deployments"] if d["name"] == "sign-in-sheets"]
    sheets["schedules"] = [
        {
            "cron": "15 6 * * 1-5",
            "timezone": "Asia/Hong_Kong",
            "active": True,
            "parameters": {"deliver": False, "only_on_working_days": True},
        }
    ]
    copy = tmp_path / "prefect.yaml"
    copy.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")

    found = {d["name"]: d for d in served(deployments(copy))}
    assert [
        ("15 6 * * 1-5", "Asia/Hong_Kong", {"deliver": False, "only_on_working_days": True}, True)
    ] == found["sign-in-sheets"]["schedules"]
    assert written(copy) == list(found.values())
