"""`lianjie doctor`: is this machine ready to run a quarter?"""

from __future__ import annotations

import ipaddress
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from urllib.parse import urlsplit

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import make_url

from core.prefect_home import prefect_home, readable_by_others
from core.settings import Settings
from lianjie.doctor_channels import channels
from models.engine import new_engine, redacted_url
from models.migrate import MIGRATIONS

Check = tuple[bool, str, str]


def checks() -> list[Check]:
    """Every check, each with a line saying what was found."""
    config = Settings()
    return [
        _database(config),
        _prefect(),
        _prefect_home(),
        _fonts(),
        _output(config),
        _confidential(config),
        *channels(config),
        _site(config),
    ]


def _site(config: Settings) -> Check:
    """The reports site carries passwords and the reports: on loopback behind a TLS proxy, or
    on another address only when the settings say a proxy stands in front."""
    where = f"{config.web_host}:{config.web_port}"
    if problem := site_address_problem(config.web_host, config.web_proxy):
        return False, "reports site", problem
    behind = "loopback" if _loopback(config.web_host) else "behind the proxy"
    return True, "reports site", f"lianjie web listens on {where} ({behind})"


def site_address_problem(host: str, proxy: bool) -> str:
    """Why the reports site may not listen on `host`; "" when it may."""
    if _loopback(host) or proxy:
        return ""
    return (
        f"the reports site on {host} would carry passwords and reports beyond this machine "
        "unencrypted: keep 127.0.0.1 behind a TLS reverse proxy, or set LIANJIE_WEB_PROXY=true "
        "when the proxy reaches it over the network"
    )


def _prefect_home() -> Check:
    """Prefect's database keeps every run's parameters and logs: its owner's alone."""
    home = prefect_home()
    opened = readable_by_others(home)
    if opened:
        named = ", ".join(str(p) for p in opened[:3]) + (" …" if len(opened) > 3 else "")
        return (
            False,
            "prefect home",
            f"{home}: readable by other users ({named}); run `chmod -R go= {home}` "
            "(any lianjie command also does it)",
        )
    return True, "prefect home", f"{home}: its owner's only"


def _confidential(config: Settings) -> Check:
    """The admonition list, confidential records and admonition sign-in sheets are written
    encrypted with LIANJIE_CONFIDENTIAL_PASSWORD. Without it they are written in clear, for
    their owner only: a machine's own affair, but not on a server (PREFECT_API_URL) or where
    the reports folder is served (LIANJIE_REPORTS_URL)."""
    from prefect.settings import PREFECT_API_URL

    if config.confidential_password is not None:
        return (
            True,
            "confidential",
            "confidential outputs are encrypted (LIANJIE_CONFIDENTIAL_PASSWORD)",
        )
    served = [
        name
        for name, value in (
            ("LIANJIE_REPORTS_URL", config.reports_url),
            ("PREFECT_API_URL", PREFECT_API_URL.value()),
        )
        if value
    ]
    if served:
        return (
            False,
            "confidential",
            f"a server deployment ({', '.join(served)} set) without LIANJIE_CONFIDENTIAL_PASSWORD: "
            "the admonition list and sheets would be written in clear; set it",
        )
    return (
        True,
        "confidential",
        "LIANJIE_CONFIDENTIAL_PASSWORD not set: confidential outputs are written in clear, for "
        "their owner only (set it before serving the reports or running a server)",
    )


def warnings() -> list[str]:
    """What is unsafe in how this machine reaches its Prefect server, from the settings alone."""
    from prefect.settings import PREFECT_API_AUTH_STRING, PREFECT_API_URL

    return server_warnings(PREFECT_API_URL.value(), PREFECT_API_AUTH_STRING.value() is not None)


