"""The official mainland working calendar: statutory holidays, in-lieu days and local overrides."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from holidays import country_holidays

from core.exceptions import LianjieInputError

# The holidays package names festivals in English; the policy and the cards use these keys.
FESTIVALS: dict[str, tuple[str, str, str]] = {
    "New Year's Day": ("new_year", "元旦", "New Year's Day"),
    "Chinese New Year (Spring Festival)": ("spring_festival", "春节", "Spring Festival"),
    "Chinese New Year's Eve": ("spring_festival", "春节", "Spring Festival"),
    "Tomb-Sweeping Day": ("qingming", "清明节", "Qingming Festival"),
    "Labor Day": ("labour_day", "劳动节", "Labour Day"),
    "Dragon Boat Festival": ("dragon_boat", "端午节", "Dragon Boat Festival"),
    "Mid-Autumn Festival": ("mid_autumn", "中秋节", "Mid-Autumn Festival"),
    "National Day": ("national_day", "国庆节", "National Day"),
}


@dataclass(frozen=True, slots=True)
class HolidayBreak:
    """A run of consecutive days off around a statutory holiday, as the official notice sets it."""

    key: str
    name_zh: str
    name_en: str
    first_day: date
    last_day: date
    estimated: bool  # no official notice for the year yet: days off follow the library's rules


class WorkingCalendar:
    """Answers which days are working days, using the official notice where one exists."""

    def __init__(self, years: range, overrides: Path | None = None) -> None:
        self._holidays = country_holidays("CN", years=list(years))
        self._days_off: set[date] = set(self._holidays)
        self._working_weekends = {d for d in self._holidays.weekend_workdays if d.year in years}
        self.official_years = {d.year for d in self._working_weekends}
        if overrides is not None:
            self._apply_overrides(overrides)

    def _apply_overrides(self, path: Path) -> None:
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
            for year, entry in document.get("years", {}).items():
                self._days_off |= {date.fromisoformat(d) for d in entry.get("days_off", [])}
                working = {date.fromisoformat(d) for d in entry.get("working_days", [])}
                self._working_weekends |= working
                self._days_off -= working
                self.official_years.add(int(year))
        except (OSError, tomllib.TOMLDecodeError, ValueError, TypeError, AttributeError) as error:
            raise LianjieInputError(f"calendar override file {path}: {error}") from None

    def is_estimated(self, year: int) -> bool:
        """True when no official notice (library or override file) is known for the year."""
        return year not in self.official_years

    def is_working_day(self, day: date) -> bool:
        if day in self._working_weekends:
            return True
        return day.weekday() < 5 and day not in self._days_off

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def deadline(self, day: date) -> date:
        """A deadline that falls on a day off moves back to the working day before it."""
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def send_day(self, day: date, occasion: date | None) -> date:
        """The day a message due on `day` goes out: the next working day, unless its occasion
        (a session, a holiday) would pass before then — then the day itself."""
        working = self.next_working_day(day)
        return working if occasion is None or working <= occasion else day

    def working_days(self, first: date, last: date) -> list[date]:
        """Working days from `first` to `last`, both included."""
        span = (last - first).days + 1
        days = (first + timedelta(days=n) for n in range(max(span, 0)))
        return [d for d in days if self.is_working_day(d)]

    def shift_working_days(self, day: date, count: int) -> date:
        """The working day `count` working days after (or, negative, before) `day`."""
        step = timedelta(days=1 if count >= 0 else -1)
        remaining = abs(count)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def breaks(self, first: date, last: date) -> list[HolidayBreak]:
        """The holiday breaks that start between `first` and `last`, each once."""
        found: dict[date, HolidayBreak] = {}
        for day, name in sorted(self._holidays.items()):
            festival = FESTIVALS.get(name)
            if festival is None:
                continue
            start, end = self._break_around(day)
            if first <= start <= last and start not in found:
                key, name_zh, name_en = festival
                found[start] = HolidayBreak(
                    key, name_zh, name_en, start, end, self.is_estimated(start.year)
                )
        return list(found.values())

    def _break_around(self, day: date) -> tuple[date, date]:
        start = end = day
        while not self.is_working_day(start - timedelta(days=1)):
            start -= timedelta(days=1)
        while not self.is_working_day(end + timedelta(days=1)):
            end += timedelta(days=1)
        return start, end


def calendar_for(first: date, last: date, overrides: Path | None = None) -> WorkingCalendar:
    """A calendar covering the dates from `first` to `last` with a year's margin either side."""
    return WorkingCalendar(range(first.year - 1, last.year + 2), overrides)
