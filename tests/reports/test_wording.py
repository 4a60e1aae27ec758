"""Every message kind × recipient × channel × language, read as the office that sends it."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from jinja2 import Environment

from core.domain import Channel, MessageKind, Quarter, SessionPlan, Track
from policy.calendar import HolidayBreak
from policy.config import ProgrammeRule
from policy.escalation import Overdue, Step
from policy.reminders import PlannedMessage, Recipient
from reports.chasing import escalation_rows
from reports.messages import Composer, SmsStyle, says_pointed_wording
from reports.wording import day_text, shortened, time_range

SESSION = SessionPlan("26Q4-IO-03", "IO", 1, date(2026, 10, 13), time(9), "市委党校报告厅", 60)
NEW_YEAR = HolidayBreak(
    "new_year", "元旦", "New Year's Day", date(2027, 1, 1), date(2027, 1, 3), False
)
PEOPLE = {
    "ordinary": Recipient("E1", "张伟", "13800138000", "e1@example.cn"),
    "money": Recipient("E2", "李娜", "13800138001", "e2@example.cn", key_areas="管钱"),
    "admonition": Recipient("E3", "王强", "13800138002", "e3@example.cn", admonition=True),
}
PROGRAMME = ProgrammeRule(
    code="IO",
    track=Track.in_office,
    name_zh="在职领导干部廉洁教育",
    name_en="Education in office",
    sessions_per_quarter=1,
    duration_minutes=90,
    capacity=40,
)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SPACED = re.compile(r"[\u4e00-\u9fff] [0-9A-Za-z]|[0-9A-Za-z] [\u4e00-\u9fff]")


def compose(kind: MessageKind, who: Recipient, channel: Channel, lang: str) -> dict[str, object]:
    """The outbox row a composer of this person's own writes."""
    return shared_composer(lang).row(planned_message(kind, who, channel))


def planned_message(kind: MessageKind, who: Recipient, channel: Channel) -> PlannedMessage:
    holiday = NEW_YEAR if kind is MessageKind.holiday_reminder else None
    address = who.phone if channel is Channel.sms else who.email
    return PlannedMessage(
        f"{kind}:x:{who.employee_id}:{channel}",
        kind,
        channel,
        who,
        str(address),
        date(2026, 10, 8),
        None,
        holiday,
        None if holiday else SESSION,
    )


KINDS = [MessageKind.invitation, MessageKind.session_reminder, MessageKind.holiday_reminder]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("channel", list(Channel))
@pytest.mark.parametrize("who", list(PEOPLE))
@pytest.mark.parametrize("kind", KINDS)
def test_every_message_reads_as_a_notice(
    kind: MessageKind, who: str, channel: Channel, lang: str
) -> None:
    """Dates with the weekday, no ISO dates, no spaces around data; texts signed and short."""
    row = compose(kind, PEOPLE[who], channel, lang)
    text = f"{row['subject']}\n{row['body']}"
    assert not ISO_DATE.search(text), text
    if lang == "zh":
        assert not SPACED.search(text), text
    if kind is MessageKind.holiday_reminder:
        assert day_text(NEW_YEAR.first_day, lang) in text
    else:
        assert day_text(SESSION.held_on, lang) in text
        assert ("9:00—10:30" if lang == "zh" else "9:00–10:30") in text
    if channel is Channel.sms:
        assert str(row["body"]).startswith("【示范市】")
        assert len(str(row["body"])) <= 140


@pytest.mark.parametrize("channel", list(Channel))
def test_pointed_reminders_name_only_the_persons_own_areas(channel: Channel) -> None:
    """A money post is told of money only; an admonition cadre is never told of a key post."""
    money = compose(MessageKind.holiday_reminder, PEOPLE["money"], channel, "zh")["body"]
    assert "管钱" in str(money) and "管事" not in str(money) and "管人" not in str(money)
    admonition = compose(MessageKind.holiday_reminder, PEOPLE["admonition"], channel, "zh")
    assert "关键权力" not in str(admonition["body"]) and "管钱" not in str(admonition["body"])
    plain = compose(MessageKind.holiday_reminder, PEOPLE["ordinary"], channel, "zh")["body"]
    assert "中央八项规定" in str(plain)


