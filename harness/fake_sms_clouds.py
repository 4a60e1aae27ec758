"""Local stand-ins for Aliyun SMS and Tencent Cloud SMS: their requests and answers as the
clouds document them, their signatures (ACS3-HMAC-SHA256, TC3-HMAC-SHA256) checked, approved
templates only, and receipts by number."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from harness.fake_providers import Provider


@dataclass
class FakeAliyunSms(Provider):
    access_key_id: str = "LTAI-test"
    access_key_secret: str = "aliyun-secret-value"
    sign_name: str = "示范市纪委"
    templates: dict[str, list[str]] = field(default_factory=dict)  # code → its variables
    failing: set[str] = field(default_factory=set)  # numbers whose receipt says failed
    sent: dict[str, dict[str, Any]] = field(default_factory=dict)  # BizId → what was sent

    def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
        url = urlsplit(path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        problem = self._signature_problem(method, url.path, query, headers, body)
        if problem:
            self.refused.append(problem)
            return 403, {"Code": "SignatureDoesNotMatch", "Message": problem}
        action = headers.get("x-acs-action")
        if action == "QuerySendDetails":
            sent = self.sent.get(query.get("BizId", ""))
            details = []
            if sent is not None and sent["phone"] == query.get("PhoneNumber"):
                status = 2 if sent["phone"] in self.failing else 3
                details.append(
                    {"SendStatus": status, "PhoneNum": sent["phone"], "OutId": sent["out_id"]}
                )
            return {
                "Code": "OK",
                "TotalCount": len(details),
                "SmsSendDetailDTOs": {"SmsSendDetailDTO": details},
            }
        if action != "SendSms":
            return 400, {"Code": "InvalidAction"}
        phone, code = query.get("PhoneNumbers", ""), query.get("TemplateCode", "")
        if query.get("SignName") != self.sign_name:
            return {"Code": "isv.SMS_SIGNATURE_ILLEGAL", "Message": "签名不合法"}
        variables = self.templates.get(code)
        params = json.loads(query.get("TemplateParam") or "{}")
        if variables is None or sorted(params) != sorted(variables):
            return {"Code": "isv.SMS_TEMPLATE_ILLEGAL", "Message": "模板不合法"}
        if phone in self.unknown:
            return {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"}
        biz_id = f"9{len(self.sent):05d}^0"
        self.sent[biz_id] = {"phone": phone, "out_id": query.get("OutId", "")}
        self.received.append(
            {"to": phone, "template": code, "params": params, "out_id": query.get("OutId", "")}
        )
        return {"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": "r"}

    def _signature_problem(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> str | None:
        """ACS3-HMAC-SHA256, as Alibaba Cloud checks it."""
        auth = headers.get("authorization", "")
        if not auth.startswith("ACS3-HMAC-SHA256 "):
            return "not signed with ACS3-HMAC-SHA256"
        fields = dict(
            part.split("=", 1) for part in auth.removeprefix("ACS3-HMAC-SHA256 ").split(",")
        )
        if fields.get("Credential") != self.access_key_id:
            return "unknown AccessKeyId"
        if hashlib.sha256(body).hexdigest() != headers.get("x-acs-content-sha256"):
            return "the body is not the one signed"
        signed = fields["SignedHeaders"].split(";")
        canonical = "\n".join(
            [
                method,
                path or "/",
                "&".join(f"{k}={quote(v, safe='~')}" for k, v in sorted(query.items())),
                "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in signed),
                fields["SignedHeaders"],
                headers.get("x-acs-content-sha256", ""),
            ]
        )
        to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
        expected = hmac.new(
            self.access_key_secret.encode(), to_sign.encode(), hashlib.sha256
        ).hexdigest()
        return (
            None if hmac.compare_digest(expected, fields.get("Signature", "")) else "bad signature"
        )


@dataclass
class FakeTencentSms(Provider):
    secret_id: str = "AKID-test"
    secret_key: str = "tencent-secret-value"
    sdk_app_id: str = "1400000001"
    sign_name: str = "示范市纪委"
    templates: dict[str, int] = field(default_factory=dict)  # template id → how many params
    failing: set[str] = field(default_factory=set)
    statuses: list[dict[str, Any]] = field(default_factory=list)

    def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
        problem = self._signature_problem(method, headers, body)
        if problem:
            self.refused.append(problem)
            error = {"Code": "AuthFailure.SignatureFailure", "Message": problem}
            return {"Response": {"Error": error, "RequestId": "r"}}
        sent, action = json.loads(body), headers.get("x-tc-action")
        if action == "PullSmsSendStatusByPhoneNumber":
            mine = [s for s in self.statuses if s["PhoneNumber"] == sent["PhoneNumber"]]
            return {"Response": {"PullSmsSendStatusSet": mine, "RequestId": "r"}}
        numbers = sent.get("PhoneNumberSet", [])
        if len(numbers) > 200:
            error = {"Code": "LimitExceeded.PhoneNumberCountLimit", "Message": "at most 200"}
            return {"Response": {"Error": error, "RequestId": "r"}}
        count = self.templates.get(sent.get("TemplateId", ""))
        statuses = []
        for number in numbers:
            serial = f"2433:{len(self.statuses) + len(statuses)}"
            code = "Ok"
            if sent.get("SignName") != self.sign_name or sent.get("SmsSdkAppId") != self.sdk_app_id:
                code = "FailedOperation.SignatureIncorrectOrUnapproved"
            elif count is None or count != len(sent.get("TemplateParamSet", [])):
                code = "FailedOperation.TemplateIncorrectOrUnapproved"
            elif number.removeprefix("+86") in self.unknown:
                code = "InvalidParameterValue.IncorrectPhoneNumber"
            status = {
                "SerialNo": serial,
                "PhoneNumber": number,
                "Code": code,
                "Fee": 1,
                "SessionContext": sent.get("SessionContext", ""),
                "Message": "send success",
                "IsoCode": "CN",
            }
            statuses.append(status)
            if code == "Ok":
                self.received.append(
                    {
                        "to": number,
                        "template": sent["TemplateId"],
                        "params": sent["TemplateParamSet"],
                    }
                )
                report = "FAIL" if number.removeprefix("+86") in self.failing else "SUCCESS"
                self.statuses.append(
                    {
                        "SerialNo": serial,
                        "PhoneNumber": number,
                        "ReportStatus": report,
                        "Description": "DELIVRD",
                        "SessionContext": sent.get("SessionContext", ""),
                        "UserReceiveTime": "2026-12-07 10:00:00",
                        "CountryCode": "86",
                        "SubscriberNumber": number[3:],
                    }
                )
        return {"Response": {"SendStatusSet": statuses, "RequestId": "r"}}

    def _signature_problem(self, method: str, headers: dict[str, str], body: bytes) -> str | None:
        """TC3-HMAC-SHA256, as Tencent Cloud checks it."""
        auth = headers.get("authorization", "")
        if not auth.startswith("TC3-HMAC-SHA256 "):
            return "not signed with TC3-HMAC-SHA256"
        fields = dict(
            p.strip().split("=", 1) for p in auth.removeprefix("TC3-HMAC-SHA256 ").split(",")
        )
        secret_id, date, service, _ = fields["Credential"].split("/")
        if secret_id != self.secret_id or service != "sms":
            return "unknown SecretId or service"
        canonical = "\n".join(
            [
                method,
                "/",
                "",
                f"content-type:{headers.get('content-type')}\nhost:{headers.get('host')}\n",
                fields["SignedHeaders"],
                hashlib.sha256(body).hexdigest(),
            ]
        )
        scope = f"{date}/sms/tc3_request"
        to_sign = "\n".join(
            [
                "TC3-HMAC-SHA256",
                headers.get("x-tc-timestamp", ""),
                scope,
                hashlib.sha256(canonical.encode()).hexdigest(),
            ]
        )

        def keyed(key: bytes, text: str) -> bytes:
            return hmac.new(key, text.encode(), hashlib.sha256).digest()

        signing = keyed(
            keyed(keyed(("TC3" + self.secret_key).encode(), date), "sms"), "tc3_request"
        )
        expected = hmac.new(signing, to_sign.encode(), hashlib.sha256).hexdigest()
        return (
            None if hmac.compare_digest(expected, fields.get("Signature", "")) else "bad signature"
        )
