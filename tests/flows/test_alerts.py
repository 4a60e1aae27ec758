"""Alerts shipped with the project (issue 39, item 5): a run that fails reaches the
organisation department's webhook, through the automations in automations.yaml, put on a real
Prefect server by `lianjie alerts --apply`."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from flows.alerts import alerts, apply_alerts


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict[str, object]]]]:
    """A local webhook (a group robot's stand-in): the JSON of every POST it receives."""
    received: list[dict[str, object]] = []

    class Robot(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"errcode": 0}')

        def log_message(self, *_: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Robot)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/robot", received
    server.shutdown()


def test_the_automations_are_worded_in_the_operators_language() -> None:
    chinese = {a.name: a for a in alerts("zh")}
    assert {"lianjie-run-failed", "lianjie-run-not-started"} == set(chinese)
    assert "运行失败" in chinese["lianjie-run-failed"].subject
    assert 1770 == chinese["lianjie-run-not-started"].trigger["within"]
    assert "has not started" in {a.name: a for a in alerts("en")}["lianjie-run-not-started"].subject


@pytest.mark.slow
def test_a_failed_run_reaches_the_webhook(
    prefect_harness: str, receiver: tuple[str, list[dict[str, object]]]
) -> None:
    from prefect import flow, tags
    from prefect.blocks.notifications import CustomWebhookNotificationBlock
    from prefect.client.orchestration import get_client

    url, received = receiver
    apply_alerts(alerts("zh"), url)
    apply_alerts(alerts("zh"), url)  # again: the same automations, once each

    async def named(name: str) -> int:
        async with get_client() as client:
            return len(await client.read_automations_by_name(name))

    assert 1 == asyncio.run(named("lianjie-run-failed"))
    block = CustomWebhookNotificationBlock.load("lianjie-alerts")
    assert url not in block.url  # the robot's key is a secret, masked in the UI

    @flow(name="quarterly-cycle")
    def breaks() -> None:
        raise RuntimeError("the roster file is gone")

    with tags("lianjie"):
        state = breaks(return_state=True)
    assert state.is_failed()
    deadline = time.monotonic() + 120  # the server's triggers and actions run every few seconds
    while not received and time.monotonic() < deadline:
        time.sleep(1)
    assert received, "no notification reached the webhook"
    content = str(received[0]["text"])
    assert "运行失败" in content and "the roster file is gone" in content
    assert "None" not in content  # a server without a UI address says where else to look


def test_the_command_lists_the_alerts_and_asks_for_the_webhook_before_applying(
    isolated_settings: object,
) -> None:
    import os

    from harness.cli import lianjie

    env = {k: v for k, v in os.environ.items() if k != "LIANJIE_ALERT_WEBHOOK_URL"}
    listed = lianjie("alerts", env=env)
    assert 0 == listed.returncode, listed.stderr
    assert "lianjie-run-failed" in listed.stdout and "lianjie-run-not-started" in listed.stdout
    refused = lianjie("alerts", "--apply", env=env)
    assert 2 == refused.returncode
    assert "LIANJIE_ALERT_WEBHOOK_URL" in refused.stderr and "Traceback" not in refused.stderr
