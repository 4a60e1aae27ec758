"""Alerts shipped with the project: the automations in automations.yaml, put on the Prefect
server with a webhook to notify, so that a run that fails, crashes or never starts reaches the
organisation department instead of waiting for someone to open the UI."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from prefect.blocks.notifications import CustomWebhookNotificationBlock
from prefect.client.orchestration import get_client
from prefect.events.actions import SendNotification
from prefect.events.schemas.automations import AutomationCore, EventTrigger
from prefect.types import SecretDict

AUTOMATIONS = Path(__file__).resolve().parents[1] / "automations.yaml"
BLOCK = "lianjie-alerts"


@dataclass(frozen=True)
class Alert:
    name: str
    description: str
    trigger: dict[str, Any]
    subject: str
    body: str


def alerts(lang: str, path: Path = AUTOMATIONS) -> list[Alert]:
    """The automations the repository defines, worded in the operator's language."""
    written = yaml.safe_load(path.read_text(encoding="utf-8"))
    words = written["messages"]["zh" if lang == "zh" else "en"]
    return [
        Alert(
            name=entry["name"],
            description=entry["description"],
            trigger=entry["trigger"],
            subject=words[entry["message"]]["subject"],
            body=words[entry["message"]]["body"],
        )
        for entry in written["automations"]
    ]


def apply_alerts(planned: list[Alert], webhook_url: str) -> None:
    """The webhook block, and each automation in place of the one of its name: applied
    again, the server holds the same automations, once each."""
    # A group robot (WeCom, DingTalk) takes {"msgtype": "text", "text": {"content": …}};
    # any other endpoint gets the same JSON.
    # The address carries the robot's key: kept as the block's secret, which the UI masks.
    block = CustomWebhookNotificationBlock(
        name=BLOCK,
        url="{{webhook}}",
        json_data={"msgtype": "text", "text": {"content": "{{subject}}\n{{body}}"}},
        secrets=SecretDict({"webhook": webhook_url}),
    )
    block_id = block.save(BLOCK, overwrite=True)
    asyncio.run(_put(planned, block_id))


async def _put(planned: list[Alert], block_id: Any) -> None:
    async with get_client() as client:
        for alert in planned:
            for existing in await client.read_automations_by_name(alert.name):
                await client.delete_automation(existing.id)
            await client.create_automation(
                AutomationCore(
                    name=alert.name,
                    description=alert.description,
                    trigger=EventTrigger(**alert.trigger),
                    actions=[
                        SendNotification(
                            block_document_id=block_id, subject=alert.subject, body=alert.body
                        )
                    ],
                )
            )
