"""The outbox folder: messages written as files when no gateway is set, to be read or sent on
by hand."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from core.domain import Channel
from delivery.channels import SHANGHAI, Outgoing
from delivery.mail import compose_email


def _safe_name(send_key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", send_key)


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file and rename it, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


class FileOutbox:
    """Writes e-mails as .eml and text messages as .json files: the default with no gateway."""

    def __init__(self, folder: Path, kind: str, sender: str, zone: ZoneInfo = SHANGHAI) -> None:
        self.folder, self.kind, self.sender, self.zone = folder, kind, sender, zone

    def send(self, message: Outgoing) -> None:
        name = _safe_name(message.shown_as)
        if self.kind == Channel.email:
            data = compose_email(message, self.sender, self.zone).as_bytes()
            write_atomically(self.folder / "email" / f"{name}.eml", data)
        else:
            payload = {"phone": message.address, "text": message.body, "id": message.shown_as}
            data = json.dumps(payload, ensure_ascii=False, indent=1).encode()
            write_atomically(self.folder / "sms" / f"{name}.json", data)

    def close(self) -> None:
        return None
