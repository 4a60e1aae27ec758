"""A text message's template parameters, for the SMS clouds that send approved templates only:
the values of the variables lianjie offers (policy.texts.VARIABLES), each cut to its length."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from core.domain import MessageKind
from policy.texts import VARIABLE_CHARS, VARIABLES
from reports.wording import shortened, time_range


def short_day(day: date, lang: str) -> str:
    """12月3日, or 3 Dec: a template's date, short as a text message must be."""
    return f"{day.month}月{day.day}日" if lang == "zh" else f"{day.day} {day:%b}"


def template_params(kind: str, context: Mapping[str, Any], lang: str) -> dict[str, str]:
    """The variables a kind offers, from the context its message was written with."""
    held_on = context.get("held_on") or context.get("start")
    starts, ends = context.get("starts_at"), context.get("ends_at")
    counted = context.get("items") or context.get("talks") or ()
    values = {
        "name": context.get("name"),
        "holiday": context.get("holiday"),
        "day": short_day(held_on, lang) if held_on else None,
        "time": time_range(starts, ends, lang) if starts and ends else None,
        "venue": context.get("venue"),
        "programme": context.get("programme"),
        "code": context.get("session_code"),
        "count": context.get("count", len(counted)),
    }
    offered = VARIABLES.get(MessageKind(kind), ())
    return {name: shortened(str(values[name] or ""), VARIABLE_CHARS[name]) for name in offered}


def as_stored(params: Mapping[str, str]) -> str:
    return json.dumps(params, ensure_ascii=False, separators=(",", ":"))
