"""Value rules of the file contracts; each parser raises Broken: a reason a clerk reads, coded."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from core.domain import CompletionStatus, DisciplineStatus, LeadershipRole, Rank
from intake.reasons import Broken

Cell = str | int | float | date | datetime | None
E = TypeVar("E", bound=StrEnum)

YES = {"yes", "y", "true", "1", "是", "有"}
NO = {"no", "n", "false", "0", "否", "无"}
PARTY_MEMBER_STATUSES = {"中共党员", "中共预备党员"}

RANKS = {
    Rank.bureau: {"厅局级", "厅级"},
    Rank.division: {"县处级", "处级"},
    Rank.section: {"乡科级", "科级"},
    Rank.staff: {"一般干部", "科员"},
}
LEADERSHIP_ROLES = {
    LeadershipRole.top_leader: {"主要负责人", "一把手", "党组书记"},
    LeadershipRole.team_member: {"班子成员", "副职"},
    LeadershipRole.none: {"无", ""},
}
DISCIPLINE_STATUSES = {
    DisciplineStatus.none: {"无", ""},
    DisciplineStatus.signs: {
        "苗头性倾向性问题",
        "谈话函询",
        "提醒谈话",
        "诫勉谈话",
        "诫勉",
        "函询",
    },
    DisciplineStatus.disciplined: {"受处分", "处分", "党纪处分", "政务处分"},
}
COMPLETION_STATUSES = {
    CompletionStatus.attended: {"已参加", "出席", "参加", ""},
    CompletionStatus.online: {"线上完成", "线上", "已完成", "完成", "已学完"},
    CompletionStatus.excused: {"请假"},
    CompletionStatus.absent: {"缺席"},
}

EXCEL_EPOCH = date(1899, 12, 30)
MOBILE = re.compile(r"^1[3-9]\d{9}$")
EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
DATE_FORMS = [
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), True),
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"), True),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), False),
    (re.compile(r"^(\d{4})年(\d{1,2})月?$"), False),
]
SEPARATORS = re.compile(r"[;；,，、]")


# Characters no cell needs and some abuse: C0/C1 controls (tab and line breaks aside; \x0b is
# the line break Word pastes, which no XLSX may hold), bidi overrides that show "Wang" as
# "gnaW", zero-width characters, and the byte-order mark.
UNSEEN_CHARS = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
)
UNSEEN = re.compile(f"[{UNSEEN_CHARS}]")
# What else `text` may change: combining marks that NFC folds into the letter before them, and
# the CJK compatibility ideographs it maps to the unified ones. A pass that rules cells out by
# their characters (intake/layout.py) leaves a cell holding any of these to be read exactly.
FOLDABLE_CHARS = (
    UNSEEN_CHARS + "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    "\u3099\u309a\uf900-\ufaff\U0002f800-\U0002fa1f"
)


def text(cell: Cell) -> str:
    """A cell as trimmed text in Unicode NFC, without control, bidi or zero-width characters;
    whole numbers from Excel lose their '.0'."""
    if type(cell) is str:  # nearly every cell: answered first, since a province has millions
        value = cell.strip()
        if not value.isprintable():  # every UNSEEN character is unprintable: most cells skip this
            value = UNSEEN.sub("", value).strip()
        if value.isascii() or unicodedata.is_normalized("NFC", value):
            return value
        return unicodedata.normalize("NFC", value).strip()
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    return text(str(cell))


def parse_date(cell: Cell) -> date | None:
    """A date in any of the contract's forms, a date cell or an Excel serial number."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    value = text(cell)
    if not value:
        return None
    if re.fullmatch(r"\d{5}(\.\d+)?", value):  # Excel serial: 45352 is 2024-03-01
        return EXCEL_EPOCH + timedelta(days=int(float(value)))
    for pattern, has_day in DATE_FORMS:
        match = pattern.match(value)
        if match:
            day = int(match[3]) if has_day else 1
            try:
                return date(int(match[1]), int(match[2]), day)
            except ValueError:
                break
    raise Broken("not_a_date", value=value)


