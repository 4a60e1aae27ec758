"""`lianjie users add | list | disable`: the site's accounts from the command line, as the
contract words them; a mistake is one line and exit 2."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from lianjie.web.passwords import matches
from models.accounts import account_named
from models.db import session_for


def users(*args: str, password: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lianjie.cli", "users", *args],
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=os.environ.copy(),
    )


def test_accounts_are_added_listed_and_disabled(db_url: str) -> None:
    added = users("add", "team1", "--role", "unit:U1,U2", password="a long passphrase")
    assert 0 == added.returncode, added.stderr
    assert "account team1 added: unit:U1,U2" in added.stdout
    assert "a long passphrase" not in added.stdout
    jiwei = users("add", "jiwei", "--role", "discipline", password="another one 2026")
    assert 0 == jiwei.returncode
    with session_for(db_url) as session:
        account = account_named(session=session, name="team1")
        assert account is not None and ["U1", "U2"] == account.units
        assert matches("a long passphrase", account.password_hash)
        assert "a long passphrase" not in account.password_hash
    assert ["jiwei\tdiscipline\tactive", "team1\tunit:U1,U2\tactive"] == users(
        "list"
    ).stdout.splitlines()
    assert 0 == users("disable", "team1").returncode
    assert "team1\tunit:U1,U2\tdisabled" in users("list").stdout


def test_mistakes_are_one_line_and_exit_2(db_url: str) -> None:
    cases = [
        (("add", "x", "--role", "admin"), "role 'admin'"),
        (("add", "x", "--role", "unit:"), "role 'unit:'"),
        (("add", "x", "--role", "unit:../etc"), "codes of letters"),
        (("add", "x", "--role", "organisation"), "at least 10 characters"),
        (("disable", "nobody"), "no account named 'nobody'"),
    ]
    for args, words in cases:
        answer = users(*args, password="short")
        assert 2 == answer.returncode, args
        assert words in answer.stderr and 1 == len(answer.stderr.strip().splitlines()), answer
        assert "Traceback" not in answer.stderr
    users("add", "org", "--role", "organisation", password="a long passphrase")
    again = users("add", "org", "--role", "organisation", password="a long passphrase")
    assert 2 == again.returncode and "exists already" in again.stderr


@pytest.mark.slow  # a real server process, waited for (a minute at most) on a busy machine
def test_lianjie_web_serves_the_sign_in_page_on_loopback(db_url: str) -> None:
    import time
    import urllib.request

    from harness.servers import free_port

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "lianjie.cli", "web", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    try:
        for _ in range(300):  # up to a minute for the interpreter and imports on a busy machine
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in") as page:
                    body = page.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("the site did not answer")
        assert "登录" in body and 'name="token"' in body
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in out


@pytest.mark.parametrize(
    ("environment", "passes"),
    [
        ({}, True),
        ({"LIANJIE_WEB_HOST": "::1"}, True),
        ({"LIANJIE_WEB_HOST": "0.0.0.0"}, False),
        ({"LIANJIE_WEB_HOST": "10.1.2.3", "LIANJIE_WEB_PROXY": "true"}, True),
    ],
)
def test_doctor_fails_a_site_open_beyond_loopback_without_a_proxy(
    environment: dict[str, str], passes: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.settings import Settings
    from lianjie.doctor import _site

    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    ok, _, detail = _site(Settings())
    assert passes == ok, detail


def test_lianjie_web_refuses_an_open_address_without_a_proxy(db_url: str) -> None:
    answer = subprocess.run(
        [sys.executable, "-m", "lianjie.cli", "web", "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=os.environ.copy(),
    )
    assert 2 == answer.returncode
    assert "LIANJIE_WEB_PROXY=true" in answer.stderr
    assert 1 == len(answer.stderr.strip().splitlines())
