"""How the site follows a run it started on a deployment (issue 42, item 3): the states a
worker's run goes through, replayed by a stand-in for Prefect's client."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any
from uuid import uuid4

import pytest
from prefect.client.schemas.objects import State, StateType
from prefect.states import Completed, Failed, Late, Paused, Running

from core.exceptions import LianjieInputError
from lianjie.web import commands


class Server:
    """Answers each read of the run with the next of `states` (the last one for ever), and
    notes what the site asked of it."""

    def __init__(self, *states: State) -> None:
        self.states = list(states)
        self.resumed: list[dict[str, Any]] = []
        self.set: list[State] = []

    def read_flow_run(self, _: object) -> SimpleNamespace:
        state = self.states.pop(0) if len(self.states) > 1 else self.states[0]
        return SimpleNamespace(state=state)

    def resume_flow_run(self, _: object, run_input: dict[str, Any]) -> None:
        self.resumed.append(run_input)
        self.states.insert(0, Running())

    def set_flow_run_state(self, _: object, state: State, force: bool) -> None:
        self.set.append(state)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Server]]:
    given: list[Server] = []

    @contextmanager
    def client(sync_client: bool) -> Iterator[Server]:
        yield given[0]

    monkeypatch.setattr(commands, "get_client", client)
    monkeypatch.setattr(commands, "NO_WORKER_SECONDS", 0.05)
    # a site that would wait on fails, well before the suite's own timeout, however loaded
    monkeypatch.setattr(commands, "COMMAND_SECONDS", 120)
    yield given


def test_a_run_no_worker_takes_is_cancelled_and_says_so(server: list[Server]) -> None:
    server.append(Server(Late()))
    with pytest.raises(LianjieInputError, match="no worker took the run"):
        commands._finished(uuid4(), pause=0.01)
    [cancelled] = server[0].set
    assert cancelled.is_cancelled()


def test_a_run_waiting_for_its_slot_is_waited_for(server: list[Server]) -> None:
    waiting = [State(type=StateType.SCHEDULED, name="AwaitingConcurrencySlot")] * 30
    server.append(Server(*waiting, Running(), Completed(data="the summary")))
    assert "the summary" == commands._finished(uuid4(), pause=0.01)
    assert [] == server[0].set


def test_a_run_that_asks_about_leavers_is_answered_no(server: list[Server]) -> None:
    server.append(Server(Running(), Paused(), Failed(message="the roster was refused: 30 of 40")))
    with pytest.raises(LianjieInputError, match=r"^the roster was refused: 30 of 40$"):
        commands._finished(uuid4(), pause=0.01)
    assert [{"accept": False}] == server[0].resumed
