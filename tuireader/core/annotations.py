"""Highlights and notes: the model, the YAML store, and re-anchoring against edited text.

Annotations are the user's own work, so the store is built never to lose one:

- one YAML file per article, `annotations/<article id>.yaml` (`/` in an id becomes `__`);
- every change holds a lock on `<file>.lock`, re-reads the file from disk, changes only the
  annotation it is about (two sessions adding at once both keep theirs), and writes a temp
  file that is fsynced and renamed over the old one (a crash leaves old or new, never half);
- a file that cannot be read, parsed or validated is never written: it is reported with
  the line of the problem and that article's annotations are read-only until it is fixed;
- YAML is read with the safe loader only (tags that build objects are refused, duplicate
  keys too) and written with the safe dumper in a stable, diff-friendly layout; each
  annotation is emitted as a self-contained item and parsed back before it is written.

    >>> store = AnnotationStore(workspace.annotations_dir)
    >>> note = new_annotation(article, 120, 164, label="yellow", note="check this")
    >>> store.add(note)
    >>> reanchor(note, article).status
    'anchored'
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import uuid
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import filelock
import yaml

from tuireader.core.anchoring import Anchor, SelectionError, TextTarget, locate, make_target
from tuireader.core.corpus import Article
from tuireader.core.fileio import atomic_write_text

__all__ = [
    "SCHEMA_VERSION",
    "Anchor",
    "Annotation",
    "AnnotationError",
    "AnnotationFile",
    "AnnotationFileError",
    "AnnotationNotFoundError",
    "AnnotationStore",
    "DuplicateAnnotationError",
    "SelectionError",
    "TextTarget",
    "dump_annotations",
    "file_name_for",
    "new_annotation",
    "now_iso",
    "parse_annotation_file",
    "reanchor",
]

SCHEMA_VERSION = 1
FILE_SUFFIX = ".yaml"
LOCK_SUFFIX = ".lock"

# The C loader and dumper when PyYAML has them (several times faster), else pure Python.
# Both are the *safe* variants: only plain YAML types, no object construction.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

_ANNOTATION_KEYS = ("id", "created", "updated", "label", "tags", "note", "target")
_TARGET_KEYS = ("exact", "prefix", "suffix", "start", "end", "paragraph", "checksum")
# Line breaks YAML would normalise inside a block scalar; strings holding them are written
# double-quoted with escapes instead, so they come back exactly.
_ODD_BREAKS = re.compile("[\r\x85\u2028\u2029]")
# Characters kept out of file names (besides "/", which becomes "__").
_UNSAFE_NAME_CHARS = re.compile(r'[\\:*?"<>|%\x00-\x1f\x7f]')


class AnnotationError(Exception):
    """Base class for annotation problems a user or the UI should be told about."""


class AnnotationFileError(AnnotationError):
    """An annotation file that cannot be changed: unreadable, invalid, locked or unwritable.

    The file is left exactly as it was.
    """


class AnnotationNotFoundError(AnnotationError):
    """An annotation id that is not (or no longer) in its article's file."""


class DuplicateAnnotationError(AnnotationError):
    """Adding an annotation whose id is already in the file."""


@dataclass
class Annotation:
    """One highlight with its optional note, label and tags, anchored by a TextTarget."""

    id: str  # stable unique id
    article_id: str
    created: str  # ISO 8601 UTC
    updated: str  # ISO 8601 UTC
    label: str | None  # colour/label name chosen by number key in the UI
    tags: list[str]
    note: str
    target: TextTarget

    def to_dict(self) -> dict[str, Any]:
        """The annotation as plain data in the stored key order (for JSON and YAML)."""
        return {
            "id": self.id,
            "article": self.article_id,
            "created": self.created,
            "updated": self.updated,
            "label": self.label,
            "tags": list(self.tags),
            "note": self.note,
            "target": dataclasses.asdict(self.target),
        }


@dataclass
class AnnotationFile:
    """What one article's annotation file holds, and whether it may be written.

    `read_only` is True when the file could not be read, parsed or validated; `problem`
    then says why, naming the file and the line. `annotations` still lists the entries that
    were valid (none when the file did not parse), so they can be shown but not changed.
    """

    article_id: str
    path: Path
    annotations: list[Annotation] = field(default_factory=list)
    read_only: bool = False
    problem: str | None = None
    exists: bool = False

    def get(self, annotation_id: str) -> Annotation | None:
        """The annotation with this id, if the file holds it."""
        return next((a for a in self.annotations if a.id == annotation_id), None)


