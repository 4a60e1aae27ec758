"""A roster that would make many cadres leave, put to the operator of a deployment run: the run
pauses with the numbers and the units most affected, and goes on once someone answers in the
Prefect UI (accept, or refuse). The command line keeps --accept-leavers: nobody there to ask."""

from __future__ import annotations

from prefect.context import FlowRunContext
from prefect.flow_runs import pause_flow_run
from prefect.input import RunInput
from pydantic import Field

from core.exceptions import LeaversToConfirm, LianjieInputError
from flows.artifact_tables import TableWords
from flows.common import log
from policy.roster_warnings import LEAVERS_FACTS

# A clerk may be away from the UI for a while; after this the run ends Failed as refused.
ANSWER_WITHIN_SECONDS = 8 * 3600


class LeaversAnswer(RunInput):
    accept: bool = Field(
        default=False,
        title="They really left: store the roster 确认这些干部确已离开，导入名册",
    )


def someone_to_ask() -> bool:
    """A deployment run has an operator in the UI; the command line and tests have nobody."""
    context = FlowRunContext.get()
    return bool(context and context.flow_run and context.flow_run.deployment_id)


def operator_accepts(asked: LeaversToConfirm, words: TableWords) -> bool:
    """Ask the operator of a deployment run whether the leavers really left; False when they
    refuse, or nobody answers in time."""
    # the quarter they would leave, as documents write it
    question = words.said("leavers_question", **asked.facts, quarter=asked.facts["baseline"])
    log().warning(
        "waiting for the operator to accept or refuse the roster (the run's Resume button): %s",
        LEAVERS_FACTS.format(**asked.facts),
    )
    try:
        answer = pause_flow_run(
            wait_for_input=LeaversAnswer.with_initial_data(description=question),
            timeout=ANSWER_WITHIN_SECONDS,
        )
    except Exception as error:  # not resumed in time: as refused
        log().warning("no answer: the roster is refused (%s)", error)
        return False
    log().info("the operator %s the roster", "accepted" if answer.accept else "refused")
    return answer.accept


def refused(asked: LeaversToConfirm) -> LianjieInputError:
    """The run's end when the operator refused: what to do next, from the UI."""
    return LianjieInputError(
        f"the roster was refused: {LEAVERS_FACTS.format(**asked.facts)}. Nothing was changed; "
        "check the roster file and start the run again"
    )
