"""Real servers on loopback for tests (and the benchmarks): an SMTP server (aiosmtpd), an HTTP SMS
gateway and a Prefect server."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import Message
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class HangingUp:
    """An SMTP handler that, like a server limiting the messages of one connection, answers 421
    to the next MAIL FROM after `per_connection` messages and hangs up (0: no limit)."""

    def __init__(self, per_connection: int = 0) -> None:
        self.per_connection = per_connection
        self.connections = 0

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.connections += 1
        # Counted on the session itself: id() of a closed connection's session is reused.
        session.delivered = 0
        session.host_name = hostname
        return responses

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.per_connection and getattr(session, "delivered", 0) >= self.per_connection:
            asyncio.get_running_loop().call_later(0.01, server.transport.close)
            return "421 4.7.0 Too many messages on this connection, closing"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"


class _Inbox(HangingUp):
    def __init__(self, delay: float, reply: str, per_connection: int = 0) -> None:
        super().__init__(per_connection)
        self.messages: list[Message] = []
        self.delay, self.reply = delay, reply

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:  # a slow server, so that a test can kill a sender between two messages
            await asyncio.sleep(self.delay)
        if self.reply.startswith("250"):
            self.messages.append(message_from_bytes(envelope.content, policy=default))
            session.delivered = getattr(session, "delivered", 0) + 1
        return self.reply


def _authenticator(user: str, password: str) -> Any:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            user.encode(),
            password.encode(),
        )
        return AuthResult(success=ok)

    return check


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(
    delay: float = 0.0,
    login: tuple[str, str] | None = None,
    reply: str = "250 OK",
    per_connection: int = 0,
) -> Iterator[tuple[str, list[Message]]]:
    """An SMTP server on a free loopback port; yields its URL and the messages it accepted.

    With `login`, the server requires AUTH LOGIN/PLAIN with that user and password; `reply` is
    what it answers to each message (a 4xx or 5xx refuses them all); with `per_connection`, it
    hangs up on a connection after that many messages.
    """
    inbox = _Inbox(delay, reply, per_connection)
    port = free_port()
    options: dict[str, Any] = {}
    if login:
        options = {
            "authenticator": _authenticator(*login),
            "auth_required": True,
            "auth_require_tls": False,
        }
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        user = f"{login[0]}:{login[1]}@" if login else ""
        yield f"smtp://{user}127.0.0.1:{port}", inbox.messages
    finally:
        controller.stop()


@contextmanager
def sms_gateway(statuses: list[int] | None = None) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """An HTTP gateway answering the given statuses in turn (then 200); yields URL and bodies."""
    received: list[dict[str, Any]] = []
    answers = list(statuses or [])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = answers.pop(0) if answers else 200
            if status == 200:
                received.append(json.loads(body))
            self.send_response(status)
            if 300 <= status < 400:  # a redirect elsewhere: a client must not follow it
                self.send_header("Location", "/elsewhere")
            self.end_headers()
            self.wfile.write(b'{"ok": true}')

        def do_GET(self) -> None:
            # Only a client that followed a redirect comes here; it is recorded to be caught.
            received.append({"followed": self.path, "auth": self.headers.get("Authorization")})
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://user:s3cret@127.0.0.1:{server.server_address[1]}/send", received
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def prefect_server(home: Path, **settings: str) -> Iterator[dict[str, str]]:
    """`prefect server start` on a free loopback port with its own home (its log in it).

    Yields the environment a client of that server runs in: no PREFECT_ setting of ours leaks
    in, PREFECT_API_URL points at the server, and `settings` are added.
    """
    port = free_port()
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | {
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # On a loaded 2-core machine the server's SQLite file stayed locked past Prefect's 10 s:
        # a worker's heartbeat failed ("database is locked") and the worker took the run it
        # held, paused for an operator's answer, down with it ("cancelled by the runtime
        # environment"). A server on SQLite under load waits longer for its turn.
        "PREFECT_SERVER_DATABASE_TIMEOUT": "60",
        # And its clients (the worker, a paused run polling for its answer) wait for a slow
        # answer and try again, rather than crash the run they serve (a paused run crashed
        # twice in CI while the other test worker loaded the machine; its message unseen).
        "PREFECT_API_REQUEST_TIMEOUT": "300",
        "PREFECT_CLIENT_MAX_RETRIES": "10",
        **settings,
    }
    prefect = str(Path(sys.executable).with_name("prefect"))
    with (home / "server.log").open("w") as log:
        server = subprocess.Popen(
            [prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2):
                        break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise RuntimeError((home / "server.log").read_text()[-3000:]) from None
                    time.sleep(0.5)
            yield env
        finally:
            server.terminate()
            server.wait(timeout=30)