def now_iso() -> str:
    """The current UTC time as ISO 8601 with a `Z`, to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_annotation_id() -> str:
    """A fresh annotation id: 16 random hex digits (64 bits: no clash between sessions)."""
    return uuid.uuid4().hex[:16]


def new_annotation(
    article: Article,
    start: int,
    end: int,
    label: str | None = None,
    note: str = "",
    tags: Iterable[str] = (),
) -> Annotation:
    """A new annotation on article.text[start:end] (not yet stored: pass it to `add`).

    Raises SelectionError (a ValueError) for an empty, blank or out-of-range span.
    """
    stamp = now_iso()
    return Annotation(
        id=new_annotation_id(),
        article_id=article.id,
        created=stamp,
        updated=stamp,
        label=label,
        tags=_unique(tags),
        note=note,
        target=make_target(article, start, end),
    )


def reanchor(annotation: Annotation, article: Article) -> Anchor:
    """Where the annotation is in the article's current text (the annotation is unchanged)."""
    return locate(annotation.target, article)


def _clone(annotation: Annotation) -> Annotation:
    """A copy sharing no mutable part (callers may edit what the store hands out)."""
    return dataclasses.replace(
        annotation, tags=list(annotation.tags), target=dataclasses.replace(annotation.target)
    )


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=20).digest()


def _unique(tags: Iterable[str]) -> list[str]:
    """Tags without blanks or repeats, in the order given."""
    return list(dict.fromkeys(t.strip() for t in tags if t.strip()))


# --- file names -------------------------------------------------------------------------


def file_name_for(article_id: str) -> str:
    """The file name (not path) holding an article's annotations.

    `/` (sub-folders of seeds/) becomes `__`; characters unsafe in file names on some
    systems are %-escaped. Two ids can meet in one name (`a/b` and `a__b`); the file
    records its real id, and a mismatch is reported instead of mixing annotations.
    """
    name = _UNSAFE_NAME_CHARS.sub(lambda m: quote(m.group(), safe=""), article_id)
    name = name.replace("/", "__")
    if name.startswith("."):
        name = "%2E" + name[1:]
    return name + FILE_SUFFIX


def article_id_from_file_name(name: str) -> str:
    """The article id a file name most likely stands for (inverse of `file_name_for`)."""
    return unquote(name.removesuffix(FILE_SUFFIX).replace("__", "/"))


# --- YAML ---------------------------------------------------------------------------------


class _LineDict(dict[Any, Any]):
    """A mapping read from YAML that remembers the line of each key (for error messages)."""

    line: int = 0
    key_lines: dict[Any, int]


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loader that records line numbers and refuses duplicate keys.

    PyYAML keeps the last of two equal keys silently; rewriting such a file would drop the
    first value, so it is refused instead.
    """


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> Iterator[_LineDict]:
    data = _LineDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                None, None, "found an unhashable key", key_node.start_mark
            )
        if key in data:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


class _Dumper(_BaseDumper):  # type: ignore[valid-type,misc]
    """Safe dumper that writes multi-line strings as block scalars (`|`)."""


def _represent_str(dumper: Any, value: str) -> yaml.ScalarNode:
    if _ODD_BREAKS.search(value) or value.endswith("\n\n") or value == "\n":
        # Odd line breaks would be normalised; several trailing ones need a `|+` block,
        # after which the emitter ends the document with `...`, which would break the
        # joining of items in dump_annotations. Double quotes escape everything.
        node: yaml.ScalarNode = dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    elif "\n" in value:
        # The emitter falls back to a quoted style by itself when a block cannot hold the
        # string exactly (trailing spaces on a line, control characters).
        node = dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    else:
        node = dumper.represent_str(value)
    return node


_Dumper.add_representer(str, _represent_str)


def _yaml_problem(error: yaml.YAMLError) -> str:
    """A one-line description of a YAML error with its line number."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    where = f"line {mark.line + 1}: " if mark is not None else ""
    message = getattr(error, "problem", None) or str(error)
    if "could not determine a constructor" in message or "python/" in message:
        tag = re.search(r"tag '([^']*)'", message)
        named = f" {tag.group(1).replace('tag:yaml.org,2002:', '!!')}" if tag else ""
        message = (
            f"the YAML tag{named} is not allowed: annotation files hold plain data only "
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


# Written text of each stored annotation, keyed by id, with the record it was made from:
# rewriting a file re-emits only the annotations that changed.
RecordCache = dict[str, tuple[dict[str, Any], str]]


def _emit(data: Any) -> str:
    """`data` as YAML in tuireader's layout, checked to read back as exactly `data`.

    Raises AnnotationFileError otherwise (a safety net: such text is never written).
    """
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,  # one line per value: readable diffs, no folding surprises
    )
    if _plain(yaml.load(text, Loader=_Loader)) != data:  # _Loader is a safe loader
        raise AnnotationFileError("an annotation could not be written faithfully as YAML")
    return text


