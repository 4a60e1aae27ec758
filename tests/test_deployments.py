"""prefect.yaml: every entrypoint loads for real, and every parameter has a form field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from prefect.flows import load_flow_from_entrypoint
from prefect.utilities.callables import parameter_schema

ROOT = Path(__file__).resolve().parents[1]
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


def test_schedules_are_in_shanghai_time() -> None:
    """The quarterly cycle runs on the first day of each quarter, dispatch every day, at 08:00."""
    schedules = {d["name"]: d.get("schedules", []) for d in DEPLOYMENTS}
    assert "0 8 1 1,4,7,10 *" == schedules["quarterly-cycle"][0]["cron"]
    assert "0 8 * * *" == schedules["daily-dispatch"][0]["cron"]
    assert all(s["timezone"] == "Asia/Shanghai" for group in schedules.values() for s in group)
    assert all(d["work_pool"]["name"] == "lianjie" for d in DEPLOYMENTS)
