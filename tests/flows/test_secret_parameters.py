"""The Run form cannot keep a secret: a roster names a file or an `hr:` source, never a URL.

The form's "Validate parameters" box can be unticked, and then Prefect's server stores whatever
was typed; the flow refuses such a run and removes the value from the run's stored parameters.
"""

from __future__ import annotations

import asyncio
from typing import Any

import jsonschema
import pytest
from prefect.utilities.callables import parameter_schema

from flows.cycle import quarterly_cycle

SECRET_SHAPES = [
    "postgresql://hr:s3cr3t@db/hr#table=cadres",
    "postgresql+psycopg2://hr:s3cr3t@db/hr#table=cadres",
    "postgresql+pg8000://hr:s3cr3t@db/hr#table=cadres",
    "POSTGRESQL://hr:s3cr3t@db/hr#table=cadres",
    " postgresql://hr:s3cr3t@db/hr#table=cadres",
    "postgresql://hr:s3/cr3t@db/hr#table=cadres",
    "mysql://hr:s3cr3t@db/hr",
    "sqlite:////srv/hr/hr.db#table=cadres",
    "hr:s3cr3t@db.example/hr",
    "host=db user=hr password=s3cr3t",
]


@pytest.mark.parametrize("typed", SECRET_SHAPES)
def test_the_form_refuses_every_url_shape(typed: str) -> None:
    """With the box ticked, the server checks the form against this schema before a run exists."""
    schema = parameter_schema(quarterly_cycle).model_dump()
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"roster": typed}, schema)


@pytest.mark.parametrize("typed", ["/srv/hr/roster.xlsx", "花名册 2026.csv", "hr:table=cadres"])
def test_the_form_takes_files_and_hr_sources(typed: str) -> None:
    schema = parameter_schema(quarterly_cycle).model_dump()
    jsonschema.validate({"roster": typed}, schema)


def stored_parameters(run_id: Any) -> dict[str, Any]:
    from prefect.client.orchestration import get_client

    async def read() -> dict[str, Any]:
        async with get_client() as client:
            return (await client.read_flow_run(run_id)).parameters

    return asyncio.run(read())


@pytest.mark.parametrize("typed", [SECRET_SHAPES[0], SECRET_SHAPES[4], SECRET_SHAPES[-1]])
def test_a_run_given_a_url_fails_and_forgets_it(prefect_harness: str, typed: str) -> None:
    """Validation off (a direct call is not checked against the schema either): the run is
    created with the value; the flow refuses it and scrubs it from what the server keeps."""
    state = quarterly_cycle(quarter="2026Q4", roster=typed, return_state=True)
    assert state.is_failed()
    assert "not accepted" in (state.message or "")
    assert "s3cr3t" not in (state.message or "")
    stored = stored_parameters(state.state_details.flow_run_id)
    assert "s3cr3t" not in repr(stored)
    assert stored["quarter"] == "2026Q4"  # the rest of the run's parameters stay


def test_a_quarter_the_form_would_refuse_is_refused_inside(prefect_harness: str) -> None:
    state = quarterly_cycle(quarter="2026Q5", roster="/no/such.csv", return_state=True)
    assert state.is_failed() and "2026Q5" in (state.message or "")
