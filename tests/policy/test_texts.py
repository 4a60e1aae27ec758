"""Which routes a text tries, the providers' limits, and the templates checked at load."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core.domain import MessageKind, Route
from core.exceptions import LianjieInputError
from policy.config import load_policy
from policy.send_limits import Went, wait_for
from policy.texts import Reachable, RouteLimit, Texts, missing_templates, routes_for

SHANGHAI = ZoneInfo("Asia/Shanghai")
ALL = list(Route)
APPROVED = {
    kind: {"text": "${name}同志：请阅。", "aliyun_sms": f"SMS_{n}", "tencent_sms": str(n)}
    for n, kind in enumerate(
        [
            "holiday_reminder",
            "invitation",
            "session_reminder",
            "withdrawal",
            "escalation",
            "talk_reminder",
            "family_letter",
        ]
    )
}


class TestRoutes:
    def test_a_work_app_account_comes_before_the_carrier_sms(self) -> None:
        texts = Texts(templates=APPROVED)
        reader = Reachable("13800138000", wecom="WangWei", dingtalk="manager1")
        assert [
            (Route.wecom, "WangWei"),
            (Route.dingtalk, "manager1"),
            (Route.aliyun_sms, "13800138000"),
            (Route.tencent_sms, "13800138000"),
            (Route.sms_gateway, "13800138000"),
        ] == routes_for("holiday_reminder", texts, ALL, reader)

    def test_only_routes_set_up_and_accounts_held(self) -> None:
        texts = Texts(templates=APPROVED)
        reader = Reachable("13800138000", dingtalk="manager1")
        assert [(Route.dingtalk, "manager1"), (Route.sms_gateway, "13800138000")] == routes_for(
            "invitation", texts, [Route.wecom, Route.dingtalk, Route.sms_gateway], reader
        )

    def test_a_family_member_is_never_sent_to_the_cadres_work_app(self) -> None:
        reader = Reachable("13900139000", wecom="WangWei")
        routes = routes_for("family_letter", Texts(templates=APPROVED), ALL, reader)
        assert Route.wecom not in [r for r, _ in routes]

    def test_a_cloud_without_an_approved_code_is_skipped_and_named(self) -> None:
        texts = Texts()  # lianjie's suggested texts, no codes yet
        routes = routes_for("holiday_reminder", texts, ALL, Reachable("13800138000"))
        assert [Route.sms_gateway] == [r for r, _ in routes]
        missing = missing_templates(texts, [Route.aliyun_sms, Route.sms_gateway])
        assert (MessageKind.holiday_reminder, Route.aliyun_sms) in missing
        assert [] == missing_templates(Texts(templates=APPROVED), ALL)


class TestTemplatesAtLoad:
    def _policy(self, tmp_path: Path, template: str) -> Path:
        default = (Path(__file__).parents[2] / "policy" / "default.toml").read_text("utf-8")
        start = default.index("[texts.templates.holiday_reminder]")
        end = default.index("[texts.templates.escalation]")
        written = default[:start] + template + "\n" + default[end:]
        path = tmp_path / "policy.toml"
        path.write_text(written, "utf-8")
        return path

    def test_lianjies_suggested_templates_fit_seventy_characters(self) -> None:
        texts = load_policy(None).policy.texts
        assert texts.templates and all(t.longest <= 70 for t in texts.templates.values())

    def test_a_template_too_long_for_one_text_is_refused_when_loaded(self, tmp_path: Path) -> None:
        long = "${name}同志：" + "请严守纪律。" * 10
        path = self._policy(tmp_path, f'[texts.templates.holiday_reminder]\ntext = "{long}"')
        with pytest.raises(LianjieInputError, match="holiday_reminder text template can be"):
            load_policy(path)

    def test_a_variable_left_open_is_refused(self, tmp_path: Path) -> None:
        path = self._policy(
            tmp_path, '[texts.templates.holiday_reminder]\ntext = "${name}同志：${holiday将至。"'
        )
        with pytest.raises(LianjieInputError, match=r"has a \$\{ without its closing"):
            load_policy(path)

    def test_a_variable_the_kind_does_not_have_is_refused(self, tmp_path: Path) -> None:
        path = self._policy(
            tmp_path, '[texts.templates.holiday_reminder]\ntext = "${name}：请到${venue}。"'
        )
        with pytest.raises(LianjieInputError, match=r"uses \$\{venue\}"):
            load_policy(path)


class TestLimits:
    at = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)

    def went(self, n: int, *, every: timedelta, kind: str = "invitation") -> list[Went]:
        return [Went("138", kind, f"t{i}", self.at + every * i) for i in range(n)]

    def test_the_31st_in_a_minute_waits_for_the_first_to_leave_the_minute(self) -> None:
        history = self.went(30, every=timedelta(seconds=1))
        wait = wait_for(
            RouteLimit(per_minute=30),
            history,
            Went("138", "x", "t", self.at + timedelta(seconds=30)),
            SHANGHAI,
        )
        assert wait is not None and wait.until == self.at + timedelta(minutes=1)
        later = Went("138", "x", "t", self.at + timedelta(seconds=61))
        assert wait_for(RouteLimit(per_minute=30), history, later, SHANGHAI) is None
        someone_else = Went("139", "x", "t", self.at + timedelta(seconds=30))
        assert wait_for(RouteLimit(per_minute=30), history, someone_else, SHANGHAI) is None

    def test_a_days_quota_waits_for_another_day(self) -> None:
        history = self.went(50, every=timedelta(minutes=1), kind="escalation")
        limit = RouteLimit(per_day_per_template=50)
        wait = wait_for(
            limit, history, Went("138", "escalation", "t", self.at + timedelta(hours=2)), SHANGHAI
        )
        assert wait is not None and wait.until is None
        other_template = Went("138", "invitation", "t", self.at + timedelta(hours=2))
        assert wait_for(limit, history, other_template, SHANGHAI) is None
        # 02:00 UTC is 10:00 in Shanghai; 17:00 UTC is the next day there
        tomorrow = Went("138", "escalation", "t", self.at + timedelta(hours=15))
        assert wait_for(limit, history, tomorrow, SHANGHAI) is None

    def test_dingtalk_takes_the_same_text_once_a_day(self) -> None:
        history = [Went("138", "holiday_reminder", "同一条", self.at)]
        limit = RouteLimit(same_text_per_day=1)
        again = Went("138", "holiday_reminder", "同一条", self.at + timedelta(hours=1))
        assert wait_for(limit, history, again, SHANGHAI) is not None
        other = Went("138", "holiday_reminder", "另一条", self.at + timedelta(hours=1))
        assert wait_for(limit, history, other, SHANGHAI) is None
