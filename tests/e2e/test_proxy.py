"""The reverse proxy example of docs/server.md, as written there, in front of a real `lianjie
web`: a real nginx (Debian's, from scripts/system-packages.sh) with a throwaway certificate.
Through it a reader signs in over TLS with a Secure cookie, the site's own headers arrive, a
roster is handed in and previewed, and a file over the proxy's body limit is stopped there."""

from __future__ import annotations

import getpass
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from harness.pipeline import write_city
from harness.prefect_api import ROOT
from harness.servers import free_port

NGINX = "/usr/sbin/nginx"
PASSWORD = "zuzhibu-2026-password"


def proxy_example() -> str:
    """The nginx server block docs/server.md gives the site."""
    text = (ROOT / "docs" / "server.md").read_text(encoding="utf-8")
    [block] = [b for b in re.findall(r"```nginx\n(.*?)```", text, re.S) if "8400" in b]
    return str(block)


def config_for(block: str, folder: Path, listen: int, site: int) -> str:
    """The example with this test's ports and certificate, inside the least an nginx needs to
    run as this user from a folder of its own."""
    server = (
        block.replace("listen 443 ssl;", f"listen 127.0.0.1:{listen} ssl;")
        .replace("/etc/ssl/lianjie.crt", str(folder / "lianjie.crt"))
        .replace("/etc/ssl/lianjie.key", str(folder / "lianjie.key"))
        .replace("127.0.0.1:8400", f"127.0.0.1:{site}")
    )
    assert f"127.0.0.1:{site}" in server and str(folder) in server
    temp = " ".join(
        f"{kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # its workers as this user, not nobody: they write the bodies they buffer into `folder`
    return (
        f"user {getpass.getuser()}; daemon off; pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'};\n"
        f"events {{}}\nhttp {{ access_log {folder / 'access.log'}; {temp}\n{server}\n}}\n"
    )


@pytest.fixture
def proxied(tmp_path: Path, isolated_settings: Path) -> Iterator[httpx.Client]:
    folder = tmp_path / "nginx"
    folder.mkdir()
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=lianjie.org.example",
            "-keyout",
            str(folder / "lianjie.key"),
            "-out",
            str(folder / "lianjie.crt"),
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [sys.executable, "-m", "lianjie.cli", "users", "add", "zuzhibu", "--role", "organisation"],
        input=PASSWORD + "\n",
        text=True,
        capture_output=True,
        check=True,
    )
    site_port, listen = free_port(), free_port()
    (folder / "nginx.conf").write_text(config_for(proxy_example(), folder, listen, site_port))
    site = subprocess.Popen(
        [sys.executable, "-m", "lianjie.cli", "web", "--port", str(site_port)],
        stdout=(tmp_path / "web.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    nginx = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=(folder / "nginx.out").open("w"),
    )
    client = httpx.Client(base_url=f"https://127.0.0.1:{listen}", verify=False, timeout=600)
    try:
        for _ in range(300):
            try:
                if client.get("/sign-in").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        else:
            raise AssertionError(
                (folder / "nginx.out").read_text() + (tmp_path / "web.log").read_text()
            )
        yield client
    finally:
        client.close()
        nginx.terminate()
        site.terminate()
        nginx.wait(timeout=30)
        site.wait(timeout=30)


@pytest.mark.slow
def test_the_site_behind_the_documented_proxy(proxied: httpx.Client, tmp_path: Path) -> None:
    client = proxied
    form = client.get("/sign-in")
    assert "nosniff" == form.headers["x-content-type-options"]  # the site's own, passed on
    assert "frame-ancestors 'none'" in form.headers["content-security-policy"]
    token = re.search(r'name="token" value="([^"]+)"', form.text)
    assert token is not None
    signed = client.post(
        "/sign-in", data={"name": "zuzhibu", "password": PASSWORD, "token": token[1]}
    )
    assert 303 == signed.status_code
    cookie = signed.headers["set-cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie

    hand_in = client.get("/hand-in")
    assert 200 == hand_in.status_code
    csrf = re.search(r'name="token" value="([^"]+)"', hand_in.text)
    assert csrf is not None
    roster = write_city(tmp_path, units=2, per_unit=6)
    with roster.open("rb") as handle:
        preview = client.post(
            "/hand-in",
            data={"kind": "roster", "quarter": "2026Q4", "token": csrf[1]},
            files={"file": ("roster.csv", handle, "text/csv")},
        )
    assert 200 == preview.status_code and 'name="ticket"' in preview.text

    # over nginx's own 1 MB default, under the example's limit: it reaches the site, which
    # reads it and says what it is not
    disguised = tmp_path / "disguised.xlsx"
    disguised.write_bytes(b"not a workbook\n" * (5 * 1024 * 1024 // 15))
    with disguised.open("rb") as handle:
        answered = client.post(
            "/hand-in",
            data={"kind": "roster", "quarter": "2026Q4", "token": csrf[1]},
            files={"file": ("disguised.xlsx", handle, "application/octet-stream")},
        )
    assert 400 == answered.status_code and "不是 Excel 工作簿" in answered.text

    # over the example's client_max_body_size: the proxy refuses it, the site never sees it
    big = tmp_path / "big.csv"
    with big.open("wb") as out:
        out.truncate(101 * 1024 * 1024)
    with big.open("rb") as handle:
        refused = client.post(
            "/hand-in",
            data={"kind": "roster", "quarter": "2026Q4", "token": csrf[1]},
            files={"file": ("big.csv", handle, "text/csv")},
        )
    assert 413 == refused.status_code and "nginx" in refused.text
