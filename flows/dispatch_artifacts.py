"""What a day's dispatch leaves in the Prefect UI: its summary in sentences and its counts per
channel, or a dry run's preview (counts only: the preview's addresses stay off the server)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from core.dispatch_counts import handed
from flows.artifact_tables import TableWords, artifact_key, publish_summary, publish_table
from flows.run_summaries import dispatch_summary

if TYPE_CHECKING:
    from flows.dispatch import DispatchSummary


def publish_dispatch(summary: DispatchSummary, words: TableWords) -> None:
    on, expired = summary.date, summary.expired
    title = words.title("dispatch", day=on, expired=expired)
    publish_summary(
        artifact_key("dispatch-summary", on.isoformat()), dispatch_summary(summary, words), title
    )
    publish_table(
        artifact_key("dispatch", on.isoformat()),
        words.table(
            [{"channel": words.channel(k), **handed(v)} for k, v in summary.by_channel.items()]
        ),
        title,
    )


def publish_preview(
    on: dt.date, expired: int, would_send: dict[str, dict[str, int]], words: TableWords
) -> None:
    """A dry run's preview as a table in the Prefect UI: counts only, the preview's addresses
    stay off the server."""
    publish_table(
        artifact_key("dry-run-dispatch", on.isoformat()),
        words.table(
            [
                {"kind": words.message_kind(kind), "channel": words.channel(ch), "would_send": n}
                for kind, channels in would_send.items()
                for ch, n in channels.items()
            ]
        ),
        words.said("dispatch_preview", day=on, expired=expired),
    )