def parse_yes_no(cell: Cell) -> bool | None:
    """yes/no, 是/否, true/false, 1/0; empty means not given."""
    value = text(cell).casefold()
    if not value:
        return None
    if value in YES:
        return True
    if value in NO:
        return False
    raise Broken("not_yes_no", value=text(cell))


def parse_party_member(cell: Cell) -> bool | None:
    """A yes/no answer, or a 政治面貌 value where only CPC (probationary) members mean yes."""
    value = text(cell)
    if value in PARTY_MEMBER_STATUSES:
        return True
    try:
        return parse_yes_no(value)
    except ValueError:
        return False  # 群众, 民主党派 and 无党派人士 are 政治面貌 values that mean "not a member"


def parse_choice(cell: Cell, words: dict[E, set[str]], default: E) -> E:
    """An enum given by its English value or one of its Chinese words; empty means `default`."""
    return parse_optional_choice(cell, words) or default


def parse_optional_choice(cell: Cell, words: dict[E, set[str]]) -> E | None:
    """An enum given by its English value or one of its Chinese words; empty means not given."""
    value = text(cell)
    folded = value.casefold()
    for member, chinese in words.items():
        if folded == member or value in chinese:  # a StrEnum member equals its English value
            return member
    if not value:
        return None
    accepted = ", ".join(f"{m.value} ({'/'.join(sorted(w - {''}))})" for m, w in words.items())
    # A Chinese report lists the Chinese words only: the English values are for other tools.
    words_zh = "、".join(min(sorted(w - {""}), key=len) for w in words.values() if w - {""})
    raise Broken("not_one_of", value=value, accepted=accepted, accepted_zh=words_zh)


# An employee id already as ids are compared: kept as written, in one pass over the column.
PLAIN_ID = re.compile(r"[0-9A-Z][0-9A-Z._/\-]*")


def parse_employee_id(cell: Cell) -> str:
    """An employee id as people read it. Full-width forms (as a Chinese input method types
    them) are made plain and letters put in one case, so Ｅ000001, E０００００１ and e000001
    are all E000001, a duplicate where it repeats. A letter of another script that looks
    Latin (Cyrillic Е, Greek Ε) is refused: it would make a new person of a known one."""
    written = text(cell)
    value = unicodedata.normalize("NFKC", written).upper()
    if not value:
        raise Broken("required", column="employee_id")
    odd = next((c for c in value if not c.isascii()), None)
    if odd is not None:
        raise Broken("id_not_latin", value=written, character=odd, name=unicodedata.name(odd, "?"))
    return value


def parse_phone(cell: Cell) -> str | None:
    """A mainland mobile number: 11 digits starting 1[3-9], after removing spaces, dashes, +86."""
    value = re.sub(r"[\s\-()]", "", text(cell))
    if not value:
        return None
    value = re.sub(r"^(\+?86)(?=1\d{10}$)", "", value)
    if not MOBILE.match(value):
        raise Broken("not_mobile", value=text(cell))
    return value


def parse_email(cell: Cell) -> str | None:
    value = text(cell)
    if not value:
        return None
    if not EMAIL.match(value):
        raise Broken("not_email", value=value)
    return value


# A WeCom or DingTalk account (userid): what both apps allow, letters, digits and _-.@, at most 64.
ACCOUNT = re.compile(r"[0-9A-Za-z_.@\-]{1,64}")


def parse_account(cell: Cell) -> str | None:
    """A work-app account (企业微信账号, 钉钉账号) as the app's admin console shows it."""
    value = text(cell)
    if not value:
        return None
    if not ACCOUNT.fullmatch(value):
        raise Broken("not_account", value=value)
    return value


def parse_unit_codes(cell: Cell) -> tuple[str, ...]:
    """Unit codes separated by ; ； , 、 (as HR systems write them)."""
    return tuple(code.strip() for code in SEPARATORS.split(text(cell)) if code.strip())


def parse_number(cell: Cell, low: float, high: float | None = None) -> float | None:
    """A number within bounds; empty means not given."""
    value = text(cell)
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise Broken("not_number", value=value) from None
    if math.isnan(number) or number < low or (high is not None and number > high):
        bounds = f"{low:g}–{high:g}" if high is not None else f"at least {low:g}"
        raise Broken("out_of_range", value=value, bounds=bounds)
    return number
