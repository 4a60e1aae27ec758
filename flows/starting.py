"""How a flow run starts: the settings read once, the run's language, the quarter it is about,
and whether a scheduled run has anything to do today. Every flow begins here, so that no two
read a parameter left empty differently."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from prefect.client.schemas.objects import State

from core.domain import Quarter
from core.settings import Settings
from flows.common import (
    RunSettings,
    scheduled_day,
    settings,
    this_quarter,
    waits_for_first_working_day,
)
from flows.parameters import RunLanguage, Unset, lang_code, parse_quarter


@dataclass(frozen=True)
class RunStart:
    """What a run works with from its first line on."""

    config: Settings
    run: RunSettings  # handed to its tasks
    quarter: Quarter


def started(
    quarter: str | Unset,
    lang: RunLanguage | Unset | None = None,
    *,
    default: Callable[[Settings], Quarter] | None = this_quarter,
    config: Settings | None = None,
) -> RunStart:
    """The run's settings, language and quarter: the quarter given, else `default`'s (the
    current one; the reports: the one just ended); with no default, one must be given."""
    config = config or settings()
    period = parse_quarter(quarter, default=partial(default, config) if default else None)
    return RunStart(config, RunSettings.of(config, lang=lang_code(lang, config)), period)


def idle_today(config: Settings, only_on_first_working_day: bool) -> State | None:
    """A scheduled run that fires on each of a month's first days and does its work on the
    first working one: on the others, the Skipped state it ends in; a run by hand: None."""
    if not only_on_first_working_day:
        return None
    return waits_for_first_working_day(config, scheduled_day(config))
