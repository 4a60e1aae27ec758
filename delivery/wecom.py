"""Work notices in WeCom (企业微信, and 政务微信 on its own address): an application message.

WeCom answers at once which members it could not reach (`invaliduser`) and gives no receipt
later: its answer is the receipt. It drops messages past 30 a minute to one member without a
word (the dispatcher keeps under that, policy `texts.limits`) and dedupes only when asked.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from delivery.channels import DeliveryError, Handed, Outgoing, UnknownRecipient
from delivery.http_json import call_json

# Tokens WeCom no longer takes (invalid, expired): fetched again once, then the send repeated.
STALE_TOKEN = {40014, 42001}
# How long WeCom drops a second identical message to a member (4 hours, its longest).
DUPLICATE_CHECK_SECONDS = 14400


class WeComChannel:
    """An application's text messages: gettoken, then message/send to one member."""

    def __init__(self, api_url: str, corp_id: str, secret: str, agent_id: int) -> None:
        self.api_url, self.agent_id = api_url, agent_id
        self._credentials = {"corpid": corp_id, "corpsecret": secret}
        self._token: str | None = None

    def send(self, message: Outgoing) -> Handed:
        payload = {
            "touser": message.address,
            "msgtype": "text",
            "agentid": self.agent_id,
            "text": {"content": message.body},
            "safe": 0,
            "enable_duplicate_check": 1,
            "duplicate_check_interval": DUPLICATE_CHECK_SECONDS,
        }
        answer = self._call("/cgi-bin/message/send", payload)
        if answer.get("errcode") in STALE_TOKEN:
            self._token = None
            answer = self._call("/cgi-bin/message/send", payload)
        _check(answer)
        unreached = set(str(answer.get("invaliduser") or "").split("|")) | set(
            str(answer.get("unlicenseduser") or "").split("|")
        )
        if message.address in unreached:
            raise UnknownRecipient(f"WeCom does not know the member {message.address}")
        return Handed(delivered=True, reference=str(answer.get("msgid") or "") or None)

    def close(self) -> None:
        self._token = None

    def _call(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        query = urlencode({"access_token": self._access_token()})
        answer = call_json(f"{self.api_url}{path}?{query}", payload, name="WeCom")
        return answer if isinstance(answer, dict) else {"errcode": -1, "errmsg": "no answer"}

    def _access_token(self) -> str:
        if self._token is None:
            url = f"{self.api_url}/cgi-bin/gettoken?{urlencode(self._credentials)}"
            answer = call_json(url, name="WeCom")
            _check(answer if isinstance(answer, dict) else {})
            self._token = str(answer["access_token"])
        return self._token


def _check(answer: dict[str, Any]) -> None:
    # errmsg is WeCom's own words ("invalid credential, hint: [...]"): no secret in them.
    if answer.get("errcode", -1) != 0:
        raise DeliveryError(
            f"WeCom refused: errcode {answer.get('errcode')} {answer.get('errmsg', '')}".strip()
        )
