"""Work notices in DingTalk (钉钉, and 浙政钉 on its own address): asyncsend_v2, then the
receipt from getsendresult.

DingTalk answers "success" to everything it queues, and delivers the same text to a member
only once a day: the dispatcher keeps to that (policy `texts.limits`), and the receipt says
whether the member had it (read or unread) or not (invalid, forbidden, failed).
"""

from __future__ import annotations

from delivery.channels import Handed, Outgoing, Pending
from delivery.http_json import TokenApi

STALE_TOKEN = frozenset({40014, 42001, 88})
REACHED = ("read_user_id_list", "unread_user_id_list")
NOT_REACHED = ("invalid_user_id_list", "forbidden_user_id_list", "failed_user_id_list")


class DingTalkChannel:
    """A micro-application's work notices to one member at a time."""

    def __init__(self, api_url: str, app_key: str, app_secret: str, agent_id: int) -> None:
        self.agent_id = agent_id
        credentials = {"appkey": app_key, "appsecret": app_secret}
        self._api = TokenApi("DingTalk", api_url, "/gettoken", credentials, STALE_TOKEN)

    def send(self, message: Outgoing) -> Handed:
        answer = self._api.call(
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
            answer = self._api.call(
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
        self._api.forget()
