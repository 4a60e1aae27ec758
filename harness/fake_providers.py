"""Local stand-ins for the providers, served on a local port: WeCom and DingTalk here (the SMS
clouds in harness.fake_sms_clouds), their requests and answers as the providers document them,
and their quirks kept — WeCom drops a member's 31st message in a minute without a word,
DingTalk swallows the same text twice a day and tells only in the receipt."""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Clock = Callable[[], datetime]


@dataclass
class Provider:
    """What every fake keeps: who it reached, what it refused, every request's path."""

    clock: Clock = lambda: datetime.now(UTC)
    received: list[dict[str, Any]] = field(default_factory=list)  # what reached a reader
    requests: list[str] = field(default_factory=list)  # method and path, query and all
    refused: list[str] = field(default_factory=list)  # why a request was turned away
    unknown: set[str] = field(default_factory=set)  # accounts or numbers it does not know
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
        raise NotImplementedError


@dataclass
class FakeWeCom(Provider):
    corp_id: str = "ww-corp"
    secret: str = "wecom-secret-value"
    agent_id: int = 1000002
    token: str = "wecom-token-1"
    sent_at: dict[str, list[datetime]] = field(default_factory=lambda: defaultdict(list))

    def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
        url = urlsplit(path)
        query = dict(parse_qsl(url.query))
        if url.path == "/cgi-bin/gettoken":
            if query.get("corpid") != self.corp_id or query.get("corpsecret") != self.secret:
                return {"errcode": 40001, "errmsg": "invalid credential"}
            return {"errcode": 0, "errmsg": "ok", "access_token": self.token, "expires_in": 7200}
        if query.get("access_token") != self.token:
            return {"errcode": 40014, "errmsg": "invalid access_token"}
        sent = json.loads(body)
        if sent.get("agentid") != self.agent_id or sent.get("msgtype") != "text":
            return {"errcode": 40056, "errmsg": "invalid agentid"}
        member, now = sent["touser"], self.clock()
        if member in self.unknown:
            return {"errcode": 0, "errmsg": "ok", "invaliduser": member, "msgid": "m0"}
        recent = [t for t in self.sent_at[member] if now - t < timedelta(minutes=1)]
        self.sent_at[member].append(now)
        if len(recent) >= 30:  # dropped, and WeCom still answers ok
            return {
                "errcode": 0,
                "errmsg": "ok",
                "invaliduser": "",
                "msgid": f"m{len(self.requests)}",
            }
        self.received.append({"to": member, "text": sent["text"]["content"], "at": now})
        return {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": f"m{len(self.requests)}"}


@dataclass
class FakeDingTalk(Provider):
    app_key: str = "ding-app"
    app_secret: str = "dingtalk-secret-value"
    agent_id: int = 2000003
    token: str = "ding-token-1"
    undeliverable: set[str] = field(default_factory=set)  # the receipt will say failed
    tasks: dict[int, dict[str, list[Any]]] = field(default_factory=dict)

    def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
        url = urlsplit(path)
        query = dict(parse_qsl(url.query))
        if url.path == "/gettoken":
            if query.get("appkey") != self.app_key or query.get("appsecret") != self.app_secret:
                return {"errcode": 40089, "errmsg": "不合法的corpid或corpsecret"}
            return {"errcode": 0, "errmsg": "ok", "access_token": self.token, "expires_in": 7200}
        if query.get("access_token") != self.token:
            return {"errcode": 88, "errmsg": "不合法的access_token"}
        sent = json.loads(body)
        if sent.get("agent_id") != self.agent_id:
            return {"errcode": 400, "errmsg": "agent_id invalid"}
        if url.path.endswith("/getsendresult"):
            result = self.tasks.get(int(sent["task_id"]))
            if result is None:
                return {"errcode": 400, "errmsg": "task not found"}
            return {"errcode": 0, "send_result": result, "request_id": "r"}
        user, content = sent["userid_list"], sent["msg"]["text"]["content"]
        task_id = 70000 + len(self.tasks)
        result: dict[str, list[Any]] = defaultdict(list)
        today = self.clock().date()
        same = any(
            r["to"] == user and r["text"] == content and r["at"].date() == today
            for r in self.received
        )
        if user in self.unknown:
            result["invalid_user_id_list"].append(user)
        elif user in self.undeliverable:
            result["failed_user_id_list"].append(user)
        elif same:  # the same text twice in a day: "success", then not delivered
            result["forbidden_list"].append({"code": "143105", "count": 1, "userid": user})
        else:
            result["unread_user_id_list"].append(user)
            self.received.append({"to": user, "text": content, "at": self.clock()})
        self.tasks[task_id] = dict(result)
        return {"errcode": 0, "task_id": task_id, "request_id": "r"}


@contextmanager
def serving(provider: Provider) -> Iterator[str]:
    """The provider on a local port, for as long as the block lasts: its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            with provider.lock:
                provider.requests.append(f"{self.command} {self.path}")
                answer = provider.answer(self.command, self.path, headers, body)
            status, answer = answer if isinstance(answer, tuple) else (200, answer)
            data = json.dumps(answer, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # A short poll: shutdown waits for it, and a test starts four of these.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