def _emit_item(record: dict[str, Any]) -> str:
    """One annotation as a block-sequence item that can be joined with others.

    Besides reading back exactly, the item must be self-contained: its first line starts
    with `- ` and every other non-empty line is indented, so nothing in it (a document
    marker, a stray key) can reach the items around it.
    """
    item = _emit([record])
    lines = item.split("\n")
    if not (item.startswith("- ") and item.endswith("\n")) or any(
        line and not line.startswith(" ") for line in lines[1:]
    ):
        raise AnnotationFileError("an annotation did not form a self-contained YAML item")
    return item


def dump_annotations(
    article_id: str, annotations: Iterable[Annotation], cache: RecordCache | None = None
) -> str:
    """The YAML text of an article's annotation file (sorted by position, stable keys).

    Each annotation is emitted as one block-sequence item and checked to read back
    exactly; the items are then joined under `annotations:`, which is what dumping the
    whole list gives. `cache` (kept by the store per file) spares re-emitting unchanged
    annotations. Raises AnnotationFileError if anything would not read back as written.
    """
    ordered = sorted(annotations, key=lambda a: (a.target.start, a.target.end, a.created, a.id))
    kept: RecordCache = {}
    items: list[str] = []
    for annotation in ordered:
        record = _annotation_record(annotation)
        hit = cache.get(annotation.id) if cache is not None else None
        try:
            item = hit[1] if hit is not None and hit[0] == record else _emit_item(record)
        except AnnotationFileError as error:
            raise AnnotationFileError(
                f"annotation {annotation.id} for {article_id} could not be written faithfully "
                "as YAML; nothing was written"
            ) from error
        kept[annotation.id] = (record, item)
        items.append(item)
    if cache is not None:
        cache.clear()
        cache.update(kept)
    header = _emit({"schema": SCHEMA_VERSION, "article": article_id})
    return (
        f"# tuireader annotations for article {_comment_safe(article_id)}.\n"
        "# Hand edits are welcome; keep the layout (schema 1). A file that does not parse\n"
        "# is left alone and its annotations become read-only until it is fixed.\n"
        + header
        + ("annotations:\n" + "".join(items) if items else "annotations: []\n")
    )


def _comment_safe(text: str) -> str:
    return re.sub(r"[\r\n\x00-\x1f\x7f-\x9f\u2028\u2029]", "?", text)


def _plain(value: Any) -> Any:
    """`value` with _LineDicts turned into dicts, for comparison."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _annotation_record(annotation: Annotation) -> dict[str, Any]:
    record = annotation.to_dict()
    del record["article"]  # the file says it once, at the top
    return record


# --- reading and validating ---------------------------------------------------------------


class _SchemaProblems:
    """Collects schema problems with line numbers while an annotation file is checked."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.messages: list[str] = []

    def add(self, line: int | None, message: str) -> None:
        where = f", line {line}" if line else ""
        self.messages.append(f"{self.label}{where}: {message}")

    def summary(self) -> str | None:
        if not self.messages:
            return None
        extra = len(self.messages) - 3
        more = f" (and {extra} more problem{'s' * (extra > 1)})" if extra > 0 else ""
        return "; ".join(self.messages[:3]) + more


