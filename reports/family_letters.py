"""Letters to cadres' families with a holiday reminder wave (家庭助廉): the letter a family
reads (one PDF per holiday, the same for every family) and the outbox rows that carry it. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from pathlib import Path

from core.domain import CadreRecord, Channel, MessageKind, MessageStatus, Quarter, name_in
from core.send_keys import family_letter_key
from models.outbox import OutboxRow
from policy.calendar import HolidayBreak
from policy.reminders import Recipient
from reports.messages import SmsStyle, render_message
from reports.render import RenderJob, labels, safe_file_name
from reports.text_params import as_stored, template_params
from reports.wording import long_day
from reports.workbooks import saved, to_fill_in


def letter_job(
    holiday: HolidayBreak,
    dated: date,
    *,
    paragraphs: Mapping[str, list[str]],
    lang: str,
    organisation: str,
    folder: Path,
    slip: bool = False,
) -> RenderJob:
    """A holiday's letter to the families (致干部家属的一封信), dated the day it goes; in the
    organisation's words when the policy has them for this language."""
    words = labels(lang)
    return RenderJob(
        "family_letter.html.j2",
        {
            "t": words,
            "organisation": organisation,
            "holiday": name_in(holiday, lang),
            "paragraphs": paragraphs.get(lang) or words["family_letter"]["paragraphs"],
            "dated": long_day(dated, lang),
            "slip": slip,
        },
        folder
        / safe_file_name("family-letter", holiday.first_day.isoformat(), *(["slip"] * slip), lang),
    )


def family_letter_rows(
    families: Iterable[tuple[str, Recipient]],
    owned: list[tuple[HolidayBreak, date]],
    *,
    quarter: Quarter,
    letters: Mapping[date, str],
    channels: list[Channel],
    lang: str,
    organisation: str,
    sms: SmsStyle,
) -> list[OutboxRow]:
    """Per (contact key, family member as a recipient whose employee id is the cadre's), a
    letter by e-mail (`letters`: each holiday's PDF, by its first day) and a short text, on
    the day the holiday's reminders go. Every family reads the same words: nothing in them
    depends on the cadre's tracks."""
    rows: list[OutboxRow] = []
    for contact, family in families:
        for holiday, due_on in owned:
            context = {"name": family.name, "organisation": organisation}
            context |= {"holiday": name_in(holiday, lang)}
            for channel, address in family.addresses(channels):
                subject, body = render_message("family_letter", lang, context, channel=channel)
                rows.append(
                    {
                        "send_key": family_letter_key(
                            contact, holiday.first_day, holiday.key, channel.value
                        ),
                        "quarter": quarter.label,
                        "kind": MessageKind.family_letter,
                        "channel": channel.value,
                        "recipient": address,
                        "employee_id": family.employee_id,
                        "subject": subject,
                        "body": sms.text(body) if channel == Channel.sms else body,
                        "attachment": letters[holiday.first_day]
                        if channel == Channel.email
                        else None,
                        "due_on": due_on,
                        "expires_on": holiday.first_day - timedelta(days=1),
                        "status": MessageStatus.queued,
                        "last_error": None,
                        "params": as_stored(template_params("family_letter", context, lang))
                        if channel == Channel.sms
                        else None,
                    }
                )
    return rows


SLIP_HEADER = ["工号", "干部姓名", "单位", "家属姓名", "关系", "回执日期", "备注"]


def write_slip_list(
    path: Path, title: str, families: Iterable[tuple[CadreRecord, str, str]]
) -> Path:
    """The list of the consenting families (cadre, family member's name, relation) an office
    fills in as the slips come back, and hands to `lianjie collect`."""
    workbook, _ = to_fill_in(
        title,
        SLIP_HEADER,
        ([c.employee_id, c.name, c.unit_name, name, relation] for c, name, relation in families),
        sheet_title="家属回执",
        widths=(12, 10, 26, 10, 8, 12, 20),
        date_columns=(6,),
    )
    return saved(workbook, path)
