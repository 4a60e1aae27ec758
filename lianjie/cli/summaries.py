"""The lines a command prints for its result when --json is not asked for."""

from __future__ import annotations

from typing import Any

from core.dispatch_counts import handed
from core.domain import Channel

# Said beside a count of expired messages, which otherwise reads like a failure.
PASSED = " (not sent: their session or holiday had passed)"


def counted(number: int, one: str, many: str | None = None) -> str:
    """1 row, 2 rows; 1 person, 3 people."""
    return f"{number} {one if number == 1 else many or one + 's'}"


def import_lines(summary: Any) -> list[str]:
    """What one file's import read, accepted and rejected, and why."""
    lines = [
        f"  {summary.source}: {counted(summary.read, 'row')} read, {summary.accepted} accepted, "
        f"{summary.rejected} rejected"
        + (" (already imported: nothing changed)" if summary.already_imported else "")
    ]
    lines += [
        f"    {r.where}, {r.column}: {r.reason}"
        + (f" (kept from {r.kept_from})" if getattr(r, "kept_from", None) else "")
        for r in summary.rejects[:50]
    ]
    if len(summary.rejects) > 50:
        lines.append(f"    … and {len(summary.rejects) - 50} more (lianjie export … rejects)")
    lines += [f"  file says: {line}" for line in getattr(summary, "description", [])]
    if summary.unknown_columns:
        lines.append(f"  columns ignored: {', '.join(summary.unknown_columns)}")
    if owed := getattr(summary, "still_owed", []):
        lines.append(
            f"  still owed: {counted(len(owed), 'talk')} without a 谈话日期 (listed in --json)"
        )
    if blank := getattr(summary, "not_filled_in", []):
        lines.append(
            f"  not filled in: {counted(len(blank), 'row')} without a status "
            "(neither done nor missed; listed in --json)"
        )
    if getattr(summary, "skipped_sheets", []):
        lines.append(
            f"  sheets skipped (no table of this kind): {', '.join(summary.skipped_sheets)}"
        )
    if ignored := getattr(summary, "ignored_lines", []):
        lines.append(f"  ignored lines ({len(ignored)}, not data):")
        lines += [f"    {line}" for line in ignored[:20]]
        if len(ignored) > 20:
            lines.append(f"    … and {len(ignored) - 20} more")
    lines += [f"  warning: {w}" for w in getattr(summary, "warnings", [])]
    return lines


def change_lines(changes: Any, shown: int = 20) -> list[str]:
    """Joiners, leavers, changes and kept cadres, the first `shown` of each named."""
    if changes is None:
        return []
    against = f" against {changes.compared_with}" if changes.compared_with else ""
    lines = [
        f"Roster changes{against}: {len(changes.joined)} joined, {len(changes.left)} left, "
        f"{len(changes.changed)} changed, {len(changes.kept)} kept from an earlier record"
        + (
            f"; {changes.messages_cancelled} unsent messages to leavers cancelled"
            if changes.messages_cancelled
            else ""
        )
    ]
    for title, names in (
        ("joined", changes.joined),
        ("left", changes.left),
        ("changed", changes.changed),
        ("kept", changes.kept),
    ):
        lines += [f"  {title}: {name}" for name in names[:shown]]
        if len(names) > shown:
            lines.append(f"  {title}: … and {len(names) - shown} more (lianjie export … changes)")
    return lines


def cycle_lines(s: Any) -> list[str]:
    """The quarter a cycle started: its roster, tracks, sessions and messages."""
    would = "would be " if s.dry_run else ""
    return [
        *(["DRY RUN: nothing below was stored, queued, cancelled or written"] if s.dry_run else []),
        f"Quarter {s.quarter} (rules applied as of {s.as_of}, policy {s.policy_sha256[:12]})",
        "Roster:",
        *import_lines(s.roster),
        *change_lines(s.roster.changes),
        "Tracks: " + ", ".join(f"{k} {v}" for k, v in s.tracks.items()),
        f"Talks {would}opened: " + (", ".join(f"{k} {v}" for k, v in s.talks.items()) or "none"),
        "Sessions: " + ", ".join(f"{k} {v}" for k, v in s.sessions.items()),
        f"Messages {would}queued: " + ", ".join(f"{k} {v}" for k, v in s.messages.items()),
        *family_lines(s.families, would),
    ]


