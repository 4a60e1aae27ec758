"""Why a row was rejected, as a code other tools can read and the values its text names.

The English text here is the canonical one (logs, the command line, the `rejects` export);
reports print the text of their own language from the code (reports/templates/labels.toml).
"""

from __future__ import annotations

ENGLISH = {
    "not_a_date": "'{value}' is not a date (write it like 2024-03-01, 2024年3月1日 or 2024.03)",
    "not_yes_no": "'{value}' is not yes or no (use 是/否, yes/no, 1/0)",
    "not_one_of": "'{value}' is not one of {accepted}",
    "not_mobile": "'{value}' is not a mainland mobile number (11 digits starting 13–19)",
    "not_email": "'{value}' is not an e-mail address",
    "not_account": "'{value}' is not a WeCom or DingTalk account (letters, digits, _-.@)",
    "not_number": "'{value}' is not a number",
    "out_of_range": "{value} is out of range ({bounds})",
    "required": "{column} is required and is empty",
    "id_not_latin": (
        "'{value}' holds {character} ({name}), not a Latin letter or digit: type the id again "
        "with Latin letters"
    ),
    "duplicate": "duplicate employee_id {employee_id}, first on row {first_row}",
    "duplicate_on_sheet": (
        "duplicate employee_id {employee_id}, first on sheet {first_sheet}, row {first_row}"
    ),
    "unknown_cadre": "no cadre {employee_id} on this quarter's roster",
    "unknown_session": "no session {session_code} in this quarter",
    "unknown_programme": "no programme '{programme}' in this quarter",
    "session_or_programme": "give a session_code or a programme",
    "unknown_talk_kind": "'{kind}' is not a kind of talk (任前廉政谈话, 提醒谈话, 监督谈话 …)",
    "day_to_come": "{value} is still to come",
    "no_such_family": "no family member of {employee_id} by that name is kept (lianjie families)",
    "no_family_contact": "a family member who agrees to receive letters needs a 手机 or a 邮箱",
    "waived_without_reason": "a talk waived (免谈) needs its reason: 免谈：reason",
    "no_open_talk": "no {kind} talk with {employee_id} is open",
    "too_long": "{length} characters, over the {limit} this column allows",
    "bad_code": "'{value}' is not a unit code (letters, digits, '.', '_' and '-' only)",
    "other": "{reason}",
    "hidden": "{column}: the value is not accepted (confidential)",
}


class Broken(ValueError):
    """A value rule broken: raised by the parsers, carried by the rejected row."""

    def __init__(self, code: str, /, **params: object) -> None:
        self.code = code
        self.params = {name: str(value) for name, value in params.items()}
        super().__init__(ENGLISH[code].format(**self.params))
