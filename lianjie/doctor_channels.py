"""What `lianjie doctor` says of the ways messages leave: e-mail, and a text message's routes —
each provider set up, and every kind it would send holding an approved template that fits."""

from __future__ import annotations

from core.exceptions import LianjieInputError
from core.settings import Settings
from delivery.channels import redact
from policy.config import load_policy
from policy.texts import SMS_CHARS, TEMPLATE_ROUTES, missing_templates

Check = tuple[bool, str, str]


def channels(config: Settings) -> list[Check]:
    return [_mail(config), _texts(config)]


def _mail(config: Settings) -> Check:
    channels = []
    channels.append(
        f"e-mail via {redact(config.smtp_url.get_secret_value())}"
        if config.smtp_url
        else f"e-mail to the file outbox {config.outbox_dir}"
    )
    channels.append(
        f"SMS via {redact(config.sms_url.get_secret_value())}"
        if config.sms_url
        else "SMS to the file outbox"
    )
    return True, "mail", "; ".join(channels)


def _texts(config: Settings) -> Check:
    """The routes set up, in the policy's order; an SMS cloud without an approved template
    for a kind it would send, or a template too long with the signature, is an error here and
    not a surprise at send time."""
    try:
        texts = load_policy(config.policy).policy.texts
    except LianjieInputError as error:
        return False, "texts", f"the policy does not load: {error}"
    set_up = config.text_routes
    routes = [str(r) for r in texts.routes if r in set_up]
    missing = missing_templates(texts, set_up)
    problems = [
        f"no approved {route} template for {', '.join(k for k, r in missing if r == route)} "
        f'(the policy\'s [texts.templates.<kind>] {route} = "<code>")'
        for route in dict.fromkeys(r for _, r in missing)
    ]
    signatures = {
        route: sign
        for route, sign in (
            (TEMPLATE_ROUTES[0], config.aliyun_sms_sign_name),
            (TEMPLATE_ROUTES[1], config.tencent_sms_sign_name),
        )
        if route in set_up and sign
    }
    for route, sign in signatures.items():
        for kind, template in texts.templates.items():
            longest = template.longest + len(sign) + 2  # 【signature】
            if template.code(route) and longest > SMS_CHARS:
                problems.append(
                    f"{kind}'s {route} template with the signature 【{sign}】 can be {longest} "
                    f"characters; a text message holds {SMS_CHARS}"
                )
    if problems:
        return False, "texts", "; ".join(problems)
    return True, "texts", "text messages by " + " → ".join(routes or ["nothing set up"])
