"""Every flow starts the same way: the quarter given or its default, the run's language."""

from __future__ import annotations

from datetime import date

import pytest

import flows.starting
from core.domain import Language, Quarter
from core.exceptions import LianjieInputError
from core.settings import Settings
from flows.common import this_quarter
from flows.parameters import UNSET, RunLanguage
from flows.starting import idle_today, started


def test_a_quarter_given_is_read_once_whatever_its_case() -> None:
    start = started(" 2026q4 ")
    assert Quarter(2026, 4) == start.quarter
    assert start.run.db_url == start.config.db_url


def test_left_empty_the_quarter_is_the_default_of_the_flow() -> None:
    config = Settings()
    assert this_quarter(config) == started(UNSET, config=config).quarter
    assert Quarter(2025, 1) == started("", default=lambda _: Quarter(2025, 1)).quarter


def test_a_flow_without_a_default_asks_for_one() -> None:
    with pytest.raises(LianjieInputError, match="no quarter: give one"):
        started(UNSET, default=None)


def test_a_bad_quarter_is_one_clear_message() -> None:
    with pytest.raises(LianjieInputError, match="quarters 1 to 4"):
        started("2026Q5")


def test_the_language_chosen_wins_over_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIANJIE_LANG", "zh")
    assert Language.en == started("2026Q4", RunLanguage.en).run.lang
    assert Language.zh == started("2026Q4", UNSET).run.lang


def test_only_a_scheduled_run_waits_for_the_first_working_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = Settings()
    assert idle_today(config, only_on_first_working_day=False) is None
    # 10-01 to 10-07 is the National Day break: the month's first working day is 10-08
    for day, idle in [
        (date(2026, 10, 7), True),
        (date(2026, 10, 8), False),
        (date(2026, 10, 9), True),
    ]:
        monkeypatch.setattr(flows.starting, "scheduled_day", lambda _c, day=day: day)
        state = idle_today(config, only_on_first_working_day=True)
        assert idle == (state is not None), day
        if state is not None:
            assert "Skipped" == state.name


def test_the_default_is_looked_up_only_when_no_quarter_is_given() -> None:
    """The reports' default asks the database: a quarter given must not wait on it."""

    def no_database(_config: Settings) -> Quarter:
        raise AssertionError("the default was looked up")

    assert Quarter(2026, 4) == started("2026Q4", default=no_database).quarter
