"""`lianjie doctor` on the text channels: an SMS cloud set up without an approved template for
a kind is a failure there, not at send time; approved codes that fit are fine."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.exceptions import LianjieInputError
from core.settings import Settings
from lianjie.doctor_channels import channels

ALIYUN = {
    "LIANJIE_ALIYUN_SMS_ACCESS_KEY_ID": "LTAI-test",
    "LIANJIE_ALIYUN_SMS_ACCESS_KEY_SECRET": "aliyun-secret-value",
    "LIANJIE_ALIYUN_SMS_SIGN_NAME": "示范市纪委",
}


def texts_check(monkeypatch: pytest.MonkeyPatch, **env: str) -> tuple[bool, str, str]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return channels(Settings())[1]


def test_nothing_set_up_sends_by_the_gateway(monkeypatch: pytest.MonkeyPatch) -> None:
    assert (True, "texts", "text messages by sms_gateway") == texts_check(monkeypatch)


def test_a_cloud_without_approved_codes_fails_naming_the_kinds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ok, _, said = texts_check(monkeypatch, **ALIYUN)
    assert not ok
    assert "no approved aliyun_sms template for invitation" in said
    assert "family_letter" in said
    assert "aliyun-secret-value" not in said


def test_approved_codes_that_fit_pass_and_one_too_long_with_the_signature_fails(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    default = (Path(__file__).parents[2] / "policy" / "default.toml").read_text("utf-8")
    approved = default
    for n, kind in enumerate(
        [
            "invitation",
            "session_reminder",
            "withdrawal",
            "holiday_reminder",
            "escalation",
            "talk_reminder",
            "family_letter",
        ]
    ):
        approved = approved.replace(
            f"[texts.templates.{kind}]\n", f'[texts.templates.{kind}]\naliyun_sms = "SMS_{n}"\n'
        )
    policy = tmp_path / "policy.toml"
    policy.write_text(approved, "utf-8")
    ok, _, said = texts_check(monkeypatch, LIANJIE_POLICY=str(policy), **ALIYUN)
    assert ok, said
    # no gateway set: the file outbox is no route once a provider is set up
    assert said.endswith("text messages by aliyun_sms"), said
    # the session reminder fits 70 characters, but not with a signature of 12
    ok, _, said = texts_check(
        monkeypatch, LIANJIE_ALIYUN_SMS_SIGN_NAME="示范市纪委监委驻市委组织部纪检组"
    )
    assert not ok and "session_reminder's aliyun_sms template with the signature" in said


class TestHalfSetUp:
    @pytest.mark.parametrize(
        ("env", "missing"),
        [
            (
                {"LIANJIE_WECOM_CORP_ID": "ww", "LIANJIE_WECOM_AGENT_ID": "1"},
                "LIANJIE_WECOM_SECRET",
            ),
            (
                {
                    "LIANJIE_WECOM_CORP_ID": "ww",
                    "LIANJIE_WECOM_AGENT_ID": "1",
                    "LIANJIE_WECOM_SECRET": " ",
                },
                "LIANJIE_WECOM_SECRET",
            ),
            ({"LIANJIE_DINGTALK_API_URL": "http://127.0.0.1:9"}, "LIANJIE_DINGTALK_APP_KEY"),
        ],
    )
    def test_a_provider_half_set_up_is_refused_naming_what_is_missing(
        self, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], missing: str
    ) -> None:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        with pytest.raises(LianjieInputError, match=f"half set up: .*{missing}"):
            Settings()
