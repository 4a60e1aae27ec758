"""The channels a message can leave by: what each is given, and the one way it refuses.

Each channel accepts a message or raises DeliveryError: e-mail over SMTP (`delivery.mail`),
text messages through an HTTP gateway (`delivery.sms`), files in the outbox folder when no
gateway is set (`delivery.files`), work notices in WeCom (`delivery.wecom`) and DingTalk
(`delivery.dingtalk`), and template SMS through Aliyun (`delivery.aliyun_sms`) and Tencent Cloud
(`delivery.tencent_sms`). The providers answer with a Handed; those whose answer is not yet the
receipt are asked again later (`Receipts`).
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar, runtime_checkable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

TIMEOUT_SECONDS = 30
T = TypeVar("T")
SHANGHAI = ZoneInfo("Asia/Shanghai")


class DeliveryError(Exception):
    """Raised when a channel did not accept a message; the message stays queued for a retry."""


class UnknownRecipient(DeliveryError):
    """The provider does not know the account or number (WeCom's `invaliduser`): the message
    goes on to the recipient's next channel instead of being retried here."""


@dataclass(frozen=True, slots=True)
class Handed:
    """What a provider said when it took a message: its answer is the receipt (`delivered`),
    or the receipt comes later, asked for by `reference` (the provider's id)."""

    delivered: bool = False
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class Pending:
    """A message a provider took, waiting for its receipt."""

    reference: str
    address: str
    sent_on: str  # the day it went, YYYYMMDD, as the SMS clouds are asked by day


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message as a channel sends it."""

    send_key: str
    address: str
    subject: str
    body: str
    attachment: Path | None = None
    calendar: str | None = None  # an .ics for the recipient's calendar (REQUEST or CANCEL)
    also: tuple[Path, ...] = ()  # more files: a sign-in sheet's workbook beside its PDF
    reference: str = ""  # an opaque name for a confidential message; else the send key
    # A template SMS: the provider's approved template code and its parameters, in order.
    template: str = ""
    params: tuple[tuple[str, str], ...] = ()

    @property
    def shown_as(self) -> str:
        """How the message is named outside the database: outbox files, gateway ids."""
        return self.reference or self.send_key


class Sender(Protocol):
    """What delivers on one channel (SMTP, the SMS gateway, the file outbox, a provider): None
    from a channel that gives no receipt, else what the provider answered."""

    def send(self, message: Outgoing) -> Handed | None: ...
    def close(self) -> None: ...


@runtime_checkable
class Receipts(Protocol):
    """A provider asked what became of the messages it took: by reference, True delivered,
    False not delivered; a message it has no word on yet is left out."""

    def receipts(self, pending: list[Pending]) -> dict[str, bool]: ...


def sdk_call(name: str, call: Callable[[], T]) -> T:
    """A cloud SDK's call (`name`: "Aliyun SMS"); its failure a DeliveryError keeping only the
    error's kind and the cloud's code, as the SDKs' texts can quote the signed request."""
    try:
        return call()
    except Exception as error:
        code = getattr(error, "code", None)
        raise DeliveryError(f"{name}: {type(error).__name__} {code or ''}".strip()) from None


def redact(url: str) -> str:
    """A URL without its user name and password, fit for a log line or an error."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def describe(error: BaseException) -> str:
    # Exception texts from smtplib can echo the AUTH line; keep only the kind and the server's code.
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__} {error.smtp_code}"
    if isinstance(error, TimeoutError | smtplib.SMTPServerDisconnected):
        return f"{type(error).__name__} ({error})"  # "timed out", "Connection unexpectedly closed"
    return type(error).__name__ + (
        f" ({error.strerror})" if isinstance(error, OSError) and error.strerror else ""
    )
