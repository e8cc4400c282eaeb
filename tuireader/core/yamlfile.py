"""Reading the YAML files a user may edit by hand (settings, catalog, annotations) safely.

Only the *safe* loader is used (plain YAML types; tags that would build Python objects are
refused), with three additions that let the schemas give precise messages:

- every mapping is a `LineDict` that remembers the line of each key;
- a key written twice is refused (`refuse_duplicates`) or recorded as a warning, never
  silently dropped;
- a value written like a date or time that is not a real one (`2019-02-30`) becomes a
  `NotADate` instead of escaping as a ValueError (PyYAML raises a bare ValueError there,
  which no caller expects from a YAML parser): the schema then says what was wrong.

Validation of the plain data is the schemas' job (`tuireader.core.schemas`); this module
only reads.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from typing import Any

import yaml

# The C loader when PyYAML has it (several times faster), else pure Python. Both are the
# *safe* variants: only plain YAML types, no object construction.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict[Any, Any]):
    """A mapping read from YAML that remembers its own line and the line of each key."""

    line: int = 0
    """1-based line where the mapping starts."""
    key_lines: dict[Any, int]
    """1-based line of each key."""
    duplicates: list[tuple[Any, int]]
    """Keys written more than once, with the line of the later one (the value kept)."""


@dataclass(frozen=True)
class NotADate:
    """A YAML value written like a date or time that is not a real one (`2019-02-30`)."""

    text: str
    """The value as written."""
    reason: str
    """Why it is not a date, from the calendar ("day is out of range for month")."""

    def __str__(self) -> str:
        return self.text


class LineLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loader that records line numbers and bad dates; duplicate keys keep the last
    value and are listed in `LineDict.duplicates`."""

    refuse_duplicates = False


class StrictLineLoader(LineLoader):
    """LineLoader that refuses duplicate keys.

    PyYAML keeps the last of two equal keys silently; rewriting such a file would drop the
    first value, so files that tuireader writes back (annotations) refuse them instead.
    """

    refuse_duplicates = True


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> Iterator[LineDict]:
    """Build a LineDict (the safe loader's two-step construction: yield, then fill)."""
    data = LineDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    data.duplicates = []
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                None, None, "found an unhashable key", key_node.start_mark
            )
        if key in data:
            if loader.refuse_duplicates:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            data.duplicates.append((key, key_node.start_mark.line + 1))
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1


def _construct_timestamp(loader: Any, node: yaml.ScalarNode) -> Any:
    """A date or time as PyYAML builds it, or a NotADate when the calendar has no such day."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as error:  # 2019-02-30, 2019-13-01, 24:61:00
        return NotADate(str(node.value), str(error))


LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def load_yaml(text: str, strict: bool = False) -> Any:
    """The plain data in `text` (mappings are LineDicts). Raises yaml.YAMLError (including
    refused tags and, when `strict`, duplicate keys) and RecursionError (absurd nesting)."""
    loader = StrictLineLoader if strict else LineLoader
    return yaml.load(text, Loader=loader)  # a safe loader: see LineLoader


def yaml_problem(error: yaml.YAMLError, kind: str = "annotation files") -> str:
    """A one-line description of a YAML error with its line number (`line 4: ...`).

    `kind` names the files in the message about refused tags ("annotation files hold plain
    data only").
    """
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    where = f"line {mark.line + 1}: " if mark is not None else ""
    message = getattr(error, "problem", None) or str(error)
    if "could not determine a constructor" in message or "python/" in message:
        tag = re.search(r"tag '([^']*)'", message)
        named = f" {tag.group(1).replace('tag:yaml.org,2002:', '!!')}" if tag else ""
        message = (
            f"the YAML tag{named} is not allowed: {kind} hold plain data only "
            "(they are read with the safe loader)"
        )
    context = getattr(error, "context", None)
    context_mark = getattr(error, "context_mark", None)
    if context and "not allowed" not in message:
        started = ""
        if context_mark is not None and (mark is None or context_mark.line != mark.line):
            started = f" that starts on line {context_mark.line + 1}"
        message = f"{message} ({context}{started})"
    return f"{where}{message}"


def is_refusal(error: yaml.YAMLError) -> bool:
    """Whether the YAML was well-formed but refused (a tag that builds objects, a duplicate
    key) rather than malformed."""
    return isinstance(error, yaml.constructor.ConstructorError)


def line_of(mapping: Any, key: Any) -> int | None:
    """The line of `key` in a LineDict (the mapping's own line when the key is absent);
    None for data that did not come from YAML."""
    if isinstance(mapping, LineDict):
        return mapping.key_lines.get(key, mapping.line)
    return None


def plain(value: Any) -> Any:
    """`value` with LineDicts turned into dicts, for comparison."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