def server_warnings(api_url: str | None, with_auth_string: bool) -> list[str]:
    """A Prefect server on another host shows every run's parameters, logs and artifacts, and
    starts runs, for whoever reaches its port: it needs the auth string, and TLS on the way.
    Said without contacting the server: the settings are enough to know."""
    if not api_url:
        return []
    parts = urlsplit(api_url)
    host = parts.hostname or ""
    if _loopback(host):
        return []
    found = []
    if not with_auth_string:
        found.append(
            f"PREFECT_API_URL names {host}, another machine, and PREFECT_API_AUTH_STRING is not "
            "set: a server others can reach must be locked with an auth string (README, "
            "Running on a server)"
        )
    if parts.scheme == "http":
        found.append(
            f"PREFECT_API_URL is plain http:// to {host}: the auth string and the cadres' data "
            "would cross the network unencrypted; reach the server over https:// through a "
            "reverse proxy (README, Running on a server)"
        )
    return found


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _database(config: Settings) -> Check:
    """Can the database be reached, and at which schema: asked without changing anything (a
    doctor that created or migrated the database it examines would hide what it found)."""
    shown = redacted_url(config.db_url)
    url = make_url(config.db_url)
    local = url.get_backend_name() == "sqlite" and url.database not in {None, "", ":memory:"}
    if local and not Path(str(url.database)).is_file():
        return True, "database", f"{shown}: not created yet (the first run creates it)"
    try:
        with _untouched(config.db_url) if local else nullcontext(config.db_url) as url_read:
            revision = _revision(url_read)
    except Exception as error:
        return False, "database", f"{shown}: {type(error).__name__}"
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    if revision != head:
        return (
            True,
            "database",
            (
                f"{shown}: schema at {revision or 'none'}, the next run (or `lianjie db upgrade`) "
                f"brings it to {head}"
            ),
        )
    return True, "database", f"{shown}: schema at {head}"


@contextmanager
def _untouched(db_url: str) -> Iterator[str]:
    """A URL that reads a SQLite file without changing it or its neighbours. Closing a read-write
    connection checkpoints a write-ahead log (one left by a run that died, or a run's in
    progress) into the file examined, and even a read-only connection writes its read marks to
    the shared-memory file: with no log, the file is opened as immutable; with one, a private
    copy of the file and its log is read instead."""
    path = Path(str(make_url(db_url).database)).resolve()
    log = path.with_name(path.name + "-wal")
    if not log.is_file() or log.stat().st_size == 0:
        yield f"sqlite:///file:{path}?mode=ro&immutable=1&uri=true"
        return
    with tempfile.TemporaryDirectory(prefix="lianjie-doctor-") as folder:
        copy = Path(folder) / path.name
        shutil.copyfile(path, copy)
        shutil.copyfile(log, copy.with_name(log.name))
        yield f"sqlite:///{copy}"


def _revision(db_url: str) -> str | None:
    engine = new_engine(db_url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def _prefect() -> Check:
    from prefect.exceptions import PrefectHTTPStatusError
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if not url:
        return True, "prefect", "no PREFECT_API_URL: flows run against Prefect's embedded API"
    try:
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            # it returns the exception instead of raising it
            problem = client.api_healthcheck()
            if problem is None:  # the health check needs no credentials; hello does
                client.hello()
    except PrefectHTTPStatusError as refused:
        if refused.response.status_code == 401:
            fix = (
                "check PREFECT_API_AUTH_STRING (user:password, as the server has it)"
                if os.environ.get("PREFECT_API_AUTH_STRING")
                else "set PREFECT_API_AUTH_STRING"
            )
            return False, "prefect", f"{url} refused this machine: {fix}"
        problem = refused
    except Exception as error:
        problem = error
    if problem is not None:
        return False, "prefect", f"{url} did not answer ({type(problem).__name__})"
    return True, "prefect", f"{url} answers"


def _fonts() -> Check:
    if shutil.which("fc-list") is None:
        return False, "fonts", "fc-list not found (fontconfig is missing)"
    found = subprocess.run(
        ["fc-list", ":lang=zh", "family"],  # noqa: S607  (found on PATH just above)
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split("\n")
    families = sorted({f.split(",")[0] for f in found if f})
    if not families:
        return False, "fonts", "no CJK font: install fonts-noto-cjk (make install does)"
    return True, "fonts", "CJK: " + ", ".join(families[:4])


def _output(config: Settings) -> Check:
    """Whether reports can be written there; the folder is not made (the first run makes it)."""
    folder = Path(config.reports_dir).resolve()
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        return (
            False,
            "output folder",
            f"{folder}: {existing} is not a folder this user may write in",
        )
    return (
        True,
        "output folder",
        str(folder) + ("" if folder.exists() else " (the first run makes it)"),
    )
