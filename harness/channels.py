"""WeCom, DingTalk, Aliyun and Tencent Cloud stand-ins set up for a quarter's dispatch: four
readers on four routes, the settings pointing at the stand-ins, and a clock that passes only
when slept."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import select

import flows.texting
from harness.fake_providers import FakeDingTalk, FakeWeCom, serving
from harness.fake_sms_clouds import FakeAliyunSms, FakeTencentSms
from harness.pipeline import SEND_ON, run_cycle, write_city
from models.db import session_for
from models.tables import Cadre, Message
from policy.texts import VARIABLES

SECRETS = (
    "wecom-secret-value",
    "dingtalk-secret-value",
    "aliyun-secret-value",
    "tencent-secret-value",
)


class FakeClock:
    """Time that passes only when slept: a minute's wait costs the test nothing."""

    def __init__(self) -> None:
        self.at = datetime.now(UTC)
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.at

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.at += timedelta(seconds=seconds)


@dataclass
class Providers:
    wecom: FakeWeCom
    dingtalk: FakeDingTalk
    aliyun: FakeAliyunSms
    tencent: FakeTencentSms
    clock: FakeClock
    readers: dict[str, str]  # who → employee id: wecom, dingtalk, aliyun, tencent


def approved_policy(folder: Path) -> Path:
    """lianjie's policy, with every kind's template approved by both clouds."""
    default = (Path(__file__).parents[1] / "policy" / "default.toml").read_text("utf-8")
    codes = "".join(
        f'\n[texts.templates.{kind}]\ntext = "{"".join("${" + v + "}" for v in variables)}"'
        f'\naliyun_sms = "SMS_{n}"\ntencent_sms = "{1000 + n}"\n'
        for n, (kind, variables) in enumerate(VARIABLES.items())
    )
    start = default.index("[texts.templates.invitation]")
    end = default.index("# Organisation-defined sensitive dates")
    path = folder / "policy.toml"
    path.write_text(default[:start] + codes + "\n" + default[end:], "utf-8")
    return path


@contextmanager
def providers_set_up(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Providers]:
    """A cycle's quarter, all due on SEND_ON, with four readers and the four stand-ins."""
    run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
    with session_for(db_url) as session:
        session.execute(update(Message).values(due_on=SEND_ON))
        texted = sorted(
            {m.employee_id for m in session.exec(select(Message).where(Message.channel == "sms"))}
            - {None}
        )
        who = dict(zip(["wecom", "dingtalk", "aliyun", "tencent"], texted, strict=False))
        for column, key in (("wecom_user_id", "wecom"), ("dingtalk_user_id", "dingtalk")):
            session.execute(
                update(Cadre)
                .where(Cadre.employee_id == who[key])
                .values({column: f"{key}-{who[key]}"})
            )
        phone = session.exec(select(Cadre.phone).where(Cadre.employee_id == who["tencent"])).first()
    clock = FakeClock()
    monkeypatch.setattr(flows.texting, "CLOCK", clock)
    fakes = Providers(
        FakeWeCom(clock=clock.now),
        FakeDingTalk(clock=clock.now),
        FakeAliyunSms(
            clock=clock.now,
            templates={f"SMS_{n}": list(v) for n, v in enumerate(VARIABLES.values())},
            unknown={phone or ""},  # Aliyun cannot reach this one: Tencent can
        ),
        FakeTencentSms(
            clock=clock.now,
            templates={str(1000 + n): len(v) for n, v in enumerate(VARIABLES.values())},
        ),
        clock,
        who,
    )
    with ExitStack() as stack:
        urls = {
            name: stack.enter_context(serving(fake))
            for name, fake in (
                ("WECOM", fakes.wecom),
                ("DINGTALK", fakes.dingtalk),
                ("ALIYUN_SMS", fakes.aliyun),
                ("TENCENT_SMS", fakes.tencent),
            )
        }
        env = {
            "POLICY": str(approved_policy(tmp_path)),
            "WECOM_API_URL": urls["WECOM"],
            "WECOM_CORP_ID": fakes.wecom.corp_id,
            "WECOM_SECRET": fakes.wecom.secret,
            "WECOM_AGENT_ID": str(fakes.wecom.agent_id),
            "DINGTALK_API_URL": urls["DINGTALK"],
            "DINGTALK_APP_KEY": fakes.dingtalk.app_key,
            "DINGTALK_APP_SECRET": fakes.dingtalk.app_secret,
            "DINGTALK_AGENT_ID": str(fakes.dingtalk.agent_id),
            "ALIYUN_SMS_API_URL": urls["ALIYUN_SMS"],
            "ALIYUN_SMS_ACCESS_KEY_ID": fakes.aliyun.access_key_id,
            "ALIYUN_SMS_ACCESS_KEY_SECRET": fakes.aliyun.access_key_secret,
            "ALIYUN_SMS_SIGN_NAME": fakes.aliyun.sign_name,
            "TENCENT_SMS_API_URL": urls["TENCENT_SMS"],
            "TENCENT_SMS_SECRET_ID": fakes.tencent.secret_id,
            "TENCENT_SMS_SECRET_KEY": fakes.tencent.secret_key,
            "TENCENT_SMS_SDK_APP_ID": fakes.tencent.sdk_app_id,
            "TENCENT_SMS_SIGN_NAME": fakes.tencent.sign_name,
        }
        for name, value in env.items():
            monkeypatch.setenv(f"LIANJIE_{name}", value)
        yield fakes
