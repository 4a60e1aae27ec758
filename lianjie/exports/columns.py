"""Which lists can be exported, and the contract's column names of each."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from core.columns import OUTSTANDING_COLUMNS


class Export(StrEnum):
    tracks = "tracks"
    sessions = "sessions"
    enrolments = "enrolments"
    messages = "messages"
    completions = "completions"
    outstanding = "outstanding"
    rejects = "rejects"
    changes = "changes"
    attendance = "attendance"  # per session: enrolled, present, absent, excused, not filled in
    talks = "talks"  # integrity talks due in the quarter or opened by its roster
    pledges = "pledges"  # commitment letters, likewise
    access = "access"  # who produced which cadre's record: not a quarter's list
    families = "families"  # family contacts and the quarter's letters: --confidential only
    issued = "issued"  # the register of report versions issued: not a quarter's list


# The lists of a quarter built from its data (the access log is the database's; the families
# are kept apart from the quarter, and only ever exported with --confidential).
QUARTER_LISTS = [e for e in Export if e not in (Export.access, Export.families, Export.issued)]
# The lists of the whole database, exported without a quarter.
DATABASE_LISTS = (Export.access, Export.issued)

Rows = list[dict[str, Any]]

# The contract's column names, in the order they are written.
COLUMNS: dict[Export, list[str]] = {
    Export.access: ["produced_at", "os_user", "employee_id", "confidential", "path", "action"],
    Export.issued: [
        "sha256",
        "quarter",
        "kind",
        "unit_code",
        "lang",
        "as_of",
        "issued_at",
        "path",
        "latest",
        "delivered",
    ],
    Export.tracks: ["employee_id", "name", "unit_code", "track", "reason"],
    Export.families: [
        "employee_id",
        "name",
        "unit_code",
        "family_name",
        "relation",
        "phone",
        "email",
        "consent",
        "letters_sent",
        "slip_returned_on",
    ],
    Export.talks: [
        "employee_id",
        "name",
        "unit_code",
        "kind",
        "talker",
        "due_on",
        "held_on",
        "status",
    ],
    Export.pledges: [
        "employee_id",
        "name",
        "unit_code",
        "version",
        "issued_on",
        "signed_on",
        "status",
    ],
    Export.sessions: [
        "session_code",
        "programme",
        "track",
        "date",
        "start_time",
        "venue",
        "capacity",
        "enrolled",
        "makeup",
    ],
    Export.enrolments: ["session_code", "employee_id", "name", "unit_code", "programme", "status"],
    Export.attendance: [
        "session_code",
        "programme",
        "date",
        "makeup",
        "enrolled",
        "present",
        "absent",
        "excused",
        "not_filled_in",
        "walk_ins",
    ],
    Export.messages: [
        "send_key",
        "kind",
        "channel",
        "recipient",
        "employee_id",
        "due_on",
        "status",
        "attempts",
        "last_error",
        "sent_at",
    ],
    Export.completions: [
        "employee_id",
        "programme",
        "session_code",
        "status",
        "score",
        "hours",
        "source",
        "row",
    ],
    Export.outstanding: OUTSTANDING_COLUMNS,
    Export.rejects: [
        "source",
        "sheet",
        "row",
        "column",
        "reason",
        "reason_code",
        "values",
        "kept_from",
    ],
    Export.changes: [
        "employee_id",
        "name",
        "unit_code",
        "change",
        "field",
        "before",
        "after",
        "source_row",
    ],
}
