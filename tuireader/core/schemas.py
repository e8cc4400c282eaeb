"""What turns a pydantic ValidationError into messages a person can act on.

The files a user edits by hand (settings.yaml, seeds/catalog.yaml, annotation files) are
described by pydantic models built on `FileModel`. Each field says in words what it must
hold with an `Expect` in its `Annotated[...]` type; `problems_in` turns every validation
error into one `Problem`: the line of the key (from `tuireader.core.yamlfile.LineDict`) and
a sentence naming the key and what was expected, e.g.

    line 7: 'issued' must be a date: YYYY, YYYY-MM or YYYY-MM-DD (2019-02-30 is not a real
    date: day is out of range for month)

Pydantic's own wording ("Input should be a valid string") never reaches the user: it does
not say which file, which key, or how to fix it.

Importing this module imports pydantic (about a tenth of a second), so the modules that
read files import the schemas only when there is a file to check.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails, PydanticCustomError

from tuireader.core.corpus import NUMERIC_DATE, date_parts
from tuireader.core.yamlfile import BadValue, NotADate, line_of

# Error types raised by the validators below. RULE replaces the field's Expect with its own
# message (a rule between fields, such as 'end' after 'start'); REASON_KEY in an error's
# context is appended to the field's Expect in brackets (why a date is not a date).
RULE = "tuireader_rule"
REASON_KEY = "tuireader_reason"

M = typing.TypeVar("M", bound="FileModel")


@dataclass(frozen=True)
class Expect:
    """What a field must hold, in words: put it in the field's `Annotated[...]` type.

    `message` is a template: `{where}` is the caller's prefix (e.g. "annotation 'a1': "),
    `{key}` the key and `{value}` the value found. `missing` is said instead when a required
    key is absent (None: say `message`).
    """

    message: str
    missing: str | None = None


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a hand-edited file."""

    line: int | None
    """1-based line of the key at fault (None when the data did not come from YAML)."""
    message: str
    """What is wrong and what was expected, naming the key."""
    key: Any
    """The top-level key the problem is under (None: the mapping itself is wrong)."""
    unknown: bool = False
    """True when the key is not one the file may hold (its value was ignored, not wrong)."""


class FileModel(BaseModel):
    """Base of the models for hand-edited files: no coercion between types (a YAML number is
    not text, `yes` the string is not true), no unknown keys (typos are reported)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    unknown_key: ClassVar[str] = "{where}unknown key {key!r}"
    """Said for a key the model does not know."""
    not_a_mapping: ClassVar[str] = "{where}must be a mapping"
    """Said when the value the model describes is not a mapping at all."""


def rule_error(message: str) -> PydanticCustomError:
    """An error whose message replaces the field's Expect (for checks across fields)."""
    return PydanticCustomError(RULE, message)


def reason_error(reason: str) -> PydanticCustomError:
    """An error that keeps the field's Expect and adds why the value did not fit."""
    return PydanticCustomError("tuireader_value", "{tuireader_reason}", {REASON_KEY: reason})


def _fields_by_key(model: type[BaseModel]) -> dict[str, FieldInfo]:
    """A model's fields under the key the file uses (the alias, when there is one)."""
    return {field.alias or name: field for name, field in model.model_fields.items()}


def _nested_model(annotation: Any) -> type[FileModel] | None:
    """The FileModel a field holds (`Target` or `Target | None`), if any."""
    candidates = [annotation]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        candidates = list(typing.get_args(annotation))
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, FileModel):
            return candidate
    return None


def _expect(field: FieldInfo) -> Expect | None:
    """The field's Expect, if it has one."""
    return next((m for m in field.metadata if isinstance(m, Expect)), None)


