"""One value of settings per run: what its tasks are handed, and what they are not."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core.domain import Language
from core.settings import Settings
from flows.common import RunSettings


class TestRunSettings:
    def test_the_run_language_wins_over_the_setting(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """LIANJIE_LANG=zh, the run chose English: the tasks write English."""
        monkeypatch.setenv("LIANJIE_LANG", "zh")
        assert Language.en == RunSettings.of(Settings(), lang="en").lang
        assert Language.zh == RunSettings.of(Settings()).lang

    def test_the_calendar_carries_the_local_overrides(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """An override file making 2026-12-31 a day off is in every task's calendar."""
        overrides = tmp_path / "calendar.toml"
        overrides.write_text('[years.2026]\ndays_off = ["2026-12-31"]\n', encoding="utf-8")
        monkeypatch.setenv("LIANJIE_CALENDAR_OVERRIDES", str(overrides))
        run = RunSettings.of(Settings())
        calendar = run.calendar(date(2026, 12, 1), date(2026, 12, 31))
        assert not calendar.is_working_day(date(2026, 12, 31))

    def test_no_secret_travels_with_the_run(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The HR database, SMTP and SMS passwords stay in the settings, out of task inputs."""
        monkeypatch.setenv("LIANJIE_HR_DATABASE_URL", "postgresql://hr:hr-secret@hr/db")
        monkeypatch.setenv("LIANJIE_SMTP_URL", "smtp://mail:smtp-secret@mail:587")
        monkeypatch.setenv("LIANJIE_SMS_URL", "https://sms:sms-secret@sms/send")
        dumped = RunSettings.of(Settings()).model_dump_json()
        assert [] == [s for s in ("hr-secret", "smtp-secret", "sms-secret") if s in dumped]


class TestReportedDay:
    """Issue 36: a quarter's report run after the quarter stood at the run's time, so
    January's collections changed Q4."""

    def test_after_the_quarter_a_report_stands_at_its_last_day(self) -> None:
        from datetime import date

        from core.domain import Quarter
        from flows.moments import reported_day

        q4 = Quarter(2026, 4)
        assert date(2026, 12, 31) == reported_day(q4, None, date(2027, 1, 5))
        assert reported_day(q4, None, date(2026, 12, 31)) is None  # now, within the quarter
        assert date(2026, 11, 30) == reported_day(q4, date(2026, 11, 30), date(2027, 1, 5))


class TestOneClock:
    """Issue 37: `render-reports` run by hand took the UI picker's UTC moment and printed
    "UTC+00:00" on a unit's PDF; a moment still to come was rendered as if known."""

    SHANGHAI = ZoneInfo("Asia/Shanghai")
    NOW = datetime(2026, 12, 6, 15, 0, tzinfo=SHANGHAI)

    def test_a_moment_in_another_zone_is_read_in_the_organisations(self) -> None:
        from flows.moments import organisation_moment

        picked = datetime(2026, 12, 6, 1, 30, tzinfo=UTC)  # the UI's picker sends UTC
        moment = organisation_moment(picked, self.SHANGHAI, self.NOW)
        assert (moment.hour, moment.minute, moment.utcoffset()) == (9, 30, timedelta(hours=8))
        assert moment == picked  # the same instant, told in Beijing time

    def test_a_moment_without_a_zone_is_the_organisations(self) -> None:
        from flows.moments import organisation_moment

        moment = organisation_moment(datetime(2026, 12, 6, 9, 30), self.SHANGHAI, self.NOW)
        assert moment == datetime(2026, 12, 6, 9, 30, tzinfo=self.SHANGHAI)

    def test_a_moment_still_to_come_is_refused(self) -> None:
        from core.exceptions import LianjieInputError
        from flows.moments import organisation_moment

        later = datetime(2026, 12, 7, 9, 0, tzinfo=self.SHANGHAI)
        with pytest.raises(LianjieInputError, match="has not come yet"):
            organisation_moment(later, self.SHANGHAI, self.NOW)
        assert later == organisation_moment(later, self.SHANGHAI, self.NOW, allow_future=True)


class TestRulesDay:
    """Issue 36: before the quarter, `--as-of 2026-09-28` applied the rules on 09-28, while a
    run by the clock on 09-28 applied them on the quarter's first day."""

    def test_a_day_before_the_quarter_means_the_same_given_or_by_the_clock(self) -> None:
        from core.domain import Quarter
        from core.exceptions import LianjieInputError
        from flows.moments import rules_day

        q4 = Quarter(2026, 4)
        by_clock = rules_day(q4, None, date(2026, 9, 28))
        given = rules_day(q4, date(2026, 9, 28), date(2026, 9, 20))
        assert by_clock == given == date(2026, 10, 1)
        assert date(2026, 11, 2) == rules_day(q4, date(2026, 11, 2), date(2026, 12, 6))
        assert date(2026, 12, 6) == rules_day(q4, None, date(2026, 12, 6))
        with pytest.raises(LianjieInputError, match="after 2026Q4 ended"):
            rules_day(q4, date(2027, 1, 4), date(2026, 12, 6))


def test_a_quick_run_of_the_reports_means_a_quarter_that_was_started(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 39: a quick run of the reports targeted the quarter just ended, which was never
    started, and told the UI's operator to use the command line. It now means the current
    quarter until the last one has a cycle; a quarter not started names the deployment."""
    from core.domain import Quarter
    from core.exceptions import LianjieInputError
    from flows import common
    from flows.common import quarter_policy, reported_quarter, settings
    from harness.pipeline import run_cycle, write_city
    from models.db import session_for

    monkeypatch.setattr(common, "today", lambda config: date(2026, 12, 6))
    assert Quarter(2026, 4) == reported_quarter(settings())  # nothing started at all
    run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")  # 2026Q4
    assert Quarter(2026, 4) == reported_quarter(settings())
    run_cycle(
        db_url, write_city(tmp_path), tmp_path / "cards", quarter="2026Q3", as_of=date(2026, 7, 1)
    )
    assert Quarter(2026, 3) == reported_quarter(settings())
    with session_for(db_url) as session, pytest.raises(LianjieInputError) as refused:
        quarter_policy(session=session, quarter=Quarter(2026, 2))
    assert "quarterly-cycle deployment" in str(refused.value)
