"""Template SMS through Aliyun (阿里云短信, SendSms), with Alibaba Cloud's own SDK.

Aliyun takes no free text: an approved template code and its parameters, after an approved
signature (SignName). It does no dedupe, allows 50 notices a day to a number on one template
(the dispatcher keeps under that, policy `texts.limits`), and answers with a BizId; the receipt
comes from QuerySendDetails (SendStatus 3 delivered, 2 failed, 1 still on its way).
"""

from __future__ import annotations

import json
from functools import partial
from urllib.parse import urlsplit

from alibabacloud_dysmsapi20170525 import models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.runtime import RuntimeOptions

from delivery.channels import (
    TIMEOUT_SECONDS,
    DeliveryError,
    Handed,
    Outgoing,
    Pending,
    UnknownRecipient,
    sdk_call,
)

# Aliyun's code for a number it will never reach; any other refusal (a limit, a template or a
# signature not approved, a keyword it blocks) is kept on this route and retried.
UNKNOWN_NUMBER = {"isv.MOBILE_NUMBER_ILLEGAL"}
DELIVERED, FAILED = 3, 2


class AliyunSms:
    """SendSms by template, one number a call; receipts by QuerySendDetails."""

    def __init__(self, api_url: str, access_key_id: str, access_key_secret: str, sign_name: str):
        parts = urlsplit(api_url)
        self.sign_name = sign_name
        self._client = Client(
            Config(
                access_key_id=access_key_id,
                access_key_secret=access_key_secret,
                endpoint=parts.netloc,
                protocol=parts.scheme,
            )
        )
        self._runtime = RuntimeOptions(
            autoretry=False,  # a failure is retried by the dispatcher, with its back-off
            read_timeout=TIMEOUT_SECONDS * 1000,
            connect_timeout=TIMEOUT_SECONDS * 1000,
        )

    def send(self, message: Outgoing) -> Handed:
        if not message.template:
            raise DeliveryError("Aliyun SMS needs an approved template for this kind of message")
        request = models.SendSmsRequest(
            phone_numbers=message.address,
            sign_name=self.sign_name,
            template_code=message.template,
            template_param=json.dumps(dict(message.params), ensure_ascii=False),
            out_id=message.shown_as,  # the send key (an opaque one if confidential)
        )
        send = partial(self._client.send_sms_with_options, request, self._runtime)
        body = sdk_call("Aliyun SMS", send).body
        if body.code in UNKNOWN_NUMBER:
            raise UnknownRecipient(f"Aliyun SMS cannot reach the number: {body.code}")
        if body.code != "OK":
            raise DeliveryError(f"Aliyun SMS refused: {body.code}")
        return Handed(reference=body.biz_id)

    def receipts(self, pending: list[Pending]) -> dict[str, bool]:
        found: dict[str, bool] = {}
        for message in pending:
            request = models.QuerySendDetailsRequest(
                phone_number=message.address,
                biz_id=message.reference,
                send_date=message.sent_on,
                page_size=10,
                current_page=1,
            )
            query = partial(self._client.query_send_details_with_options, request, self._runtime)
            body = sdk_call("Aliyun SMS", query).body
            details = (
                body.sms_send_detail_dtos.sms_send_detail_dto if body.sms_send_detail_dtos else []
            )
            for detail in details or []:
                if detail.send_status in (DELIVERED, FAILED):
                    found[message.reference] = detail.send_status == DELIVERED
        return found

    def close(self) -> None:
        return None
