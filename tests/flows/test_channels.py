"""A dispatch through WeCom, DingTalk, Aliyun and Tencent Cloud, each a local stand-in: who
gets what where, the providers' limits kept, receipts read back, and nothing sent twice."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import select

from flows.dispatch import collect_receipts, send_due
from harness.channels import SECRETS, Providers, providers_set_up
from harness.pipeline import SEND_ON, run_settings
from models.db import session_for
from models.outbox import add_messages
from models.tables import Message
from policy.texts import VARIABLES


@pytest.fixture
def providers(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Providers]:
    with providers_set_up(db_url, tmp_path, monkeypatch) as set_up:
        yield set_up


def texts_to(db_url: str, employee_id: str) -> list[Message]:
    with session_for(db_url) as session:
        return list(
            session.exec(
                select(Message).where(Message.channel == "sms", Message.employee_id == employee_id)
            )
        )


def dispatch(db_url: str) -> dict[str, int]:
    return send_due.fn(run=run_settings(db_url), kind="sms", on=SEND_ON)


class TestEachRoute:
    def test_a_dispatch_reaches_each_channel_by_the_readers_accounts(
        self, db_url: str, providers: Providers
    ) -> None:
        sent = dispatch(db_url)
        who = providers.readers
        assert sent["failed"] == 0 and sent["delivered"] > 0 and sent["accepted"] > 0
        assert {f"wecom-{who['wecom']}"} == {r["to"] for r in providers.wecom.received}
        assert {f"dingtalk-{who['dingtalk']}"} == {r["to"] for r in providers.dingtalk.received}
        assert {"delivered"} == {m.status for m in texts_to(db_url, who["wecom"])}
        assert {"accepted"} == {m.status for m in texts_to(db_url, who["dingtalk"])}
        aliyun_reached = {m.recipient for m in texts_to(db_url, who["aliyun"])}
        assert aliyun_reached <= {r["to"] for r in providers.aliyun.received}
        tencent = texts_to(db_url, who["tencent"])
        assert {"tencent_sms"} == {m.route for m in tencent}, "Aliyun did not know the number"
        assert {f"+86{m.recipient}" for m in tencent} == {
            r["to"] for r in providers.tencent.received
        }
        # the clouds had each kind's template parameters, never the text
        for received in providers.aliyun.received:
            kind = list(VARIABLES)[int(received["template"].removeprefix("SMS_"))]
            assert list(VARIABLES[kind]) == list(received["params"])
        assert [] == providers.aliyun.refused + providers.tencent.refused

    def test_receipts_turn_accepted_into_delivered(self, db_url: str, providers: Providers) -> None:
        dispatch(db_url)
        receipts = collect_receipts.fn(run=run_settings(db_url))
        assert receipts["delivered"] > 0 and receipts["not_delivered"] == 0
        for key in ("dingtalk", "aliyun", "tencent"):
            assert {"delivered"} == {m.status for m in texts_to(db_url, providers.readers[key])}

    def test_a_second_dispatch_sends_nothing_twice(self, db_url: str, providers: Providers) -> None:
        dispatch(db_url)
        collect_receipts.fn(run=run_settings(db_url))
        before = [
            len(p.received)
            for p in (providers.wecom, providers.dingtalk, providers.aliyun, providers.tencent)
        ]
        again = dispatch(db_url)
        collect_receipts.fn(run=run_settings(db_url))
        after = [
            len(p.received)
            for p in (providers.wecom, providers.dingtalk, providers.aliyun, providers.tencent)
        ]
        assert before == after and sum(before) > 0
        assert 0 == again["sent"] + again["accepted"] + again["delivered"]


class TestFallingBack:
    def test_a_wecom_invaliduser_goes_by_sms_once(self, db_url: str, providers: Providers) -> None:
        member = f"wecom-{providers.readers['wecom']}"
        providers.wecom.unknown.add(member)
        dispatch(db_url)
        texts = texts_to(db_url, providers.readers["wecom"])
        assert {"aliyun_sms"} == {m.route for m in texts}
        assert {1} == {m.route_index for m in texts}
        asked = [r for r in providers.wecom.requests if "message/send" in r]
        assert len(asked) == len(texts), "each message asked WeCom once, then went on"
        assert {m.recipient for m in texts} <= {r["to"] for r in providers.aliyun.received}

    def test_a_dingtalk_receipt_saying_not_delivered_is_sent_elsewhere(
        self, db_url: str, providers: Providers
    ) -> None:
        user = f"dingtalk-{providers.readers['dingtalk']}"
        providers.dingtalk.undeliverable.add(user)
        dispatch(db_url)
        assert {"accepted"} == {m.status for m in texts_to(db_url, providers.readers["dingtalk"])}
        receipts = collect_receipts.fn(run=run_settings(db_url))
        texts = texts_to(db_url, providers.readers["dingtalk"])
        assert receipts["not_delivered"] == len(texts)
        assert {"retrying"} == {m.status for m in texts}
        dispatch(db_url)
        collect_receipts.fn(run=run_settings(db_url))
        texts = texts_to(db_url, providers.readers["dingtalk"])
        assert {("aliyun_sms", "delivered")} == {(m.route, m.status) for m in texts}


class TestProviderDown:
    def test_a_provider_gone_keeps_the_message_on_its_route_for_a_retry(
        self, db_url: str, providers: Providers, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """WeCom unreachable (nothing listens) is not an unknown member: the notices stay on
        WeCom, kept with the reason and retried with back-off; the others go."""
        monkeypatch.setenv("LIANJIE_WECOM_API_URL", "http://127.0.0.1:9")
        sent = dispatch(db_url)
        texts = texts_to(db_url, providers.readers["wecom"])
        assert sent["failed"] == len(texts) and sent["accepted"] > 0
        assert {("retrying", 0)} == {(m.status, m.route_index) for m in texts}
        assert all(
            "WeCom http://127.0.0.1:9/cgi-bin/gettoken" in (m.last_error or "") for m in texts
        )
        assert all("wecom-secret-value" not in (m.last_error or "") for m in texts)


class TestNothingSetUpForAKind:
    def test_a_kind_no_cloud_holds_a_template_for_fails_said_and_stays_queued(
        self, db_url: str, providers: Providers, tmp_path: Path
    ) -> None:
        """Clouds set up but the holiday reminder without codes: its texts to readers with no
        work-app account fail with the reason, kept for a retry, and no file is written."""
        policy = tmp_path / "policy.toml"
        text = policy.read_text("utf-8")
        start = text.index("[texts.templates.holiday_reminder]")
        end = text.index("[texts.templates.", start + 1)
        policy.write_text(text[:start] + text[end:], "utf-8")
        dispatch(db_url)
        holiday = [
            m for m in texts_to(db_url, providers.readers["aliyun"]) if m.kind == "holiday_reminder"
        ]
        assert holiday and {"retrying"} == {m.status for m in holiday}
        assert all("no route set up reaches them" in (m.last_error or "") for m in holiday)
        assert not list((tmp_path / "data" / "outbox").rglob("*.json")), "nothing into the folder"

    def test_texts_a_provider_took_before_it_was_unset_are_still_awaited(
        self, db_url: str, providers: Providers, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        dispatch(db_url)
        accepted = [
            m for m in texts_to(db_url, providers.readers["aliyun"]) if m.status == "accepted"
        ]
        for name in ("API_URL", "ACCESS_KEY_ID", "ACCESS_KEY_SECRET", "SIGN_NAME"):
            monkeypatch.delenv(f"LIANJIE_ALIYUN_SMS_{name}")
        receipts = collect_receipts.fn(run=run_settings(db_url))
        assert accepted and receipts["awaiting"] >= len(accepted)


class TestLimits:
    def test_the_31st_message_in_a_minute_to_one_member_waits(
        self, db_url: str, providers: Providers
    ) -> None:
        """WeCom drops a member's 31st message in a minute without a word: it must wait."""
        who = providers.readers["wecom"]
        more_texts_to(db_url, who, "extra", 31, alone=True)
        sent = dispatch(db_url)
        texts = texts_to(db_url, who)
        assert len(texts) > 31 and sent["delivered"] == len(texts)
        assert len(providers.wecom.received) == len(texts), "none dropped"
        times = sorted(r["at"] for r in providers.wecom.received)
        assert all(b - a >= timedelta(minutes=1) for a, b in zip(times, times[30:], strict=False))
        assert providers.clock.slept, "the dispatch waited"

    def test_a_minute_counts_what_an_earlier_run_sent(
        self, db_url: str, providers: Providers
    ) -> None:
        """A second dispatch seconds after the first (a retry, a run by hand) reads what went
        from the outbox: the member's 31st message of the minute still waits."""
        who = providers.readers["wecom"]
        more_texts_to(db_url, who, "early", 25, alone=True)
        dispatch(db_url)
        providers.clock.sleep(5)
        more_texts_to(db_url, who, "late", 10)
        dispatch(db_url)
        assert len(providers.wecom.received) == len(texts_to(db_url, who)), "none dropped"
        times = sorted(r["at"] for r in providers.wecom.received)
        assert all(b - a >= timedelta(minutes=1) for a, b in zip(times, times[30:], strict=False))

    def test_a_day_quota_waits_for_the_next_working_day(
        self, db_url: str, providers: Providers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        policy = Path(tmp_path / "policy.toml")
        policy.write_text(
            policy.read_text("utf-8").replace(
                "[texts.limits.aliyun_sms]\nper_day_per_template = 50",
                "[texts.limits.aliyun_sms]\nper_day_per_template = 1",
            ),
            "utf-8",
        )
        who = providers.readers["aliyun"]
        more_texts_to(db_url, who, "extra", 3)
        dispatch(db_url)
        extra = [m for m in texts_to(db_url, who) if m.send_key.startswith("extra:")]
        went = [m for m in extra if m.status == "accepted"]
        waiting = [m for m in extra if m.status == "queued"]
        assert 1 == len(went) and 2 == len(waiting)
        assert all("waits: aliyun_sms" in (m.last_error or "") for m in waiting)
        assert all(m.attempts == 0 for m in waiting), "a wait is not a failed attempt"
        tomorrow = providers.clock.now() + timedelta(hours=12)
        assert all(
            m.next_attempt_at and m.next_attempt_at.replace(tzinfo=UTC) > providers.clock.now()
            for m in waiting
        )
        assert all(
            m.next_attempt_at
            and m.next_attempt_at.replace(tzinfo=UTC) < tomorrow + timedelta(days=4)
            for m in waiting
        )


class TestSecrets:
    def test_no_secret_in_any_log_row_or_file(
        self, db_url: str, providers: Providers, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        providers.wecom.unknown.add(f"wecom-{providers.readers['wecom']}")
        caplog.set_level(logging.DEBUG)
        dispatch(db_url)
        collect_receipts.fn(run=run_settings(db_url))
        with session_for(db_url) as session:
            rows = json.dumps(
                [m.model_dump(mode="json", warnings=False) for m in session.exec(select(Message))]
            )
        files = "".join(
            p.read_text("utf-8", errors="replace")
            for p in tmp_path.rglob("*")
            if p.is_file() and p.suffix != ".db"
        )
        for secret in SECRETS:
            assert secret not in caplog.text
            assert secret not in rows
            assert secret not in files
        assert providers.wecom.token not in caplog.text + rows


def more_texts_to(db_url: str, who: str, name: str, count: int, *, alone: bool = False) -> None:
    """`count` more texts due to one reader, at their phone; `alone`: nobody else's due."""
    phone = texts_to(db_url, who)[0].recipient
    with session_for(db_url) as session:
        if alone:
            session.execute(
                update(Message)
                .where(Message.employee_id != who)
                .values(due_on=SEND_ON + timedelta(days=30))
            )
        add_messages(session=session, rows=[_text(f"{name}:{n}", who, phone) for n in range(count)])


def _text(key: str, employee_id: str, phone: str) -> dict[str, object]:
    return {
        "send_key": key,
        "quarter": "2026Q4",
        "kind": "escalation",
        "channel": "sms",
        "recipient": phone,
        "employee_id": employee_id,
        "subject": "逾期提醒",
        "body": f"【示范市】请及时完成学习。{key}",
        "attachment": None,
        "due_on": SEND_ON,
        "expires_on": None,
        "status": "queued",
        "last_error": None,
        "params": json.dumps({"name": "王伟", "count": "1"}),
    }