def _line_of(mapping: Any, key: str) -> int | None:
    if isinstance(mapping, _LineDict):
        return mapping.key_lines.get(key, mapping.line)
    return None


def _as_time(value: Any) -> str | None:
    """A timestamp as ISO text; YAML reads unquoted times as datetime objects."""
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _parse_target(
    raw: Any, line: int | None, where: str, problems: _SchemaProblems
) -> TextTarget | None:
    if not isinstance(raw, dict):
        problems.add(line, f"{where}: 'target' must be a mapping")
        return None
    count = len(problems.messages)
    for key in raw:
        if key not in _TARGET_KEYS:
            problems.add(_line_of(raw, key), f"{where}: unknown key {key!r} in target")
    values: dict[str, Any] = {}
    for key in ("exact", "checksum"):
        value = raw.get(key)
        if not isinstance(value, str) or not value:
            problems.add(_line_of(raw, key), f"{where}: target '{key}' must be non-empty text")
        values[key] = value
    for key in ("prefix", "suffix"):
        value = raw.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            problems.add(_line_of(raw, key), f"{where}: target '{key}' must be text")
        values[key] = value
    for key, minimum in (("start", 0), ("end", 1), ("paragraph", 1)):
        value = raw.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            problems.add(
                _line_of(raw, key), f"{where}: target '{key}' must be a whole number ≥ {minimum}"
            )
        values[key] = value
    if len(problems.messages) == count and values["end"] <= values["start"]:
        problems.add(_line_of(raw, "end"), f"{where}: target 'end' must be after 'start'")
    if len(problems.messages) > count:
        return None
    return TextTarget(**values)


def _parse_annotation(
    raw: Any, article_id: str, line: int | None, problems: _SchemaProblems
) -> Annotation | None:
    if not isinstance(raw, dict):
        problems.add(line, "each entry under 'annotations' must be a mapping")
        return None
    count = len(problems.messages)
    annotation_id = raw.get("id")
    if not isinstance(annotation_id, str) or not annotation_id.strip():
        problems.add(_line_of(raw, "id"), "annotation without a text 'id'")
        annotation_id = "?"
    where = f"annotation {annotation_id!r}"
    for key in raw:
        if key not in _ANNOTATION_KEYS:
            problems.add(_line_of(raw, key), f"{where}: unknown key {key!r}")
    times = {}
    for key in ("created", "updated"):
        times[key] = _as_time(raw.get(key))
        if times[key] is None:
            problems.add(_line_of(raw, key), f"{where}: '{key}' must be an ISO 8601 time")
    label = raw.get("label")
    if label is not None and not isinstance(label, str):
        problems.add(_line_of(raw, "label"), f"{where}: 'label' must be text (quote it)")
    tags = raw.get("tags")
    if tags is None:
        tags = []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        problems.add(
            _line_of(raw, "tags"), f"{where}: 'tags' must be a list of text (quote numbers)"
        )
    note = raw.get("note")
    if note is None:
        note = ""
    if not isinstance(note, str):
        problems.add(_line_of(raw, "note"), f"{where}: 'note' must be text (quote it)")
    if "target" not in raw:
        problems.add(raw.line if isinstance(raw, _LineDict) else line, f"{where}: no 'target'")
        return None
    target = _parse_target(raw["target"], _line_of(raw, "target"), where, problems)
    if target is None or len(problems.messages) > count:
        return None
    return Annotation(
        id=annotation_id,
        article_id=article_id,
        created=times["created"] or "",
        updated=times["updated"] or "",
        label=label,
        tags=list(tags),
        note=note,
        target=target,
    )


