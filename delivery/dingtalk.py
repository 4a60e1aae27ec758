"""Work notices in DingTalk (钉钉, and 浙政钉 on its own address): asyncsend_v2, then the
receipt from getsendresult.

DingTalk answers "success" to everything it queues, and delivers the same text to a member
only once a day: the dispatcher keeps to that (policy `texts.limits`), and the receipt says
whether the member had it (read or unread) or not (invalid, forbidden, failed).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from delivery.channels import DeliveryError, Handed, Outgoing, Pending
from delivery.http_json import call_json

STALE_TOKEN = {40014, 42001, 88}
REACHED = ("read_user_id_list", "unread_user_id_list")
NOT_REACHED = ("invalid_user_id_list", "forbidden_user_id_list", "failed_user_id_list")


class DingTalkChannel:
    """A micro-application's work notices to one member at a time."""

    def __init__(self, api_url: str, app_key: str, app_secret: str, agent_id: int) -> None:
        self.api_url, self.agent_id = api_url, agent_id
        self._credentials = {"appkey": app_key, "appsecret": app_secret}
        self._token: str | None = None

    def send(self, message: Outgoing) -> Handed:
        answer = self._call(
            "/topapi/message/corpconversation/asyncsend_v2",
            {
                "agent_id": self.agent_id,
                "userid_list": message.address,
                "msg": {"msgtype": "text", "text": {"content": message.body}},
            },
        )
        return Handed(reference=str(answer["task_id"]))

    def receipts(self, pending: list[Pending]) -> dict[str, bool]:
        # Each task is one member's notice (send above): its result lists are about them.
        found: dict[str, bool] = {}
        for task_id in sorted({p.reference for p in pending}):
            answer = self._call(
                "/topapi/message/corpconversation/getsendresult",
                {"agent_id": self.agent_id, "task_id": int(task_id)},
            )
            result = answer.get("send_result") or {}
            if any(result.get(key) for key in (*NOT_REACHED, "forbidden_list")):
                found[task_id] = False
            elif any(result.get(key) for key in REACHED):
                found[task_id] = True
        return found

    def close(self) -> None:
        self._token = None

    def _call(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = {}
        for _ in range(2):
            query = urlencode({"access_token": self._access_token()})
            called = call_json(f"{self.api_url}{path}?{query}", payload, name="DingTalk")
            answer = called if isinstance(called, dict) else {}
            if answer.get("errcode") not in STALE_TOKEN:
                break
            self._token = None
        _check(answer)
        return answer

    def _access_token(self) -> str:
        if self._token is None:
            url = f"{self.api_url}/gettoken?{urlencode(self._credentials)}"
            answer = call_json(url, name="DingTalk")
            _check(answer if isinstance(answer, dict) else {})
            self._token = str(answer["access_token"])
        return self._token


def _check(answer: dict[str, Any]) -> None:
    if answer.get("errcode", -1) != 0:
        raise DeliveryError(
            f"DingTalk refused: errcode {answer.get('errcode')} {answer.get('errmsg', '')}".strip()
        )
