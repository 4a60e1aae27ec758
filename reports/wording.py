"""How official notices write dates, times and short texts: pure, used as template filters."""

from __future__ import annotations

from datetime import date, datetime, time

from core.domain import Quarter

WEEKDAYS_ZH = "一二三四五六日"


def day_text(day: date, lang: str) -> str:
    """2026年10月13日（星期二）, or Tuesday 13 October 2026."""
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日（星期{WEEKDAYS_ZH[day.weekday()]}）"
    return f"{day:%A} {day.day} {day:%B %Y}"


def clock(moment: time) -> str:
    """9:00, 14:30: no leading zero, as notices write the hour."""
    return f"{moment.hour}:{moment.minute:02d}"


def time_range(start: time, end: time, lang: str) -> str:
    """9:00—10:30 (a Chinese dash), or 9:00–10:30."""
    return f"{clock(start)}{'—' if lang == 'zh' else '–'}{clock(end)}"


def shortened(text: str, limit: int) -> str:
    """At most `limit` characters; a cut text ends with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


ZONE_NAMES = {"Asia/Shanghai": {"zh": "北京时间", "en": "Beijing time"}}


def moment_text(moment: datetime, lang: str) -> str:
    """2026年11月26日 18:36 北京时间, or 26 November 2026 18:36 Beijing time (UTC+08:00): a
    reader must never have to guess the zone of a printed time."""
    offset = moment.utcoffset()
    assert offset is not None, "a printed moment carries its time zone"
    minutes = int(offset.total_seconds()) // 60
    sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
    utc = f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    name = ZONE_NAMES.get(str(moment.tzinfo), {}).get(lang)
    if name and lang == "zh":
        zone = name
    elif name:
        zone = f"{name} ({utc})"
    else:
        zone = utc
    return f"{long_day(moment.date(), lang)} {moment:%H:%M} {zone}"


def short_day(day: date, lang: str) -> str:
    """12月29日, or 29 Dec: a day within the quarter, in a table or line whose year is given."""
    return f"{day.month}月{day.day}日" if lang == "zh" else f"{day.day} {day:%b}"


def long_day(day: date, lang: str) -> str:
    """2026年12月31日, or 31 December 2026: a day as a document's sentence writes it."""
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else f"{day.day} {day:%B %Y}"


QUARTER_NUMERALS_ZH = "一二三四"


def quarter_text(quarter: Quarter, lang: str) -> str:
    """2026年第四季度, or Q4 2026: the quarter as documents write it (its code stays in files
    and exports)."""
    if lang == "zh":
        return f"{quarter.year}年第{QUARTER_NUMERALS_ZH[quarter.number - 1]}季度"
    return f"Q{quarter.number} {quarter.year}"


def quarter_in_year(quarter: Quarter, lang: str) -> str:
    """第四季度, or Q4: the quarter where the year is given (the year's report, its columns)."""
    number = quarter.number
    return f"第{QUARTER_NUMERALS_ZH[number - 1]}季度" if lang == "zh" else f"Q{number}"


def quoted(name: str, lang: str) -> str:
    """A name in quotation marks, the quotes inside it turned to single ones as the rule is:
    参加“班子成员‘一岗双责’专题教育”, attend "the 'two duties' course"."""
    if lang == "zh":
        return "“" + name.replace("“", "‘").replace("”", "’") + "”"
    return '"' + name.replace('"', "'") + '"'