def parse_annotation_file(
    text: str, article_id: str, label: str
) -> tuple[list[Annotation], str | None]:
    """Annotations in an annotation file's text, and a description of any problem.

    `label` names the file in messages. When the problem is a YAML error the list is empty;
    for schema problems it holds the entries that were valid.
    """
    try:
        data = yaml.load(text, Loader=_Loader)  # _Loader is a safe loader
    except yaml.constructor.ConstructorError as error:
        return [], f"{label}: refused, {_yaml_problem(error)}"
    except yaml.YAMLError as error:
        return [], f"{label}: not valid YAML, {_yaml_problem(error)}"
    except RecursionError:
        return [], f"{label}: YAML nested too deeply"
    if data is None:
        return [], None  # an empty file holds nothing to lose
    problems = _SchemaProblems(label)
    if not isinstance(data, dict):
        problems.add(1, "the file must be a mapping with 'schema', 'article' and 'annotations'")
        return [], problems.summary()
    schema = data.get("schema")
    if "schema" not in data:
        problems.add(1, f"no 'schema: {SCHEMA_VERSION}' line; is this a tuireader annotation file?")
        return [], problems.summary()
    if schema != SCHEMA_VERSION or not _is_int(schema):
        problems.add(
            _line_of(data, "schema"),
            f"'schema' is {schema!r}; this tuireader reads schema {SCHEMA_VERSION}",
        )
        return [], problems.summary()
    for key in data:
        if key not in ("schema", "article", "annotations"):
            problems.add(_line_of(data, key), f"unknown key {key!r}")
    stored_id = data.get("article")
    if stored_id != article_id:
        problems.add(
            _line_of(data, "article"),
            f"'article' is {stored_id!r} but this file belongs to {article_id!r} "
            "(two article ids may map to one file name; rename one)",
        )
    entries = data.get("annotations")
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        problems.add(_line_of(data, "annotations"), "'annotations' must be a list")
        return [], problems.summary()
    annotations: list[Annotation] = []
    seen: set[str] = set()
    for index, raw in enumerate(entries):
        line = raw.line if isinstance(raw, _LineDict) else _line_of(data, "annotations")
        annotation = _parse_annotation(raw, article_id, line, problems)
        if annotation is None:
            continue
        if annotation.id in seen:
            problems.add(line, f"annotation id {annotation.id!r} appears twice (entry {index + 1})")
            continue
        seen.add(annotation.id)
        annotations.append(annotation)
    return annotations, problems.summary()


# --- the store ----------------------------------------------------------------------------


