"""Template SMS through Tencent Cloud (腾讯云短信, SendSms 2021-01-11), with its own SDK.

Like Aliyun, a template id and its parameters (in the template's order) after an approved
signature. A call takes at most 200 numbers; lianjie sends one a call (each text is its
reader's own). The receipt comes from PullSmsSendStatusByPhoneNumber (SUCCESS or FAIL).
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from urllib.parse import urlsplit

from tencentcloud.common import credential
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models, sms_client

from delivery.channels import (
    SHANGHAI,
    TIMEOUT_SECONDS,
    DeliveryError,
    Handed,
    Outgoing,
    Pending,
    UnknownRecipient,
    sdk_call,
)

UNKNOWN_NUMBER = {
    "InvalidParameterValue.IncorrectPhoneNumber",
    "FailedOperation.PhoneNumberInBlacklist",
    "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
}


class TencentSms:
    """SendSms by template id, one number a call; receipts pulled by number."""

    def __init__(
        self,
        api_url: str,
        secret_id: str,
        secret_key: str,
        sdk_app_id: str,
        sign_name: str,
        region: str,
    ) -> None:
        parts = urlsplit(api_url)
        profile = ClientProfile(
            httpProfile=HttpProfile(
                protocol=parts.scheme, endpoint=parts.netloc, reqTimeout=TIMEOUT_SECONDS
            )
        )
        self._client = sms_client.SmsClient(
            credential.Credential(secret_id, secret_key), region, profile
        )
        self.sdk_app_id, self.sign_name = sdk_app_id, sign_name

    def send(self, message: Outgoing) -> Handed:
        if not message.template:
            raise DeliveryError("Tencent SMS needs an approved template for this kind of message")
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [f"+86{message.address}"]
        request.SmsSdkAppId = self.sdk_app_id
        request.SignName = self.sign_name
        request.TemplateId = message.template
        request.TemplateParamSet = [value for _, value in message.params]
        request.SessionContext = message.shown_as  # the send key (an opaque one if confidential)
        answer = sdk_call("Tencent SMS", partial(self._client.SendSms, request))
        status = (answer.SendStatusSet or [None])[0]
        if status is None:
            raise DeliveryError("Tencent SMS answered without a status")
        if status.Code in UNKNOWN_NUMBER:
            raise UnknownRecipient(f"Tencent SMS cannot reach the number: {status.Code}")
        if status.Code != "Ok":
            raise DeliveryError(f"Tencent SMS refused: {status.Code}")
        return Handed(reference=status.SerialNo)

    def receipts(self, pending: list[Pending]) -> dict[str, bool]:
        found: dict[str, bool] = {}
        for number in sorted({p.address for p in pending}):
            first = min(p.sent_on for p in pending if p.address == number)
            request = models.PullSmsSendStatusByPhoneNumberRequest()
            request.BeginTime = int(
                datetime.strptime(first, "%Y%m%d").replace(tzinfo=SHANGHAI).timestamp()
            )
            request.Offset, request.Limit = 0, 100
            request.PhoneNumber = f"+86{number}"
            request.SmsSdkAppId = self.sdk_app_id
            pull = partial(self._client.PullSmsSendStatusByPhoneNumber, request)
            answer = sdk_call("Tencent SMS", pull)
            for status in answer.PullSmsSendStatusSet or []:
                found[status.SerialNo] = status.ReportStatus == "SUCCESS"
        wanted = {p.reference for p in pending}
        return {ref: ok for ref, ok in found.items() if ref in wanted}

    def close(self) -> None:
        return None
