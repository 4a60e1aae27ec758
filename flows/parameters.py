"""The flows' parameters as the Prefect UI's Run form shows them, and their first checks."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, WithJsonSchema
from pydantic.fields import FieldInfo
from pydantic_core import core_schema

from core.domain import QUARTER_LABEL, Quarter
from core.exceptions import LianjieInputError
from core.secrets import NO_URL_OR_LOGIN
from core.settings import Settings

# The Run form in the Prefect UI shows a `X | None` parameter as a type switch ("Property is
# type None"); these say what the form shows instead, while Python keeps None for "the setting".


class Unset:
    """A parameter left empty in the Run form: its description says what that means (today,
    the setting). The default is not JSON, so the form's schema has none and the field starts
    empty; a null default would be checked against the field's type and refused."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "(empty)"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.is_instance_schema(cls)


UNSET: Any = Unset()
warnings.filterwarnings(
    "ignore", message=r"Default value \(empty\) is not JSON serializable", category=UserWarning
)
Day = Annotated[date | Unset | None, WithJsonSchema({"type": "string", "format": "date"})]


def given_day(value: date | Unset | None) -> date | None:
    """The day a Day parameter names, or None when it was left empty."""
    return value if isinstance(value, date) else None


# A number the form may leave empty (the run then works it out; its description says how).
Count = Annotated[int | Unset | None, WithJsonSchema({"type": "integer", "minimum": 0})]

Names = Annotated[tuple[str, ...], WithJsonSchema({"type": "array", "items": {"type": "string"}})]


class RunLanguage(StrEnum):
    """A run's language as the Run form offers it; the codes zh and en are accepted too."""

    zh = "中文"
    en = "English"

    @classmethod
    def _missing_(cls, value: object) -> RunLanguage | None:
        return {"zh": cls.zh, "en": cls.en}.get(str(value).strip().lower())


FormLanguage = Annotated[
    RunLanguage | Unset | None,
    WithJsonSchema({"type": "string", "enum": [m.value for m in RunLanguage]}),
]


def lang_code(chosen: RunLanguage | Unset | None, config: Settings) -> str:
    """The run's language code: the one chosen, else LIANJIE_LANG."""
    return chosen.name if isinstance(chosen, RunLanguage) else config.lang.value


# Free text in a Run form: a path, a sheet's name, hr:table=… / hr:query=…. The server refuses
# anything shaped like a URL or a credential before the run exists, so that Prefect never
# stores it; with the form's validation off, the flow refuses it (flows.common.refuse_secrets).
FormText = Annotated[str, WithJsonSchema({"type": "string", "pattern": NO_URL_OR_LOGIN})]
RosterSource = FormText


# A quarter, written YYYYQn: the form and the server refuse anything else (2026Q5 included)
# before a run exists; left empty, the flow's default quarter.
QuarterLabel = Annotated[str | Unset, WithJsonSchema({"type": "string", "pattern": QUARTER_LABEL})]


def titled(title: str) -> FieldInfo:
    """The label of a flow parameter in the Prefect UI's Run form, for use in `Annotated`.

    Prefect titles every parameter with its Python name and keeps only the extra schema keys of
    its metadata, so the title travels there.
    """

    field: FieldInfo = Field(json_schema_extra={"title": title})
    return field


def parse_quarter(label: str | Unset, *, default: Callable[[], Quarter] | None = None) -> Quarter:
    """The quarter parameter, or one clear message before any work. Empty means `default`'s,
    asked only then (the reports' default reads the database)."""
    if isinstance(label, Unset) or not label.strip():
        if default is not None:
            return default()
        raise LianjieInputError("no quarter: give one, written YYYYQn (e.g. 2026Q4)")
    try:
        return Quarter.parse(label)
    except ValueError as error:
        raise LianjieInputError(str(error)) from None


def existing_file(value: str | Path, what: str) -> Path:
    if not str(value).strip():
        raise LianjieInputError(f"no {what} given: name one, or set its setting")
    path = Path(value).expanduser()
    if not path.is_file():
        raise LianjieInputError(f"{what} {path} does not exist or is not a file")
    return path