class AnnotationStore:
    """The annotation files of one workspace: load, add, update, delete, list.

    Safe to use from several processes at once (two SSH sessions on one workspace): each
    change is a locked read-merge-write of one article's file.
    """

    def __init__(self, annotations_dir: Path, lock_timeout: float = 10.0) -> None:
        self.directory = Path(annotations_dir)
        self.lock_timeout = lock_timeout
        # Parsing YAML is the slow part of every change; a file whose bytes are the same as
        # last time (same digest) is not parsed again. Keyed by content, so another
        # session's write is always seen.
        self._parsed: dict[Path, tuple[bytes, list[Annotation], str | None]] = {}
        self._records: dict[Path, RecordCache] = {}

    def path_for(self, article_id: str) -> Path:
        """The file that holds (or will hold) an article's annotations."""
        return self.directory / file_name_for(article_id)

    def _label(self, path: Path) -> str:
        return f"{self.directory.name}/{path.name}"

    def load(self, article_id: str) -> AnnotationFile:
        """An article's annotations as on disk now; a missing file is an empty, writable one."""
        return self._read(article_id, self.path_for(article_id))

    def _read(self, article_id: str, path: Path) -> AnnotationFile:
        label = self._label(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return AnnotationFile(article_id, path)
        except OSError as error:
            problem = f"{label}: cannot be read ({error.strerror or error})"
            return AnnotationFile(article_id, path, read_only=True, problem=problem, exists=True)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            problem = f"{label}, line {line}: not UTF-8 text"
            return AnnotationFile(article_id, path, read_only=True, problem=problem, exists=True)
        digest = _digest(data)
        cached = self._parsed.get(path)
        if cached is not None and cached[0] == digest:
            annotations, issue = cached[1], cached[2]
        else:
            annotations, issue = parse_annotation_file(text, article_id, label)
            self._parsed[path] = (digest, annotations, issue)
        return AnnotationFile(
            article_id,
            path,
            [_clone(a) for a in annotations],
            read_only=issue is not None,
            problem=issue,
            exists=True,
        )

    def all(self) -> Iterator[tuple[str, AnnotationFile]]:
        """Every annotation file in the folder, as (article id, file), sorted by file name.

        Lock files, temp files and anything else that is not `<name>.yaml` are skipped.
        """
        if not self.directory.is_dir():
            return
        for path in sorted(self.directory.iterdir()):
            if path.suffix != FILE_SUFFIX or path.name.startswith(".") or not path.is_file():
                continue
            article_id = self._id_for_file(path)
            yield article_id, self._read(article_id, path)

    def _id_for_file(self, path: Path) -> str:
        """The id a file belongs to: the one it records, when that maps back to this file
        (`a__b.yaml` may hold `a/b` or `a__b`), else the one its name spells."""
        guess = article_id_from_file_name(path.name)
        try:
            with path.open(encoding="utf-8") as stream:
                head = stream.read(4096)
            line = re.search(r"^article:(.*)$", head, re.MULTILINE)
            recorded = yaml.load(line.group(1), Loader=_Loader) if line else None
        except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
            return guess
        if isinstance(recorded, str) and file_name_for(recorded) == path.name:
            return recorded
        return guess

    def add(self, annotation: Annotation) -> Annotation:
        """Store a new annotation. Raises DuplicateAnnotationError if its id is taken, and
        AnnotationFileError if the article's file is read-only, locked or unwritable."""

        def change(current: list[Annotation]) -> list[Annotation]:
            if any(a.id == annotation.id for a in current):
                raise DuplicateAnnotationError(
                    f"annotation {annotation.id} is already stored for {annotation.article_id}"
                )
            return [*current, annotation]

        self._modify(annotation.article_id, change)
        return annotation

    def update(self, annotation: Annotation) -> Annotation:
        """Replace the stored annotation with the same id; returns it with `updated` set now.

        The creation time on disk is kept. Other annotations in the file are untouched,
        including ones another session added meanwhile. Raises AnnotationNotFoundError if
        the id is no longer stored (deleted elsewhere): the caller may `add` it again.
        """
        stored: list[Annotation] = []

        def change(current: list[Annotation]) -> list[Annotation]:
            for index, existing in enumerate(current):
                if existing.id == annotation.id:
                    fresh = dataclasses.replace(
                        annotation,
                        created=existing.created,
                        updated=now_iso(),
                        tags=_unique(annotation.tags),
                    )
                    stored.append(fresh)
                    return [*current[:index], fresh, *current[index + 1 :]]
            raise AnnotationNotFoundError(
                f"annotation {annotation.id} is no longer stored for {annotation.article_id}"
            )

        self._modify(annotation.article_id, change)
        return stored[0]

    def delete(self, article_id: str, annotation_id: str) -> bool:
        """Remove one annotation; False when it was already gone (nothing is written)."""
        if not self.path_for(article_id).exists():
            return False  # nothing stored for this article: no folder or lock file created
        found: list[bool] = []

        def change(current: list[Annotation]) -> list[Annotation] | None:
            kept = [a for a in current if a.id != annotation_id]
            found.append(len(kept) != len(current))
            return kept if found[0] else None

        self._modify(article_id, change)
        return found[0]

    def _modify(
        self, article_id: str, change: Callable[[list[Annotation]], list[Annotation] | None]
    ) -> None:
        """Locked read-merge-write of one article's file; `change` returns None to skip."""
        path = self.path_for(article_id)
        label = self._label(path)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            lock = filelock.FileLock(
                f"{path}{LOCK_SUFFIX}", timeout=self.lock_timeout, poll_interval=0.005
            )
            with lock:
                current = self._read(article_id, path)
                if current.read_only:
                    raise AnnotationFileError(
                        f"{current.problem}. The file was left untouched; annotations for "
                        f"{article_id} are read-only until it is fixed."
                    )
                updated = change(current.annotations)
                if updated is None:
                    return
                text = dump_annotations(
                    article_id, updated, cache=self._records.setdefault(path, {})
                )
                atomic_write_text(path, text)
                self._parsed[path] = (
                    _digest(text.encode("utf-8")),
                    [_clone(a) for a in updated],
                    None,
                )
        except filelock.Timeout as error:
            raise AnnotationFileError(
                f"{label} is locked by another tuireader session (waited "
                f"{self.lock_timeout:g} s); nothing was written"
            ) from error
        except OSError as error:
            raise AnnotationFileError(
                f"{label} cannot be written ({error.strerror or error}); the old file is intact"
            ) from error
