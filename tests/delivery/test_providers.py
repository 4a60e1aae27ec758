"""Each provider's channel against its local stand-in: the requests as the provider takes them,
its signatures checked, its answers read, and no secret in any error."""

from __future__ import annotations

import pytest

from delivery.aliyun_sms import AliyunSms
from delivery.channels import DeliveryError, Outgoing, Pending, UnknownRecipient
from delivery.dingtalk import DingTalkChannel
from delivery.tencent_sms import TencentSms
from delivery.wecom import WeComChannel
from harness.fake_providers import FakeDingTalk, FakeWeCom, serving
from harness.fake_sms_clouds import FakeAliyunSms, FakeTencentSms

PHONE = "13800138000"
PARAMS = (("name", "王伟"), ("holiday", "元旦"))


def text(to: str, key: str = "holiday_reminder:k1:sms", **template: object) -> Outgoing:
    return Outgoing(key, to, "节前提醒", "【示范市】王伟同志：元旦将至……", **template)  # type: ignore[arg-type]


class TestWeCom:
    def test_a_member_gets_the_notice_and_wecom_is_asked_to_dedupe(self) -> None:
        wecom = FakeWeCom()
        with serving(wecom) as url:
            handed = WeComChannel(url, wecom.corp_id, wecom.secret, wecom.agent_id).send(
                text("WangWei")
            )
        assert handed.delivered, "WeCom's answer is its receipt"
        assert ["WangWei"] == [r["to"] for r in wecom.received]
        assert any("/cgi-bin/message/send" in r for r in wecom.requests)

    def test_an_unknown_member_is_told_apart_from_a_failure(self) -> None:
        wecom = FakeWeCom(unknown={"LiNa"})
        with serving(wecom) as url, pytest.raises(UnknownRecipient):
            WeComChannel(url, wecom.corp_id, wecom.secret, wecom.agent_id).send(text("LiNa"))

    def test_a_stale_token_is_fetched_again_once(self) -> None:
        wecom = FakeWeCom()
        with serving(wecom) as url:
            channel = WeComChannel(url, wecom.corp_id, wecom.secret, wecom.agent_id)
            channel.send(text("WangWei"))
            wecom.token = "wecom-token-2"  # WeCom expired the first
            channel.send(text("WangWei", key="holiday_reminder:k2:sms"))
        assert 2 == len(wecom.received)
        assert 2 == sum("/cgi-bin/gettoken" in r for r in wecom.requests)

    def test_a_wrong_secret_fails_without_saying_it(self) -> None:
        wecom = FakeWeCom()
        with serving(wecom) as url, pytest.raises(DeliveryError) as failed:
            WeComChannel(url, wecom.corp_id, "not-the-secret", wecom.agent_id).send(text("W"))
        assert "40001" in str(failed.value)
        assert "not-the-secret" not in str(failed.value)


class TestDingTalk:
    def test_accepted_then_delivered_by_its_receipt(self) -> None:
        ding = FakeDingTalk()
        with serving(ding) as url:
            channel = DingTalkChannel(url, ding.app_key, ding.app_secret, ding.agent_id)
            handed = channel.send(text("manager4021"))
            assert not handed.delivered and handed.reference
            found = channel.receipts([Pending(handed.reference, "manager4021", "20261207")])
        assert {handed.reference: True} == found

    def test_the_same_text_twice_in_a_day_is_success_then_not_delivered(self) -> None:
        ding = FakeDingTalk()
        with serving(ding) as url:
            channel = DingTalkChannel(url, ding.app_key, ding.app_secret, ding.agent_id)
            first, second = channel.send(text("u1")), channel.send(text("u1", key="other"))
            assert first.reference and second.reference
            found = channel.receipts(
                [Pending(first.reference, "u1", "20261207"), Pending(second.reference, "u1", "")]
            )
        assert {first.reference: True, second.reference: False} == found


class TestAliyun:
    def test_a_template_sms_signed_as_aliyun_checks_it(self) -> None:
        aliyun = FakeAliyunSms(templates={"SMS_1": ["name", "holiday"]})
        with serving(aliyun) as url:
            channel = AliyunSms(url, aliyun.access_key_id, aliyun.access_key_secret, "示范市纪委")
            handed = channel.send(text(PHONE, template="SMS_1", params=PARAMS))
            assert handed.reference
            found = channel.receipts([Pending(handed.reference, PHONE, "20261207")])
        assert [] == aliyun.refused
        assert [{"name": "王伟", "holiday": "元旦"}] == [r["params"] for r in aliyun.received]
        assert ["holiday_reminder:k1:sms"] == [r["out_id"] for r in aliyun.received]
        assert {handed.reference: True} == found

    def test_a_wrong_secret_is_refused_by_the_signature_check(self) -> None:
        aliyun = FakeAliyunSms(templates={"SMS_1": ["name", "holiday"]})
        with serving(aliyun) as url, pytest.raises(DeliveryError) as failed:
            AliyunSms(url, aliyun.access_key_id, "not-the-secret", "示范市纪委").send(
                text(PHONE, template="SMS_1", params=PARAMS)
            )
        assert ["bad signature"] == aliyun.refused
        assert "not-the-secret" not in str(failed.value)

    def test_a_number_aliyun_cannot_reach_and_a_failed_receipt(self) -> None:
        aliyun = FakeAliyunSms(templates={"SMS_1": ["name", "holiday"]}, unknown={PHONE})
        aliyun.failing.add("13900139000")
        with serving(aliyun) as url:
            channel = AliyunSms(url, aliyun.access_key_id, aliyun.access_key_secret, "示范市纪委")
            with pytest.raises(UnknownRecipient):
                channel.send(text(PHONE, template="SMS_1", params=PARAMS))
            handed = channel.send(text("13900139000", template="SMS_1", params=PARAMS))
            assert handed.reference
            found = channel.receipts([Pending(handed.reference, "13900139000", "20261207")])
        assert {handed.reference: False} == found

    def test_free_text_is_not_sent(self) -> None:
        with pytest.raises(DeliveryError, match="approved template"):
            AliyunSms("http://127.0.0.1:9", "id", "secret", "sign").send(text(PHONE))


class TestTencent:
    def test_a_template_sms_signed_as_tencent_checks_it(self) -> None:
        tencent = FakeTencentSms(templates={"1000001": 2})
        with serving(tencent) as url:
            channel = TencentSms(
                url,
                tencent.secret_id,
                tencent.secret_key,
                tencent.sdk_app_id,
                "示范市纪委",
                "ap-guangzhou",
            )
            handed = channel.send(text(PHONE, template="1000001", params=PARAMS))
            assert handed.reference
            found = channel.receipts([Pending(handed.reference, PHONE, "20261207")])
        assert [] == tencent.refused
        assert [["王伟", "元旦"]] == [r["params"] for r in tencent.received]
        assert {handed.reference: True} == found

    def test_a_wrong_key_is_refused_by_the_signature_check(self) -> None:
        tencent = FakeTencentSms(templates={"1000001": 2})
        with serving(tencent) as url, pytest.raises(DeliveryError) as failed:
            TencentSms(
                url,
                tencent.secret_id,
                "not-the-key",
                tencent.sdk_app_id,
                "示范市纪委",
                "ap-guangzhou",
            ).send(text(PHONE, template="1000001", params=PARAMS))
        assert ["bad signature"] == tencent.refused
        assert "SignatureFailure" in str(failed.value)
        assert "not-the-key" not in str(failed.value)