def family_lines(counts: dict[str, int], would: str) -> list[str]:
    """The families file the cycle read, if any, and the family letters it planned: numbers."""
    if not counts.get("families") and "read" not in counts:
        return []
    read = (
        f"{counts['read']} rows read, {counts['accepted']} accepted, {counts['rejected']} "
        f"rejected (lianjie families FILE lists why); "
        if "read" in counts
        else ""
    )
    return [
        f"Families: {read}{counts.get('families', 0)} agreeing to receive letters; "
        f"{counts.get('letters', 0)} family letters {would}queued"
    ]


KIND_WORDS = {
    "invitation": "invitations",
    "session_reminder": "session reminders",
    "holiday_reminder": "holiday reminders",
    "escalation": "reminders up the chain",
    "talk_reminder": "talk reminders",
    "family_letter": "family letters",
    "report": "reports",
}
CHANNEL_WORDS = {"email": "by e-mail", "sms": "by text message"}


def dispatch_lines(s: Any) -> list[str]:
    """What a dispatch sent; with --dry-run, what it would send and its first messages."""
    if s.dry_run:
        lines = [f"Dry run for {s.date}: nothing was sent. It would send:"]
        lines += [
            f"  {count:,} {KIND_WORDS.get(kind, kind)} {CHANNEL_WORDS.get(channel, channel)}"
            for kind, by in s.would_send.items()
            for channel, count in by.items()
        ] or ["  nothing: no message is due"]
        for n, m in enumerate(s.preview, start=1):
            what = f"{KIND_WORDS.get(m.kind, m.kind)} {CHANNEL_WORDS.get(m.channel, m.channel)}"
            lines += [
                f"--- {n}. {what} to {m.recipient}",
                f"Subject: {m.subject}" if m.channel == Channel.email else "",
                m.text,
            ]
        return [line for line in lines if line]
    return [
        f"Dispatch for {s.date}: {s.sent} sent, {s.failed} failed, {s.skipped} skipped, "
        f"{s.expired} expired{PASSED if s.expired else ''}",
        *(
            f"  {CHANNEL_WORDS.get(k, k).removeprefix('by ')}: {v['sent']} sent"
            f"{_receipts(v)}, {v['failed']} failed, {v['skipped']} skipped"
            + (f", {v['waiting']} waiting for a provider's daily limit" if v["waiting"] else "")
            for k, v in ((k, handed(v)) for k, v in s.by_channel.items())
        ),
        *(
            [
                f"  receipts read: {s.receipts['delivered']} delivered, "
                f"{s.receipts['not_delivered']} not delivered (sent on by the next route), "
                f"{s.receipts['awaiting']} still awaited"
            ]
            if s.receipts
            else []
        ),
    ]


def _receipts(counts: dict[str, int]) -> str:
    """Of what providers took: delivered by their answer, and awaiting their receipt."""
    if not counts["accepted"] and not counts["delivered"]:
        return ""
    return f" ({counts['delivered']} delivered, {counts['accepted']} awaiting a receipt)"


def collect_lines(s: Any) -> list[str]:
    """What a collect read, accepted and rejected per file, the make-ups it booked, who the
    returned sheets left out, and the files it skipped."""
    return [
        f"Quarter {s.quarter}: {counted(s.read, 'row')} read, {s.accepted} accepted, "
        f"{s.rejected} rejected",
        *(line for f in s.files for line in import_lines(f)),
        "Make-ups: " + ", ".join(f"{k} {v}" for k, v in s.makeups.items()),
        *not_recorded_lines(s.not_recorded),
        *(
            f"Skipped {f.source}: {f.reason}" + (f" (moved to {f.moved_to})" if f.moved_to else "")
            for f in s.skipped
        ),
    ]


def not_recorded_lines(missing: list[Any], shown: int = 20) -> list[str]:
    """Who the returned sheets left out, by session, and from when each is taken as absent."""
    if not missing:
        return []
    lines = [f"Not recorded on a returned sheet: {len(missing)}"]
    for m in missing[:shown]:
        lines.append(
            f"  {m.session}: {m.name} ({m.employee_id}), sheet back {m.sheet_back_on}, "
            f"absent and booked on a make-up from {m.absent_from}"
        )
    if len(missing) > shown:
        lines.append(f"  … and {len(missing) - shown} more (--json lists them all)")
    return lines
