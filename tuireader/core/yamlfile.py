"""Reading the YAML files a user may edit by hand (settings, catalog, annotations) safely.

This is the one YAML loader of tuireader: every file the tool reads goes through
`load_yaml`, which puts these defences in front of PyYAML, cheapest first:

- a size limit in bytes, checked before anything is parsed (`read_limited` checks it before
  the file is even read whole); annotation files have their own, documented limit
  (`MAX_ANNOTATION_FILE_BYTES`);
- a scan of the event stream (linear time, the parser keeps its own stack) that refuses
  nesting deeper than `MAX_DEPTH` *before* the text reaches PyYAML's C composer, which
  recurses on the C stack and crashes the process (SIGSEGV) at about 30,000 levels;
- the same scan refuses aliases (`*name`) and anchors (`&name`): no file tuireader reads
  needs them, and refusing them makes alias bombs (nine levels of nine) cost nothing;
- only the *safe* loader is used (plain YAML types; tags that would build Python objects
  are refused).

While building the values it adds what lets the schemas give precise messages:

- every mapping is a `LineDict` that remembers the line of each key;
- a key written twice is refused (`refuse_duplicates`) or recorded as a warning, never
  silently dropped;
- a value PyYAML cannot build (`!!int abc`, `!!timestamp x`, `2019-02-30`) becomes a
  `BadValue` (a `NotADate` for would-be dates) instead of escaping as a ValueError,
  AttributeError or KeyError, which no caller expects from a YAML parser: the schema then
  names the key, its line and what was wrong.

Everything refused is a `YamlRefused` (a `yaml.YAMLError`, so callers handle it with the
other YAML errors; `yaml_problem` words it with its line). Validation of the plain data is
the schemas' job (`tuireader.core.schemas`); this module only reads.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# The C loader when PyYAML has it (several times faster), else pure Python. Both are the
# *safe* variants: only plain YAML types, no object construction.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_DEPTH = 32
"""Deepest nesting of mappings and lists a file may have. tuireader's own files need four
at most (an annotation's `target:` in its entry in the list under `annotations:`)."""

MAX_ANNOTATION_FILE_BYTES = 4 * 1024 * 1024
"""Largest annotation file read (4 MiB, about 10,000 annotations). Reading one takes about a
second per megabyte and `check` re-anchors every annotation, so a 50 MB file took minutes
and gigabytes; a larger file is refused at once (nothing past the limit is read), left
untouched, and its article's annotations are read-only until it is fixed."""

MAX_SETTINGS_FILE_BYTES = 1024 * 1024
"""Largest settings.yaml read (1 MiB; a real one is a few hundred bytes)."""

MAX_YAML_BYTES = 32 * 1024 * 1024
"""Largest file of any other kind read (32 MiB): the catalog of a large corpus."""

# Python exceptions PyYAML's constructors let escape for values they cannot build
# (int("abc"), a regex that did not match, a bool word missing from a table).
_BUILD_ERRORS = (ValueError, TypeError, AttributeError, KeyError, IndexError, OverflowError)

# What a standard tag needs, for the message about a value it could not build.
_NEEDS = {
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "timestamp": "a date or time",
    "binary": "base64 data",
    "null": "nothing",
}


class YamlRefused(yaml.constructor.ConstructorError):
    """YAML that tuireader will not read: too large, nested too deeply, using aliases, or
    holding a collection that cannot be built. A `yaml.YAMLError`, so callers that handle
    YAML errors handle it too; `is_refusal` is true for it."""

    def __init__(self, problem: str, mark: Any = None) -> None:  # a yaml.Mark (C or Python)
        super().__init__(None, None, problem, mark)


class YamlTooLarge(YamlRefused):
    """A file larger than its kind may be (refused before it is parsed); `yaml_problem`
    words it with the kind of file."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"the file is {size:,} bytes; the limit is {limit:,} bytes")
        self.size = size
        """How large the file is, in bytes."""
        self.limit = limit
        """The most its kind of file may hold, in bytes."""


def _mib(size: int) -> str:
    """A size in MiB for messages ("4 MiB", "0.5 MiB")."""
    return f"{size / (1024 * 1024):g} MiB"


class LineDict(dict[Any, Any]):
    """A mapping read from YAML that remembers its own line and the line of each key."""

    line: int = 0
    """1-based line where the mapping starts."""
    key_lines: dict[Any, int]
    """1-based line of each key."""
    duplicates: list[tuple[Any, int]]
    """Keys written more than once, with the line of the later one (the value kept)."""


@dataclass(frozen=True, repr=False)
class BadValue:
    """A YAML value that its tag or its form promises but that cannot be built
    (`!!int abc`, `!!timestamp x`, `0x_`): kept as written, for the schema to report."""

    text: str
    """The value as written."""
    reason: str
    """What it is not ("not a whole number")."""
    tag: str = ""
    """The tag it was read with, shortened (`!!int`); empty for a would-be date."""

    def __str__(self) -> str:
        return f"{self.tag} {self.text}" if self.tag else self.text

    __repr__ = __str__  # messages show the value as it was written


@dataclass(frozen=True, repr=False)
class NotADate(BadValue):
    """A YAML value written like a date or time that is not a real one (`2019-02-30`);
    `reason` says why, from the calendar ("day is out of range for month")."""


class LineLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loader that records line numbers and bad values; duplicate keys keep the last
    value and are listed in `LineDict.duplicates`."""

    refuse_duplicates = False

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """The value of `node`; a scalar PyYAML cannot build becomes a BadValue, any other
        node that cannot be built a YamlRefused naming its line (never a bare ValueError)."""
        try:
            return super().construct_object(node, deep=deep)
        except _BUILD_ERRORS as error:
            self.recursive_objects.pop(node, None)  # left behind by the failed build
            tag = _short_tag(node.tag)
            if not isinstance(node, yaml.ScalarNode):
                raise YamlRefused(
                    f"this {tag} value cannot be built ({error})", node.start_mark
                ) from None
            needs = _NEEDS.get(tag.removeprefix("!!"))
            reason = f"not {needs}" if needs else f"not something {tag} can hold"
            value = BadValue(str(node.value), reason, tag)
            self.constructed_objects[node] = value
            return value


class StrictLineLoader(LineLoader):
    """LineLoader that refuses duplicate keys.

    PyYAML keeps the last of two equal keys silently; rewriting such a file would drop the
    first value, so files that tuireader writes back (annotations) refuse them instead.
    """

    refuse_duplicates = True


def _short_tag(tag: str) -> str:
    """`tag:yaml.org,2002:int` as YAML writes it: `!!int`."""
    return tag.replace("tag:yaml.org,2002:", "!!")


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
    # AttributeError (`!!timestamp x`: not written like a time at all) is left to
    # LineLoader.construct_object, which makes it a BadValue.


LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def read_limited(path: Path, max_bytes: int) -> bytes:
    """The bytes of the file at `path`, or YamlTooLarge when it holds more than `max_bytes`
    (found without reading more than that). Raises OSError as reading does, and for
    anything but a regular file (a FIFO or a device would block or never end)."""
    # O_NONBLOCK: opening a FIFO must not wait for a writer; it changes nothing for files.
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as stream:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        data = stream.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise YamlTooLarge(max(info.st_size, len(data)), max_bytes)
    return data


def check_size(text: str | bytes, max_bytes: int) -> None:
    """YamlTooLarge when `text` takes more than `max_bytes` bytes in UTF-8 (text is encoded
    only when its length alone cannot decide: a character takes one to four bytes)."""
    if isinstance(text, bytes) or len(text) > max_bytes:
        size = len(text)
    elif len(text) * 4 <= max_bytes:
        return
    else:
        size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise YamlTooLarge(size, max_bytes)


def check_structure(text: str) -> None:
    """Refuse (YamlRefused, with the line) nesting deeper than MAX_DEPTH and any alias or
    anchor, by scanning the parser's events: linear time, no recursion, and nothing is
    composed, so a hostile file costs no more than reading it. Malformed YAML raises the
    parser's own yaml.YAMLError."""
    parser = _BaseLoader(text)
    try:
        depth = 0
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, yaml.AliasEvent):
                raise YamlRefused(
                    f"an alias (*{event.anchor}) is not allowed: tuireader's files never need "
                    "them (write the value out instead)",
                    event.start_mark,
                )
            if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
                raise YamlRefused(
                    f"an anchor (&{event.anchor}) is not allowed: tuireader's files never "
                    "need them (remove it)",
                    event.start_mark,
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlRefused(
                        f"nested more than {MAX_DEPTH} levels deep (lists or mappings inside "
                        "each other); tuireader's files need a few",
                        event.start_mark,
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        parser.dispose()


def load_yaml(text: str, strict: bool = False, max_bytes: int = MAX_YAML_BYTES) -> Any:
    """The plain data in `text` (mappings are LineDicts; values that cannot be built are
    BadValues). Raises yaml.YAMLError: malformed YAML, and YamlRefused for text over
    `max_bytes`, too deep, with aliases or anchors, with a refused tag or, when `strict`,
    a duplicate key. Never a RecursionError or a crash of the C loader."""
    check_size(text, max_bytes)
    try:
        check_structure(text)
    except yaml.reader.ReaderError as error:  # a character YAML forbids: say on which line
        raise _marked(text, error) from None
    loader = StrictLineLoader if strict else LineLoader
    return yaml.load(text, Loader=loader)  # a safe loader: see LineLoader


def _marked(text: str, error: yaml.reader.ReaderError) -> yaml.MarkedYAMLError:
    """A ReaderError (which knows only a character offset, and words it on several lines)
    as an error with the line, like the parser's own."""
    before = text[: error.position]
    line, column = before.count("\n"), error.position - (before.rfind("\n") + 1)
    mark = yaml.Mark("<text>", error.position, line, column, None, 0)
    character = error.character
    shown = f"U+{character:04X}" if isinstance(character, int) else repr(character)
    return yaml.MarkedYAMLError(
        problem=f"the character {shown} is not allowed in YAML", problem_mark=mark
    )


def yaml_problem(error: yaml.YAMLError, kind: str = "annotation files") -> str:
    """A one-line description of a YAML error with its line number (`line 4: ...`).

    `kind` names the files in the message about refused tags ("annotation files hold plain
    data only").
    """
    if isinstance(error, YamlTooLarge):
        return (
            f"the file is {error.size:,} bytes; {kind} may hold at most {error.limit:,} bytes "
            f"({_mib(error.limit)})"
        )
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    where = f"line {mark.line + 1}: " if mark is not None else ""
    message = getattr(error, "problem", None) or str(error)
    if "could not determine a constructor" in message or "python/" in message:
        tag = re.search(r"tag '([^']*)'", message)
        named = f" {_short_tag(tag.group(1))}" if tag else ""
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
    return " ".join(f"{where}{message}".split())  # one line, whatever the parser said


def is_refusal(error: yaml.YAMLError) -> bool:
    """Whether the YAML was well-formed but refused (a tag that builds objects, a duplicate
    key, a limit) rather than malformed."""
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
