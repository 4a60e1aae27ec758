"""A real `lianjie web` under a storm of wrong passwords: each failed sign-in is answered after
its wait, and while sixty of them wait the site's other pages still answer (the waits hold no
worker thread; forty would have stopped the site)."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from harness.servers import free_port

STORM = 60


@pytest.fixture
def site_url(tmp_path: Path, isolated_settings: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "lianjie.cli", "web", "--port", str(port)],
        stdout=(tmp_path / "web.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/sign-in").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def wrong_password(
    url: str, pending: list[int], lock: threading.Lock, answers: list[int], sent: list[int]
) -> None:
    with httpx.Client(base_url=url, timeout=120) as client:
        form = client.get("/sign-in")
        token = re.search(r'name="token" value="([^"]+)"', form.text)
        assert token is not None
        # the form's cookie is Secure: sent by hand, as a browser sends it to 127.0.0.1
        cookie = form.headers["set-cookie"].split(";")[0]
        client.cookies.clear()
        with lock:
            pending.append(1)
            sent.append(1)
        try:
            answer = client.post(
                "/sign-in",
                data={"name": "nobody", "password": "x", "token": token[1]},
                headers={"cookie": cookie},
            )
            answers.append(answer.status_code)
        finally:
            with lock:
                pending.pop()


@pytest.mark.slow
def test_waiting_sign_ins_hold_up_no_other_page(site_url: str) -> None:
    pending: list[int] = []  # sign-ins sent and not yet answered
    sent: list[int] = []
    answers: list[int] = []
    lock = threading.Lock()
    storm = [
        threading.Thread(target=wrong_password, args=(site_url, pending, lock, answers, sent))
        for _ in range(STORM)
    ]
    for thread in storm:
        thread.start()
    while len(sent) < STORM and any(t.is_alive() for t in storm):
        time.sleep(0.05)
    # every sign-in is sent; the name's failures grow, and their waits with them (to 8 s)
    answered = httpx.get(f"{site_url}/sign-in", timeout=120)
    still_waiting = len(pending)
    for thread in storm:
        thread.join()
    assert 200 == answered.status_code
    assert [401] * STORM == answers  # wrong passwords, not refused forms
    assert still_waiting > 40, still_waiting
