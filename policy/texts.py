"""How a text message reaches its reader: the routes tried in order, the providers' limits,
and the approved templates the SMS clouds require. Pure: no provider is called here."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core.domain import MessageKind, Route

# The longest text a carrier sends as one message, signature included.
SMS_CHARS = 70
PLACEHOLDER = re.compile(r"\$\{([a-z_]+)\}")
# What a template may say, and how long each value may be: a value is cut to it, so that a
# template that fits here fits whatever it is filled with.
VARIABLE_CHARS = {
    "name": 8,
    "holiday": 8,
    "day": 6,  # 12月31日
    "time": 11,  # 09:00-11:00
    "venue": 12,
    "programme": 16,  # every programme name of the default policy, whole
    "code": 14,  # the session code
    "count": 4,
}
SESSION = ("name", "day", "time", "venue", "programme", "code")
VARIABLES: dict[MessageKind, tuple[str, ...]] = {
    MessageKind.invitation: SESSION,
    MessageKind.session_reminder: SESSION,
    MessageKind.withdrawal: SESSION,
    MessageKind.holiday_reminder: ("name", "holiday", "day"),
    MessageKind.escalation: ("name", "count"),
    MessageKind.talk_reminder: ("name", "count"),
    MessageKind.family_letter: ("name", "holiday"),
}
TEMPLATE_ROUTES = (Route.aliyun_sms, Route.tencent_sms)
WORK_APPS = (Route.wecom, Route.dingtalk)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextTemplate(_Strict):
    """A kind's text as approved by the SMS clouds: its words with ${variables}, and the code
    each cloud gave it."""

    text: str
    aliyun_sms: str | None = None
    tencent_sms: str | None = None

    @property
    def variables(self) -> list[str]:
        """The template's variables in their order (Tencent's parameters are by position)."""
        return PLACEHOLDER.findall(self.text)

    @property
    def longest(self) -> int:
        """Its length filled with the longest values allowed."""
        fixed = len(PLACEHOLDER.sub("", self.text))
        return fixed + sum(VARIABLE_CHARS.get(v, 0) for v in self.variables)

    def code(self, route: Route) -> str | None:
        return {Route.aliyun_sms: self.aliyun_sms, Route.tencent_sms: self.tencent_sms}.get(route)


class RouteLimit(_Strict):
    """What a provider allows to one reader: unset is no limit."""

    per_minute: int | None = Field(default=None, gt=0)
    per_day: int | None = Field(default=None, gt=0)
    per_day_per_template: int | None = Field(default=None, gt=0)
    same_text_per_day: int | None = Field(default=None, gt=0)


DEFAULT_LIMITS = {
    # WeCom drops anything past 30 a minute to one member, without a word.
    Route.wecom: RouteLimit(per_minute=30),
    # DingTalk delivers a text to a member once a day, and 500 notices a day from one app.
    Route.dingtalk: RouteLimit(same_text_per_day=1, per_day=500),
    # Aliyun: 50 notices a day to one number on one template.
    Route.aliyun_sms: RouteLimit(per_day_per_template=50),
}


class Texts(_Strict):
    """[texts] of the policy."""

    # Tried in this order, skipping a route not set up or an account the reader has not.
    routes: list[Route] = list(Route)
    # Kinds with their own order: a family member has no work-app account of the cadre's.
    routes_by_kind: dict[MessageKind, list[Route]] = {
        MessageKind.family_letter: [Route.aliyun_sms, Route.tencent_sms, Route.sms_gateway]
    }
    limits: dict[Route, RouteLimit] = DEFAULT_LIMITS
    templates: dict[MessageKind, TextTemplate] = {}

    @field_validator("limits", mode="before")
    @classmethod
    def _over_the_defaults(cls, given: dict[str, object]) -> dict[str, object]:
        # A policy that sets one provider's limits keeps lianjie's for the others.
        return {**{str(r): limit for r, limit in DEFAULT_LIMITS.items()}, **given}

    @model_validator(mode="after")
    def _templates_fit(self) -> Self:
        for kind, template in self.templates.items():
            if "${" in PLACEHOLDER.sub("", template.text):
                raise ValueError(f"the {kind} text template has a ${{ without its closing }}")
            unknown = [v for v in template.variables if v not in VARIABLES.get(kind, ())]
            if unknown:
                known = ", ".join(f"${{{v}}}" for v in VARIABLES.get(kind, ()))
                raise ValueError(
                    f"the {kind} text template uses ${{{unknown[0]}}}; it may use {known or 'none'}"
                )
            if template.longest > SMS_CHARS:
                raise ValueError(
                    f"the {kind} text template can be {template.longest} characters long "
                    f"filled in; a text message holds {SMS_CHARS}"
                )
        return self

    def limit(self, route: Route) -> RouteLimit:
        return self.limits.get(route, RouteLimit())


@dataclass(frozen=True, slots=True)
class Reachable:
    """Where a reader of a text message can be reached: their phone, and the work-app accounts
    the roster gives (for a message to the cadre's own phone only)."""

    phone: str
    wecom: str | None = None
    dingtalk: str | None = None


def routes_for(
    kind: str, texts: Texts, set_up: Sequence[Route], reader: Reachable
) -> list[tuple[Route, str]]:
    """The routes a text message tries, in order, each with the reader's address on it: only
    routes set up here, accounts the reader has, and SMS clouds holding a template for it."""
    template = texts.templates.get(MessageKind(kind))
    found: list[tuple[Route, str]] = []
    for route in texts.routes_by_kind.get(MessageKind(kind), texts.routes):
        if route not in set_up:
            continue
        if route in TEMPLATE_ROUTES and (template is None or not template.code(route)):
            continue
        address = {Route.wecom: reader.wecom, Route.dingtalk: reader.dingtalk}.get(
            route, reader.phone
        )
        if address:
            found.append((route, address))
    return found


def missing_templates(texts: Texts, set_up: Sequence[Route]) -> list[tuple[MessageKind, Route]]:
    """Each kind sent by text that an SMS cloud set up here has no approved template for."""
    return [
        (kind, route)
        for route in TEMPLATE_ROUTES
        if route in set_up
        for kind in VARIABLES
        if (template := texts.templates.get(kind)) is None or not template.code(route)
    ]
