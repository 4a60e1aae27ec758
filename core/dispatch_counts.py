"""A dispatch's counts per channel as its readers read them (the run's summary, the CLI)."""

from __future__ import annotations


def handed(counts: dict[str, int]) -> dict[str, int]:
    """A channel's counts as a reader reads them: `sent` all that the channel took and, of
    those, what a provider confirmed delivered and what awaits its receipt."""
    shown = {what: counts.get(what, 0) for what in ("accepted", "delivered", "waiting")}
    taken = counts.get("sent", 0) + shown["accepted"] + shown["delivered"]
    return {**counts, **shown, "sent": taken}
