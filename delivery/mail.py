"""E-mail: a message composed as MIME, with its attachments and calendar entry, and sent over
SMTP on one connection."""

from __future__ import annotations

import contextlib
import hashlib
import smtplib
import ssl
from datetime import datetime
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, parseaddr
from types import TracebackType
from typing import Self
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

from delivery.channels import SHANGHAI, TIMEOUT_SECONDS, DeliveryError, Outgoing, describe, redact

SMTP_LINES = compat32.clone(linesep="\r\n")


def message_id(send_key: str) -> str:
    """The same Message-ID for every attempt, so a resend after a crash can be recognised."""
    return f"<{hashlib.sha256(send_key.encode()).hexdigest()[:32]}@lianjie>"


SUBTYPES = {".pdf": "pdf", ".xlsx": "vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def compose_email(message: Outgoing, sender: str, zone: ZoneInfo = SHANGHAI) -> Message:
    """A UTF-8 e-mail with its PDF attached, if any.

    Built with the classic MIME classes: the modern EmailMessage API parses and refolds every
    header it is given, which made composing cost more than sending.
    """
    text = MIMEText(message.body, "plain", "utf-8")
    email: Message = text
    if message.attachment is not None or message.calendar is not None or message.also:
        email = MIMEMultipart()
        email.attach(text)
    for path in ([message.attachment] if message.attachment is not None else []) + list(
        message.also
    ):
        attachment = MIMEApplication(path.read_bytes(), SUBTYPES.get(path.suffix, "octet-stream"))
        attachment.add_header("Content-Disposition", "attachment", filename=path.name)
        email.attach(attachment)
    if message.calendar is not None:
        entry = MIMEText(message.calendar, "calendar", "utf-8")
        method = "CANCEL" if "METHOD:CANCEL" in message.calendar else "REQUEST"
        entry.set_param("method", method)
        entry.add_header("Content-Disposition", "attachment", filename="session.ics")
        email.attach(entry)
    email["From"] = sender
    email["To"] = message.address
    # The Header itself, not its encoded text: folded as it is written, the first encoded
    # word beside the name (typeshed says str; the email package takes either).
    email["Subject"] = Header(message.subject, "utf-8", header_name="Subject")  # type: ignore[assignment]
    # In the organisation's zone: a reader sees the hour it was sent there (+0800), not UTC.
    email["Date"] = format_datetime(datetime.now(zone))
    email["Message-ID"] = message_id(message.send_key)
    return email


class _HungUp(Exception):
    """Raised when an SMTP server closed the connection before a message's content went."""


class SmtpChannel:
    """E-mail over SMTP (`smtp://user:pass@host:587?starttls=1` or `smtps://…`); one connection."""

    def __init__(
        self,
        url: str,
        sender: str,
        *,
        timeout: float = TIMEOUT_SECONDS,
        zone: ZoneInfo = SHANGHAI,
    ) -> None:
        self.url, self.sender, self.timeout, self.zone = url, sender, timeout, zone
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        parts = urlsplit(self.url)
        options = parse_qs(parts.query)
        host, port = parts.hostname or "localhost", parts.port
        try:
            if parts.scheme == "smtps":
                connection: smtplib.SMTP = smtplib.SMTP_SSL(
                    host, port or 465, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                connection = smtplib.SMTP(host, port or 25, timeout=self.timeout)
                if options.get("starttls", ["0"])[0] in {"1", "true", "yes"}:
                    connection.starttls(context=ssl.create_default_context())
            if parts.username:
                connection.login(unquote(parts.username), unquote(parts.password or ""))
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"SMTP {redact(self.url)}: {describe(error)}") from None
        return connection

    def send(self, message: Outgoing) -> None:
        # SMTP lines end in CRLF; smtplib leaves bytes as they are given.
        email = compose_email(message, self.sender, self.zone).as_bytes(policy=SMTP_LINES)
        try:
            self._transmit(email, message.address)
        except _HungUp:
            # The server hung up before this message's content went (an idle connection it
            # closed, or its limit of messages a connection): nothing of it was received,
            # so it goes again on a new connection, once.
            self.close()
            try:
                self._transmit(email, message.address)
            except _HungUp as error:
                self.close()
                raise DeliveryError(f"SMTP {redact(self.url)}: {error}") from None
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise DeliveryError(f"SMTP {redact(self.url)}: {describe(error)}") from None

    def _transmit(self, email: bytes, address: str) -> None:
        """MAIL, RCPT and DATA on the open connection (one is opened when there is none)."""
        if self._connection is None:
            self._connection = self._connect()
        connection = self._connection
        sender = parseaddr(self.sender)[1]
        try:
            connection.ehlo_or_helo_if_needed()
            code, reply = connection.mail(sender)
        except (smtplib.SMTPServerDisconnected, ConnectionError) as error:
            raise _HungUp(describe(error)) from None
        if code == 421:  # "closing": the server hangs up with this answer
            raise _HungUp(f"{code} {reply.decode(errors='replace')}")
        if code != 250:
            connection.rset()
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        code, reply = connection.rcpt(address)
        if code not in (250, 251):
            connection.rset()
            raise DeliveryError(f"SMTP refused {address}: {code} {reply.decode(errors='replace')}")
        # From here a hang-up may come after the server took the message: it is not sent
        # again now; the next dispatch retries it with the same Message-ID.
        code, reply = connection.data(email)
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._connection.quit()
            self._connection = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()