class TestDigests:
    def step(self, level: int, people: int) -> Step:
        items = tuple(
            Overdue(f"E{n:03d}", f"干部{n}", "U01", "财务科科长", "IO", date(2026, 11, 2), False)
            for n in range(people)
        )
        return Step(level, PEOPLE["ordinary"], items)

    @pytest.mark.parametrize("lang", ["zh", "en"])
    def test_a_digest_by_text_gives_the_count_and_points_to_the_email(self, lang: str) -> None:
        """60 people overdue: the text is short and counts them; the e-mail lists every one."""
        rows = escalation_rows(
            self.step(2, 60),
            on=date(2026, 11, 12),
            quarter=Quarter(2026, 4),
            lang=lang,
            organisation="示范市",
            channels=[Channel.sms, Channel.email],
            programmes={"IO": "在职领导干部廉洁教育"},
            units={"U01": "市财政局"},
            sms=SmsStyle("【示范市】", 140),
        )
        sms, email = (next(r for r in rows if r["channel"] == c) for c in ("sms", "email"))
        assert str(sms["body"]).startswith("【示范市】") and len(str(sms["body"])) <= 140
        assert "60" in str(sms["body"])
        assert all(f"干部{n}" in str(email["body"]) for n in range(60))
        assert day_text(date(2026, 11, 2), lang) in str(email["body"])
        assert "escalation:2026Q4:L2:2026-11-12:E1:sms" == sms["send_key"]


def test_the_words_of_dates_and_times() -> None:
    """The forms notices use, in both languages."""
    assert "2026年10月13日（星期二）" == day_text(date(2026, 10, 13), "zh")
    assert "Tuesday 13 October 2026" == day_text(date(2026, 10, 13), "en")
    assert "14:30—16:00" == time_range(time(14, 30), time(16), "zh")
    assert "abc…" == shortened("abcdef", 4)


def shared_composer(lang: str) -> Composer:
    return Composer(
        quarter=Quarter(2026, 4),
        lang=lang,
        organisation="示范市",
        programmes={"IO": PROGRAMME},
        cards={},
        sms=SmsStyle("【示范市】", 140),
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("channel", list(Channel))
@pytest.mark.parametrize("kind", KINDS)
def test_a_text_rendered_once_reads_as_each_persons_own(
    kind: MessageKind, channel: Channel, lang: str
) -> None:
    """One composer for everyone: each person still gets the very text a composer of their own
    would write (the pointed wording never passes to another), and a session's texts, which
    carry none, are rendered once for all."""
    composer = shared_composer(lang)
    for who in PEOPLE.values():
        assert compose(kind, who, channel, lang) == composer.row(
            planned_message(kind, who, channel)
        )
    holiday = kind is MessageKind.holiday_reminder
    assert len(composer._texts) == (len(PEOPLE) if holiday else 1)


class TestPointedWording:
    ENV = Environment()

    @pytest.mark.parametrize(
        ("source", "says"),
        [
            ("{{ name }}同志：请于{{ held_on }}参加。", False),
            ("{% if key_areas %}管好{{ key_areas }}{% endif %}", True),
            ("{% if admonition %}以案为鉴{% endif %}", True),
            ('{% include "messages/zh/common.j2" %}', True),
            ('{% extends "messages/zh/base.j2" %}', True),
        ],
    )
    def test_read_from_the_template(self, source: str, says: bool) -> None:
        """A template that names the wording, or includes another unread, can say it."""
        assert says == says_pointed_wording(self.ENV, source)

    def test_an_included_template_is_read(self) -> None:
        """The one signature every e-mail includes does not make a text pointed; an included
        template that names the wording does."""
        from jinja2 import DictLoader

        from reports.render import environment

        assert not says_pointed_wording(environment(), '{% include "messages/zh/signature.j2" %}')
        env = Environment(loader=DictLoader({"areas.j2": "管好{{ key_areas }}"}))
        assert says_pointed_wording(env, '{% include "areas.j2" %}')


def test_every_email_is_signed_with_the_one_signature() -> None:
    """Invitations, chasers, sheets, notices to organisers and reports close with the same
    words, kept in one template: the sheets' e-mails were signed 示范市 where the invitations
    said 示范市纪委监委."""
    from pathlib import Path

    from reports.render import TEMPLATES

    for lang in ("zh", "en"):
        closing = '{% include "messages/' + lang + '/signature.j2" %}{% endblock %}'
        emails = sorted(Path(TEMPLATES, "messages", lang).glob("*.txt.j2"))
        assert len(emails) >= 9
        for path in emails:
            source = path.read_text(encoding="utf-8").rstrip()
            assert source.endswith(closing), path.name
            assert 1 == source.count("signature.j2"), path.name
