"""What goes with a message: the channel it leaves by, its attachments, its calendar entry."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from core.domain import Channel, MessageKind, Quarter, Route, name_in
from core.send_keys import holiday_of
from core.settings import Settings
from delivery.channels import Sender
from delivery.dingtalk import DingTalkChannel
from delivery.files import FileOutbox
from delivery.mail import SmtpChannel
from delivery.sms import SmsGateway
from delivery.wecom import WeComChannel
from flows.common import RunSettings, quarter_policy
from flows.messages import render_cards
from models.db import session_for
from models.education import session_details
from models.tables import Message
from policy.reminders import extra_breaks, reminder_due_on
from policy.schedule import ends_at
from reports.invites import Occasion


def open_channel(kind: str, config: Settings) -> Sender:
    """The configured gateway for a kind of message, or the file outbox when none is set."""
    if kind == Channel.email and config.smtp_url is not None:
        return SmtpChannel(config.smtp_url.get_secret_value(), config.sender, zone=config.zone)
    if kind == Channel.sms and config.sms_url is not None:
        return SmsGateway(config.sms_url.get_secret_value())
    return FileOutbox(config.outbox_dir, kind, config.sender, config.zone)


def open_route(route: Route, config: Settings) -> Sender:
    """The sender of a route set up here (Settings.text_routes); the SMS gateway's is the
    gateway, or the file outbox."""
    if route == Route.wecom and config.wecom_secret and config.wecom_corp_id:
        secret = config.wecom_secret.get_secret_value()
        return WeComChannel(
            config.wecom_api_url, config.wecom_corp_id, secret, config.wecom_agent_id or 0
        )
    if route == Route.dingtalk and config.dingtalk_app_secret and config.dingtalk_app_key:
        secret = config.dingtalk_app_secret.get_secret_value()
        return DingTalkChannel(
            config.dingtalk_api_url, config.dingtalk_app_key, secret, config.dingtalk_agent_id or 0
        )
    # The clouds' SDKs take half a second to import: only a dispatch that uses one pays it.
    if route == Route.aliyun_sms and config.aliyun_sms_access_key_secret:
        from delivery.aliyun_sms import AliyunSms  # noqa: PLC0415

        return AliyunSms(
            config.aliyun_sms_api_url,
            config.aliyun_sms_access_key_id or "",
            config.aliyun_sms_access_key_secret.get_secret_value(),
            config.aliyun_sms_sign_name or "",
        )
    if route == Route.tencent_sms and config.tencent_sms_secret_key:
        from delivery.tencent_sms import TencentSms  # noqa: PLC0415

        return TencentSms(
            config.tencent_sms_api_url,
            config.tencent_sms_secret_id or "",
            config.tencent_sms_secret_key.get_secret_value(),
            config.tencent_sms_sdk_app_id or "",
            config.tencent_sms_sign_name or "",
            config.tencent_sms_region,
        )
    return open_channel(Channel.sms, config)


def occasion(db_url: str, code: str, lang: str) -> Occasion | None:
    """What a calendar entry shows of a session: its day, hours, programme and venue."""
    with session_for(db_url) as session:
        found = session_details(session=session, code=code)
    if found is None:
        return None
    stored, programme = found
    return Occasion(
        stored.held_on,
        stored.starts_at,
        ends_at(stored.starts_at, programme.duration_minutes),
        name_in(programme, lang),
        stored.venue,
    )


def attachment_of(message: Message, run: RunSettings) -> Path | None:
    """The message's attachment, found under the data folder; a greeting card that has gone
    missing (another machine, a cleaned folder) is rendered again."""
    if not message.attachment:
        return None
    path = Path(message.attachment)
    path = path if path.is_absolute() else run.data_dir / path
    if not path.is_file() and message.kind == MessageKind.holiday_reminder:
        render_card_again(message, path, run)
    return path


def workbook_beside(message: Message, attachment: Path | None) -> tuple[Path, ...]:
    """A sign-in sheet goes with its workbook, the file the organiser fills in afterwards."""
    if message.kind != MessageKind.sign_in_sheet or attachment is None:
        return ()
    workbook = attachment.with_suffix(".xlsx")
    return (workbook,) if workbook.is_file() else ()


def render_card_again(message: Message, path: Path, run: RunSettings) -> None:
    """The card of a holiday reminder, from its send key: holiday_reminder:<day>:<key>:…"""
    first_day, key = holiday_of(message.send_key)
    with session_for(run.db_url) as session:
        _, loaded = quarter_policy(session=session, quarter=Quarter.parse(message.quarter))
    found = [
        h
        for h in run.calendar(first_day, first_day).breaks(first_day, first_day)
        + extra_breaks(loaded.policy.reminders)
        if h.key == key and h.first_day == first_day
    ]
    if not found:
        raise FileNotFoundError(f"greeting card {path.name} is missing and {key} is unknown")
    rules = loaded.policy.reminders
    calendar = run.calendar(first_day - timedelta(days=60), first_day)
    dated = [(h, reminder_due_on(h, calendar, rules)) for h in found]
    render_cards(dated, run.lang, run.organisation, path.parent)
