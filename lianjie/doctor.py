"""`lianjie doctor`: is this machine ready to run a quarter?"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import text

from delivery.channels import redact
from lianjie.settings import Settings
from models.db import engine_for, redacted_url

Check = tuple[bool, str, str]


def checks() -> list[Check]:
    """Every check, each with a line saying what was found."""
    config = Settings()
    return [_database(config), _prefect(), _fonts(), _output(config), _mail(config)]


def _database(config: Settings) -> Check:
    try:
        with engine_for(config.db_url).connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        return False, "database", f"{redacted_url(config.db_url)}: {type(error).__name__}"
    return True, "database", redacted_url(config.db_url)


def _prefect() -> Check:
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if not url:
        return True, "prefect", "no PREFECT_API_URL: flows run against Prefect's embedded API"
    try:
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            client.api_healthcheck()
    except Exception as error:
        return False, "prefect", f"{url} did not answer ({type(error).__name__})"
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
    folder = config.reports_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError as error:
        return False, "output folder", f"{folder}: {error.strerror}"
    return True, "output folder", str(Path(folder).resolve())


def _mail(config: Settings) -> Check:
    channels = []
    channels.append(
        f"e-mail via {redact(config.smtp_url.get_secret_value())}"
        if config.smtp_url
        else f"e-mail to the file outbox {config.outbox_dir}"
    )
    channels.append(
        f"SMS via {redact(config.sms_url.get_secret_value())}"
        if config.sms_url
        else "SMS to the file outbox"
    )
    return True, "mail", "; ".join(channels)
