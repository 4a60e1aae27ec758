"""A family-contacts file (家属联系方式): 工号, 家属姓名, 关系, 手机, 邮箱, 同意接收 — read with the
same rules as every office file (any layout lianjie reads, per-row rejects), kept apart from
the roster."""

from __future__ import annotations

from dataclasses import replace

from core.domain import Reject
from core.families import FamilyContact
from intake.columns import ImportResult, located
from intake.contract import Contract
from intake.read import Table
from intake.reasons import ENGLISH
from intake.rules import BadValue, FileRules
from intake.values import Cell, parse_email, parse_employee_id, parse_phone, parse_yes_no, text

ALIASES: dict[str, tuple[str, ...]] = {
    "employee_id": ("工号", "employee id"),
    "name": ("家属姓名", "family member", "family name"),
    "relation": ("关系", "relation", "relationship"),
    "phone": ("手机", "手机号码", "mobile"),
    "email": ("邮箱", "电子邮箱", "e-mail"),
    "consent": ("同意接收", "consent", "agreed"),
}
CONTRACT = Contract(ALIASES, frozenset({"employee_id", "name", "consent"}))
REPEATING = {"relation", "consent"}

FamiliesResult = ImportResult[FamilyContact]


def parse_families(table: Table, *, cadres: frozenset[str]) -> FamiliesResult:
    """Each row a family contact, checked: a cadre on the roster, a name, a way to reach them
    when they consent, and a yes or no in 同意接收; the same member of a family twice is
    the later row's. A rejected row keeps no cell and its reason no value (a name, a number):
    it is told by its row, column and rule, wherever it is shown."""
    result, named = located(table, CONTRACT)
    rules = FileRules(REPEATING)
    seen: dict[str, int] = {}
    for row in named:
        try:
            contact = _contact(row.number, row.values, rules, cadres)
        except BadValue as bad:
            result.rejects.append(without_values(bad.reject(row)))
            continue
        if contact.key in seen:  # a later row for the same person corrects the earlier one
            result.accepted[seen[contact.key]] = contact
            result.read -= 1
            continue
        seen[contact.key] = len(result.accepted)
        result.accepted.append(contact)
    return result


AGREED = {"同意": True, "不同意": False, "agree": True, "agreed": True, "refused": False}


def parse_consent(cell: Cell) -> bool | None:
    """是/否, yes/no, and the words a consent form uses: 同意 / 不同意."""
    said = text(cell).casefold()
    return AGREED[said] if said in AGREED else parse_yes_no(cell)


def _contact(
    number: int, values: dict[str, Cell], rules: FileRules, cadres: frozenset[str]
) -> FamilyContact:
    rules.bounded(values)
    employee_id = rules.checked(values, "employee_id", parse_employee_id)
    if employee_id not in cadres:
        raise BadValue("employee_id", "unknown_cadre", employee_id=employee_id)
    name = rules.required_text(values, "name")
    consent = rules.checked(values, "consent", parse_consent)
    if consent is None:
        raise BadValue("consent", "required", column="consent")
    phone = rules.checked(values, "phone", parse_phone)
    email = rules.checked(values, "email", parse_email)
    if consent and not (phone or email):
        raise BadValue("phone", "no_family_contact")
    return FamilyContact(
        number, employee_id, name, text(values.get("relation")), phone, email, consent
    )


def without_values(reject: Reject) -> Reject:
    """A rejected row that names no family member: no cells, and its reason with the value it
    quotes left out (the cadre's id stays: it says whose family)."""
    params = {k: (v if k in ("employee_id", "column") else "…") for k, v in reject.params.items()}
    reason = ENGLISH[reject.code].format(**params) if reject.code in ENGLISH else reject.column
    return replace(reject, values={}, reason=reason, params=params)