class _Shown:
    """A value as a message shows it: as it would be written in YAML, shortened."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        text = _yaml_text(self.value)
        return text if len(text) <= 60 else text[:57] + "..."

    __str__ = __repr__


def _yaml_text(value: Any) -> str:
    """`value` roughly as YAML writes it ('text', 2019-02-30, [1, 2], {a: 1})."""
    if isinstance(value, str):
        return repr(value)
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | BadValue):  # a BadValue as written: `!!int abc`, 2019-02-30
        return str(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_plain_text(k)}: {_yaml_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_yaml_text(v) for v in value) + "]"
    return str(value)


def _plain_text(value: Any) -> str:
    """A mapping key as YAML shows it: text bare, anything else as _yaml_text."""
    return value if isinstance(value, str) else _yaml_text(value)


def _inside(value: Any, rest: tuple[int | str, ...]) -> str:
    """Where in a list or mapping value an error is, and what is there ("item 2 is 5")."""
    for part in rest:
        if isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            return f"item {part + 1} is {_Shown(value[part])!r}"
        if isinstance(value, Mapping) and part in value:
            return f"{part!r} is {_Shown(value[part])!r}"
    return ""


def _format(template: str, names: dict[str, Any]) -> str:
    """`template` filled in; a template that does not fit is said as it is (a wording slip
    must never turn a report about a bad file into a traceback)."""
    try:
        return template.format(**names)
    except (KeyError, IndexError, ValueError, AttributeError):
        return template


def _describe(
    model: type[FileModel], data: Any, error: ErrorDetails, where: str, line: int | None
) -> tuple[tuple[int, Any], Problem]:
    """The problem an error stands for, and what identifies its key (for de-duplication)."""
    loc = error["loc"]
    owner, owner_data, index = model, data, 0
    # Walk down through nested models as far as the data goes.
    while index < len(loc):
        field = _fields_by_key(owner).get(str(loc[index]))
        nested = _nested_model(field.annotation) if field is not None else None
        value = owner_data.get(loc[index]) if isinstance(owner_data, Mapping) else None
        if nested is None or index + 1 >= len(loc) or not isinstance(value, Mapping):
            break
        owner, owner_data, index = nested, value, index + 1
    top = loc[0] if loc else None
    if index >= len(loc):  # the mapping itself is not a mapping
        return (id(owner_data), None), Problem(
            line, _format(owner.not_a_mapping, {"where": where}), top
        )
    key = loc[index]
    found = owner_data.get(key) if isinstance(owner_data, Mapping) else None
    at = line_of(owner_data, key) or line
    names = {"where": where, "key": key, "value": _Shown(found)}
    field = _fields_by_key(owner).get(str(key))
    if error["type"] == "extra_forbidden" or field is None:
        unknown = _format(owner.unknown_key, names)
        return (id(owner_data), key), Problem(at, unknown, top, unknown=True)
    context = error.get("ctx") or {}
    expect = _expect(field)
    if error["type"] == RULE:
        message = _format(error["msg"], names)
    elif expect is None:
        message = f"{where}'{key}': {error['msg']}"
    elif error["type"] == "missing" and expect.missing is not None:
        message = _format(expect.missing, names)
    else:
        message = _format(expect.message, names)
    details = [str(context[REASON_KEY])] if REASON_KEY in context else []
    inside = _inside(found, loc[index + 1 :])
    if inside and error["type"] != RULE:
        details.append(inside)
    if details:
        message = f"{message} ({'; '.join(details)})"
    return (id(owner_data), key), Problem(at, message, top)


def problems_in(
    model: type[FileModel],
    data: Any,
    error: ValidationError,
    where: str = "",
    line: int | None = None,
) -> list[Problem]:
    """Each key's problem in `error` (raised validating `data` against `model`) once, in the
    order of the lines. `line` is used where the data carries none (e.g. a list item)."""
    seen: set[tuple[int, Any]] = set()
    problems: list[Problem] = []
    for details in error.errors(include_url=False):
        identity, problem = _describe(model, data, details, where, line)
        if identity not in seen:
            seen.add(identity)
            problems.append(problem)
    return sorted(problems, key=lambda p: p.line if p.line is not None else 1 << 30)


def validate_keeping_good_fields(
    model: type[M], data: Mapping[Any, Any], where: str = "", leave_out: Iterable[Any] = ()
) -> tuple[M, list[Problem]]:
    """`data` validated against `model`, leaving out the keys whose values are wrong (their
    defaults apply) and saying why. Every field of `model` must have a default. Keys in
    `leave_out` are treated as absent."""
    skipped = set(leave_out)
    remaining = {k: v for k, v in data.items() if k not in skipped}
    problems: list[Problem] = []
    while True:
        try:
            return model.model_validate(remaining), problems
        except ValidationError as error:
            found = problems_in(model, data, error, where)
            dropped = {p.key for p in found if p.key in remaining}
            problems.extend(found)
            if not dropped:  # nothing left to leave out: the defaults alone
                return model(), problems
            for key in dropped:
                del remaining[key]


# --- value checks shared by the schemas ------------------------------------------------------


def check_not_a_date(value: Any) -> Any:
    """Refuse a YAML value that looked like a date but was not one, or any other value YAML
    could not build (`!!int abc`), saying why."""
    if isinstance(value, NotADate):
        raise reason_error(f"{value.text} is not a real date: {value.reason}")
    if isinstance(value, BadValue):
        raise reason_error(f"{value} is {value.reason}")
    return value


def iso_time(value: Any) -> str:
    """An ISO 8601 time or date as text: YAML reads unquoted times as datetimes (kept as UTC
    with a `Z`) and dates as dates; text must be a real time or date too."""
    check_not_a_date(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str) or not value.strip():
        raise reason_error(f"found {_Shown(value)!r}")
    try:
        datetime.fromisoformat(value.strip())
    except ValueError as error:
        if str(error).startswith("Invalid isoformat"):  # not written like a time at all
            raise reason_error(f"found {value!r}") from None
        raise reason_error(f"{value!r} is not a real date or time: {error}") from None
    return value


def catalog_date(value: Any) -> str | None:
    """A catalog date as text: YYYY, YYYY-MM or YYYY-MM-DD, which must be on the calendar;
    other text ("Autumn 2019") is kept as it is, for citations to show literally; an empty
    value stays unknown (None)."""
    check_not_a_date(value)
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 9999:
        return f"{value:04d}"
    if not isinstance(value, str) or not value.strip():
        raise reason_error(f"found {_Shown(value)!r}")
    if NUMERIC_DATE.match(value.strip()) and date_parts(value) is None:
        raise reason_error(f"{value.strip()} is not a real date")
    return value.strip()


def scalar_text(value: Any) -> Any:
    """A number written where text is expected, as that text (`title: 1984`); anything else
    is left for the str check to refuse."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value
