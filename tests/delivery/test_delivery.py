"""Channels for real: an SMTP exchange, an HTTP gateway, and the file outbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from delivery.channels import DeliveryError, Outgoing, redact
from delivery.files import FileOutbox
from delivery.mail import SmtpChannel, message_id
from delivery.sms import SmsGateway
from harness.pipeline import run_settings
from harness.servers import sms_gateway, smtp_server


def outgoing(
    attachment: Path | None = None,
    key: str = "holiday_reminder:2026-02-15:spring_festival:E1:email",
) -> Outgoing:
    return Outgoing(
        key,
        "e1@example.cn",
        "【廉洁提醒】春节将至",
        "张伟同志：春节将至，请廉洁过节。",
        attachment,
    )


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
class TestSmtp:
    def test_real_exchange_with_attachment_and_stable_message_id(self, tmp_path: Path) -> None:
        """The server gets the e-mail, its Chinese subject, the PDF and a send-key Message-ID."""
        card = tmp_path / "card.pdf"
        card.write_bytes(b"%PDF-1.7 card")
        with smtp_server() as (url, inbox):
            channel = SmtpChannel(url, "lianjie@example.cn")
            channel.send(outgoing(card))
            channel.close()
        [email] = inbox
        assert message_id(outgoing().send_key) == email["Message-ID"]
        assert "【廉洁提醒】春节将至" == email["Subject"]
        parts = [p for p in email.walk() if p.get_filename()]
        assert ["card.pdf"] == [p.get_filename() for p in parts]
        assert b"%PDF-1.7 card" == parts[0].get_payload(decode=True)

    def test_a_large_attachment_arrives_whole(self, tmp_path: Path) -> None:
        """A 200 KB greeting card goes in lines SMTP accepts and arrives byte for byte."""
        card = tmp_path / "card.pdf"
        card.write_bytes(bytes(range(256)) * 800)
        with smtp_server() as (url, inbox), SmtpChannel(url, "lianjie@example.cn") as channel:
            channel.send(outgoing(card))
        [email] = inbox
        [part] = [p for p in email.walk() if p.get_filename()]
        assert card.read_bytes() == part.get_payload(decode=True)

    def test_one_connection_for_many_messages(self) -> None:
        """Twenty e-mails go over one connection, not twenty."""
        with smtp_server() as (url, inbox), SmtpChannel(url, "lianjie@example.cn") as channel:
            for n in range(20):
                channel.send(outgoing(key=f"invitation:S:E{n}:email"))
        assert 20 == len(inbox)

    def test_a_server_that_hangs_up_gets_a_new_connection_and_nothing_twice(self) -> None:
        """The server takes three e-mails a connection, then answers 421 and hangs up: the
        channel connects again and sends the e-mail it refused; every one arrives once."""
        keys = [f"invitation:S:E{n}:email" for n in range(10)]
        with smtp_server(per_connection=3) as (url, inbox):
            with SmtpChannel(url, "lianjie@example.cn") as channel:
                for key in keys:
                    channel.send(outgoing(key=key))
            arrived = sorted(email["Message-ID"] for email in inbox)
        assert sorted(message_id(key) for key in keys) == arrived

    def test_login(self) -> None:
        """With a user and password in the URL, lianjie logs in before sending."""
        with smtp_server(login=("clerk", "pa55")) as (url, inbox):
            SmtpChannel(url, "lianjie@example.cn").send(outgoing())
        assert 1 == len(inbox)

    def test_a_server_that_never_answers_times_out(self) -> None:
        """A server that accepts the connection and then says nothing is a delivery error."""
        import socket

        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen()
            port = silent.getsockname()[1]
            url = f"smtp://clerk:hunter2@127.0.0.1:{port}"
            channel = SmtpChannel(url, "x@example.cn", timeout=0.5)
            with pytest.raises(DeliveryError, match=r"Timeout|timed out") as raised:
                channel.send(outgoing())
        assert "hunter2" not in str(raised.value)

    def test_refused_connection_is_a_delivery_error_without_secrets(self) -> None:
        """A server that is down gives an error that names the host but not the password."""
        channel = SmtpChannel("smtp://clerk:hunter2@127.0.0.1:1", "lianjie@example.cn")
        with pytest.raises(DeliveryError) as raised:
            channel.send(outgoing())
        assert "hunter2" not in str(raised.value)
        assert "127.0.0.1" in str(raised.value)


class TestSms:
    def test_json_post_reaches_the_gateway(self) -> None:
        """The gateway gets phone, text and the send key as id."""
        with sms_gateway() as (url, received):
            SmsGateway(url).send(Outgoing("k1", "13800138000", "", "春节将至"))
        assert [{"phone": "13800138000", "text": "春节将至", "id": "k1"}] == received

    def test_gateway_error_is_reported_without_credentials(self) -> None:
        """A 500 is a delivery error; the URL's password never appears."""
        with sms_gateway([500]) as (url, received), pytest.raises(DeliveryError) as raised:
            SmsGateway(url).send(Outgoing("k1", "13800138000", "", "x"))
        assert "500" in str(raised.value)
        assert "s3cret" not in str(raised.value)
        assert [] == received

    @pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
    def test_a_redirect_is_a_failure_and_is_never_followed(self, status: int) -> None:
        """A 3xx is kept for retry; nothing is fetched from the redirect, no credentials sent."""
        with sms_gateway([status]) as (url, received), pytest.raises(DeliveryError) as raised:
            SmsGateway(url).send(Outgoing("k1", "13800138000", "", "x"))
        assert str(status) in str(raised.value)
        assert [] == received

    def test_a_dispatch_behind_a_redirecting_gateway_marks_nothing_sent(
        self, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """All 42-odd texts stay queued for retry, with the 302 as their error."""
        from flows.dispatch import send_due
        from harness.pipeline import SEND_ON, run_cycle, write_city

        run_cycle(db_url, write_city(tmp_path), tmp_path / "cards")
        with sms_gateway([302] * 1000) as (url, received):
            monkeypatch.setenv("LIANJIE_SMS_URL", url)
            counts = send_due.fn(run=run_settings(db_url), kind="sms", on=SEND_ON)
        assert 0 == counts["sent"] and counts["failed"] > 0
        assert [] == received

    def test_garbage_instead_of_http_is_a_delivery_error(self) -> None:
        """A gateway that answers bytes that are not HTTP fails the message, not the dispatch."""
        import socket
        import threading

        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen()

            def answer() -> None:
                connection, _ = server.accept()
                with connection:
                    connection.recv(65536)
                    connection.sendall(b"\x00\xffgarbage\r\n\r\n")

            threading.Thread(target=answer, daemon=True).start()
            url = f"http://127.0.0.1:{server.getsockname()[1]}/send"
            with pytest.raises(DeliveryError, match="SMS gateway"):
                SmsGateway(url).send(Outgoing("k1", "13800138000", "", "x"))


class TestFileOutbox:
    def test_writes_eml_and_json(self, tmp_path: Path) -> None:
        """Without gateways, e-mails become .eml files and texts .json files."""
        FileOutbox(tmp_path, "email", "lianjie@example.cn").send(outgoing())
        FileOutbox(tmp_path, "sms", "lianjie@example.cn").send(
            Outgoing("k:2", "13800138000", "", "提醒")
        )
        [eml] = (tmp_path / "email").iterdir()
        assert eml.suffix == ".eml"
        assert message_id(outgoing().send_key).encode() in eml.read_bytes()
        assert "提醒" == json.loads((tmp_path / "sms" / "k_2.json").read_text())["text"]

    def test_redact(self) -> None:
        """User names and passwords are cut from URLs shown to people."""
        assert "smtp://mail.example.cn:587" == redact("smtp://u:p@mail.example.cn:587?starttls=1")


def test_a_long_chinese_subject_starts_on_its_own_line() -> None:
    """Issue 38: the Subject header was folded with an empty first line, which some parsers
    read as a subject starting with a space."""
    import email
    from email import policy
    from zoneinfo import ZoneInfo

    from delivery.mail import compose_email

    subject = "【廉洁教育】签到表：班子成员“一岗双责”专题教育 26Q4-TM-01，2026年10月13日（星期二）"
    message = compose_email(
        Outgoing("k", "a@b.cn", subject, "正文"), "x@y.cn", ZoneInfo("Asia/Shanghai")
    )
    raw = message.as_bytes()
    start = raw.index(b"Subject:")
    assert raw[start : start + 12] == b"Subject: =?u"
    assert subject == email.message_from_bytes(raw, policy=policy.default)["Subject"]
