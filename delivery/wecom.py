"""Work notices in WeCom (企业微信, and 政务微信 on its own address): an application message.

WeCom answers at once which members it could not reach (`invaliduser`) and gives no receipt
later: its answer is the receipt. It drops messages past 30 a minute to one member without a
word (the dispatcher keeps under that, policy `texts.limits`) and dedupes only when asked.
"""

from __future__ import annotations

from delivery.channels import Handed, Outgoing, UnknownRecipient
from delivery.http_json import TokenApi

# Tokens WeCom no longer takes (invalid, expired): fetched again once, then the send repeated.
STALE_TOKEN = frozenset({40014, 42001})
# How long WeCom drops a second identical message to a member (4 hours, its longest).
DUPLICATE_CHECK_SECONDS = 14400


class WeComChannel:
    """An application's text messages: gettoken, then message/send to one member."""

    def __init__(self, api_url: str, corp_id: str, secret: str, agent_id: int) -> None:
        self.agent_id = agent_id
        credentials = {"corpid": corp_id, "corpsecret": secret}
        self._api = TokenApi("WeCom", api_url, "/cgi-bin/gettoken", credentials, STALE_TOKEN)

    def send(self, message: Outgoing) -> Handed:
        answer = self._api.call(
            "/cgi-bin/message/send",
            {
                "touser": message.address,
                "msgtype": "text",
                "agentid": self.agent_id,
                "text": {"content": message.body},
                "safe": 0,
                "enable_duplicate_check": 1,
                "duplicate_check_interval": DUPLICATE_CHECK_SECONDS,
            },
        )
        unreached = set(str(answer.get("invaliduser") or "").split("|")) | set(
            str(answer.get("unlicenseduser") or "").split("|")
        )
        if message.address in unreached:
            raise UnknownRecipient(f"WeCom does not know the member {message.address}")
        return Handed(delivered=True, reference=str(answer.get("msgid") or "") or None)

    def close(self) -> None:
        self._api.forget()
