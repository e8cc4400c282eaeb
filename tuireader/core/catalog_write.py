"""Writing seeds/catalog.yaml without disturbing what the user wrote there.

The catalog is a hand-edited file: its comments, its order, its quoting and spacing are the
user's. So tuireader never re-dumps it with PyYAML. It edits the text: the positions of the
entries and fields come from PyYAML's node tree (`yaml.compose`), new entries are added
after the last one, new fields after the last field of their entry, a corrected value
replaces only the text of that value. Untouched entries stay byte for byte as they were.

Two writers, for two callers:

- `add_facts` (the importer): facts found in a file fill an entry; what the user already
  wrote is never changed, only missing or empty fields are filled, and each fact not used
  because the user's value differs is said in a message.
- `set_fields` (the catalog dialog): a correction the user asked for replaces the fields
  given, after they are checked against `CatalogEntry` (a `CatalogFieldError` names the
  key and what was expected).

Both read the file again under a lock (`filelock`, so two sessions cannot lose each other's
edit), refuse to touch a file that does not parse or has no `articles:` mapping
(`CatalogWriteError`; the file is left as it is), check that the edited text parses and
holds what was written before writing it, and write atomically (`core.fileio`).

Entries are keyed by article id (the file's path under seeds/ without .txt/.md); a name
with the suffix (`report.txt`) is taken as its id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import filelock
import yaml

from tuireader.core.corpus import ARTICLE_SUFFIXES
from tuireader.core.fileio import atomic_write_text
from tuireader.core.yamlfile import (
    MAX_YAML_BYTES,
    is_refusal,
    load_yaml,
    read_limited,
    yaml_problem,
)

CATALOG_FILE = "catalog.yaml"
LOCK_FILE = ".catalog.yaml.lock"  # hidden: the seeds/ walk and the file watcher skip it
LOCK_TIMEOUT = 10.0  # seconds to wait for another session's write (one takes milliseconds)
LABEL = "seeds/catalog.yaml"

HEADER = """\
# Bibliographic metadata, keyed by article id (the file's path under seeds/ without .txt/.md).
# Fields: title, authors (list; {literal: Name} for an institution), container (outlet),
# issued (YYYY, YYYY-MM or YYYY-MM-DD), url, type (CSL item type), language, source (the
# original file an import kept under sources/), pages (where each page begins, for PDFs).
# `tuireader import` fills only fields that are missing or empty: what you write is kept.
articles:
"""

_DEFAULT_STEP = 2  # indentation of a new level when the file shows none to copy


class CatalogWriteError(Exception):
    """The catalog cannot be written (it does not parse, is locked or cannot be read or
    written); the message says why, and the file was left as it was."""


class CatalogFieldError(ValueError):
    """A value given to `set_fields` does not fit the catalog's schema; the message names
    the key and what was expected (the schema's own words)."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages
        """One message per field at fault."""


def catalog_key(name: str) -> str:
    """The catalog key of an article given by its id or its file name under seeds/."""
    name = Path(name).as_posix()
    for suffix in ARTICLE_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def add_facts(seeds_dir: Path, facts: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Add what was found about articles (article id or file name -> fields) to the catalog:
    a new entry for an article without one, else only the fields that are missing or empty.

    Returns messages, one per fact not used: a field the user wrote (kept as written), or a
    found value that does not fit the schema (left out). Raises CatalogWriteError when the
    catalog cannot be written; nothing is changed then.
    """
    messages: list[str] = []
    wanted: dict[str, dict[str, Any]] = {}
    for name, fields in facts.items():
        key = catalog_key(name)
        good, problems = _checked(key, fields)
        messages.extend(f"{LABEL}: {problem}; left out" for problem in problems)
        good = {k: v for k, v in good.items() if not _empty(v)}
        if good:
            wanted.setdefault(key, {}).update(good)
    if not wanted:
        return messages

    def edit(text: str, doc: _Document) -> str:
        edits = _Edits(text)
        new_entries: list[tuple[str, dict[str, Any]]] = []
        for key, fields in wanted.items():
            entry = doc.entry(key)
            if entry is None:
                new_entries.append((key, fields))
                continue
            existing = doc.values(key)
            missing = {}
            for field, value in fields.items():
                if field in existing and not _empty(existing[field]):
                    if _plain(existing[field]) != _plain(value):
                        messages.append(
                            f"{LABEL}: article {key!r}: kept {field} {_flow(existing[field])} "
                            f"as written (found {_flow(value)})"
                        )
                    continue
                missing[field] = value
            if missing:
                doc.fill_entry(edits, entry, missing)
        if new_entries:
            doc.add_entries(edits, new_entries)
        return edits.apply()

    _write(seeds_dir, edit, expect=wanted, keep_existing=True)
    return messages


def set_fields(seeds_dir: Path, file_name: str, fields: Mapping[str, Any]) -> None:
    """Replace the given fields of one article's entry (a correction the user asked for);
    a field given as None, "" or [] is removed. The entry is made when there is none.

    Raises CatalogFieldError (a ValueError) when a value does not fit the schema, before
    anything is read or written, and CatalogWriteError when the catalog cannot be written.
    """
    key = catalog_key(file_name)
    present = {k: v for k, v in fields.items() if not _empty(v)}
    _good, problems = _checked(key, present, strict_keys=set(fields))
    if problems:
        raise CatalogFieldError(problems)
    removed = [k for k, v in fields.items() if _empty(v)]

    def edit(text: str, doc: _Document) -> str:
        edits = _Edits(text)
        entry = doc.entry(key)
        if entry is None:
            if present:
                doc.add_entries(edits, [(key, dict(present))])
            return edits.apply()
        doc.replace_fields(edits, entry, present, removed)
        return edits.apply()

    _write(seeds_dir, edit, expect={key: dict(present)}, removed={key: removed})


def check_writable(seeds_dir: Path) -> None:
    """Raise CatalogWriteError when the catalog could not be edited now (it does not parse,
    it is not a catalog, it is in flow style): a caller about to write files whose facts go
    into the catalog asks first, so that no file arrives without its facts."""
    _Document.parse(_read(Path(seeds_dir) / CATALOG_FILE))


# --- checking values ---------------------------------------------------------------------------


def _checked(
    key: str, fields: Mapping[str, Any], strict_keys: Iterable[str] = ()
) -> tuple[dict[str, Any], list[str]]:
    """The fields that fit `CatalogEntry` (as given, not as converted) and the messages for
    the others. Keys in `strict_keys` that are unknown to the schema are problems too."""
    # Imported here: the schema brings in pydantic, which the app loads only when needed.
    from tuireader.core.catalog import CatalogEntry
    from tuireader.core.schemas import validate_keeping_good_fields

    data = {str(k): v for k, v in fields.items()}
    where = f"article {key!r}: "
    _entry, problems = validate_keeping_good_fields(CatalogEntry, data, where)
    messages = [p.message for p in problems]
    messages += [
        CatalogEntry.unknown_key.format(where=where, key=k)
        for k in strict_keys
        if k not in data and k not in CatalogEntry.model_fields
    ]
    bad = {p.key for p in problems}
    return {k: v for k, v in data.items() if k not in bad}, messages


def _empty(value: Any) -> bool:
    """Whether a field's value counts as not written (None, blank text, empty list)."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict):
        return len(value) == 0
    return False


def _plain(value: Any) -> Any:
    """A value for comparison: tuples as lists, mappings as dicts, text stripped."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return " ".join(value.split())
    return value


def _flow(value: Any) -> str:
    """`value` as one line of YAML (flow style, quoted only when it must be)."""
    value = _one_line(value)
    text = yaml.safe_dump(
        value, default_flow_style=True, allow_unicode=True, width=1 << 30, sort_keys=False
    )
    return text.removesuffix("\n").removesuffix("\n...").strip()


def _one_line(value: Any) -> Any:
    """Text with its runs of white space (newlines too) made single spaces: a catalog value
    is one line, and a multi-line scalar would not fit where it is written."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, Mapping):
        return {str(k): _one_line(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_one_line(v) for v in value]
    return value


# --- the file ----------------------------------------------------------------------------------


def _write(
    seeds_dir: Path,
    edit: Any,
    expect: Mapping[str, Mapping[str, Any]],
    keep_existing: bool = False,
    removed: Mapping[str, list[str]] | None = None,
) -> None:
    """Read the catalog under the lock, apply `edit(text, document)`, check the result holds
    `expect` (and lacks `removed`), and replace the file atomically."""
    path = Path(seeds_dir) / CATALOG_FILE
    lock = filelock.FileLock(str(Path(seeds_dir) / LOCK_FILE), timeout=LOCK_TIMEOUT)
    try:
        with lock:
            text = _read(path)
            # A byte order mark stays where it is, out of the positions the edits use.
            bom = "\ufeff" if text.startswith("\ufeff") else ""
            text = text.removeprefix(bom)
            new_text = edit(text, _Document.parse(text))
            if new_text == text:
                return
            _verify(new_text, expect, keep_existing, removed or {})
            atomic_write_text(path, bom + new_text)
    except filelock.Timeout:
        raise CatalogWriteError(
            f"{LABEL} is being written by another tuireader session (waited "
            f"{LOCK_TIMEOUT:g} s); nothing was changed"
        ) from None
    except OSError as error:
        raise CatalogWriteError(
            f"{LABEL} cannot be written ({error.strerror or error}); nothing was changed"
        ) from error


def _read(path: Path) -> str:
    """The catalog's text; the header and `articles:` for a catalog that does not exist."""
    try:
        content = read_limited(path, MAX_YAML_BYTES)
    except FileNotFoundError:
        return HEADER
    except yaml.YAMLError as error:  # over the size limit
        raise CatalogWriteError(
            f"{LABEL}: {yaml_problem(error, 'catalog files')}; nothing was changed"
        ) from None
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CatalogWriteError(
            f"{LABEL} is not UTF-8 text ({error}); nothing was changed"
        ) from None


def _verify(
    text: str,
    expect: Mapping[str, Mapping[str, Any]],
    keep_existing: bool,
    removed: Mapping[str, list[str]],
) -> None:
    """Refuse to write an edit that does not parse or does not hold what was meant (a fault
    of this module must never cost the user their catalog)."""
    try:
        data = load_yaml(text)
    except yaml.YAMLError as error:
        raise CatalogWriteError(
            f"{LABEL}: the edit would not parse ({yaml_problem(error, 'catalog files')}); "
            "nothing was changed"
        ) from None
    articles = data.get("articles") if isinstance(data, dict) else None
    for key, fields in expect.items():
        entry = _lookup(articles, key)
        for field, value in fields.items():
            found = entry.get(field) if isinstance(entry, dict) else None
            if keep_existing and not _empty(found):
                continue  # the user's value, kept
            if _plain(found) != _plain(_one_line(value)) and not _same_date(found, value):
                raise CatalogWriteError(
                    f"{LABEL}: the edit of article {key!r} would not hold {field} as given; "
                    "nothing was changed"
                )
    for key, names in removed.items():
        entry = _lookup(articles, key)
        if isinstance(entry, dict) and any(not _empty(entry.get(f)) for f in names):
            raise CatalogWriteError(f"{LABEL}: the edit of article {key!r} failed; not written")


def _same_date(found: Any, value: Any) -> bool:
    """Whether YAML read a written date (`2019-05-01`) back as that date."""
    return hasattr(found, "isoformat") and found.isoformat() == str(value)


def _lookup(articles: Any, key: str) -> Any:
    """The entry of `key` in the articles mapping as read (keys compared as text)."""
    if not isinstance(articles, dict):
        return None
    found = None
    for name, entry in articles.items():
        if str(name) == key:
            found = entry
    return found


@dataclass
class _Edits:
    """Text replacements on the original text, applied together at the end (positions
    are the original's, so edits do not move each other)."""

    text: str

    def __post_init__(self) -> None:
        self.changes: list[tuple[int, int, str]] = []

    def replace(self, start: int, end: int, new: str) -> None:
        """Replace text[start:end] by `new` (start == end: insert)."""
        self.changes.append((start, end, new))

    def apply(self) -> str:
        """The text with every change made, from the end backwards; changes at one place
        are joined in the order they were made."""
        merged: dict[tuple[int, int], str] = {}
        for start, end, new in self.changes:
            merged[(start, end)] = merged.get((start, end), "") + new
        text = self.text
        for (start, end), new in sorted(merged.items(), reverse=True):
            text = text[:start] + new + text[end:]
        return text


class _Document:
    """The catalog's node tree: where each entry and field is in the text."""

    def __init__(self, text: str, root: yaml.Node | None, data: Any = None) -> None:
        self.text = text
        self.root = root
        self.data = data
        self.articles_key: yaml.Node | None = None
        self.articles: yaml.Node | None = None
        if isinstance(root, yaml.MappingNode):
            for key_node, value_node in root.value:
                if key_node.value == "articles":
                    self.articles_key, self.articles = key_node, value_node

    @classmethod
    def parse(cls, text: str) -> _Document:
        """The document of `text`; CatalogWriteError when the catalog does not parse or is
        not a catalog (the file is then left alone: the user's to fix)."""
        try:
            data = load_yaml(text)  # the same defences and refusals as reading the catalog
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            root = yaml.compose(text, Loader=loader)
        except yaml.YAMLError as error:
            kind = "is refused" if is_refusal(error) else "does not parse"
            raise CatalogWriteError(
                f"{LABEL} {kind} ({yaml_problem(error, 'catalog files')}); it was not "
                "changed: fix it, then try again"
            ) from None
        doc = cls(text, root, data)
        not_a_catalog = not isinstance(root, yaml.MappingNode) or (
            doc.articles is not None
            and not isinstance(doc.articles, yaml.MappingNode)
            and not _is_null(doc.articles)
        )
        if root is not None and not _is_null(root) and not_a_catalog:
            raise CatalogWriteError(
                f"{LABEL} has no 'articles' mapping; it was not changed: fix it, then try again"
            )
        for node in (doc.articles, *doc._entries()):
            if isinstance(node, yaml.MappingNode) and node.flow_style and node.value:
                raise CatalogWriteError(
                    f"{LABEL}, line {node.start_mark.line + 1}: written in flow style "
                    "({...}); tuireader edits only block mappings (one key a line), so it "
                    "was not changed"
                )
        return doc

    def _entries(self) -> list[yaml.Node]:
        """The value nodes of every entry."""
        if not isinstance(self.articles, yaml.MappingNode):
            return []
        return [value for _key, value in self.articles.value]

    def entry(self, key: str) -> tuple[yaml.Node, yaml.Node] | None:
        """The (key node, value node) of an article's entry (the last one, as YAML keeps)."""
        found = None
        if isinstance(self.articles, yaml.MappingNode):
            for key_node, value_node in self.articles.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                    found = (key_node, value_node)
        return found

    def values(self, key: str) -> dict[str, Any]:
        """The fields of an article's entry as written (plain values)."""
        articles = self.data.get("articles") if isinstance(self.data, dict) else None
        entry = _lookup(articles, key)
        return {str(k): v for k, v in entry.items()} if isinstance(entry, dict) else {}

    # --- where things go ------------------------------------------------------------------------

    def _entry_indent(self) -> int:
        """The column of the entries under `articles:`."""
        if isinstance(self.articles, yaml.MappingNode) and self.articles.value:
            return int(self.articles.value[0][0].start_mark.column)
        return _DEFAULT_STEP

    def _field_step(self) -> int:
        """How much deeper fields sit than their entry's key, as the file shows it."""
        for key_node, value_node in (
            self.articles.value if isinstance(self.articles, yaml.MappingNode) else []
        ):
            if isinstance(value_node, yaml.MappingNode) and value_node.value:
                step = value_node.value[0][0].start_mark.column - key_node.start_mark.column
                if step > 0:
                    return int(step)
        return _DEFAULT_STEP

    def _after_line(self, index: int) -> int:
        """The start of the line after the one holding position `index` (the end of the
        text when it has no newline there; `_Edits` users add one)."""
        if index > 0 and self.text[index - 1] == "\n":
            return index
        newline = self.text.find("\n", index)
        return len(self.text) if newline < 0 else newline + 1

    def _line_break_before(self, at: int) -> str:
        """A newline to put before an insertion at `at` when the text there has none."""
        return "" if at == 0 or self.text[at - 1] == "\n" else "\n"

    def _field_lines(self, fields: Mapping[str, Any], indent: int) -> str:
        """`key: value` lines for fields at `indent`."""
        pad = " " * indent
        return "".join(f"{pad}{_flow(k)}: {_flow(v)}\n" for k, v in fields.items())

    # --- edits ------------------------------------------------------------------------------------

    def add_entries(self, edits: _Edits, entries: list[tuple[str, dict[str, Any]]]) -> None:
        """New entries after the last one under `articles:` (made when missing)."""
        indent = self._entry_indent()
        step = self._field_step()
        block = "".join(
            f"{' ' * indent}{_flow(key)}:\n{self._field_lines(fields, indent + step)}"
            for key, fields in entries
        )
        if self.articles_key is None:  # no `articles:` at all (an empty or comment-only file)
            at = len(self.text)
            edits.replace(at, at, f"{self._line_break_before(at)}articles:\n{block}")
            return
        assert self.articles is not None
        if isinstance(self.articles, yaml.MappingNode) and self.articles.value:
            # After the whole block, comments at its end included: they belong to the last
            # entry or to the file, not to the new entries.
            at = self._after_line(self.articles.end_mark.index)
        elif isinstance(self.articles, yaml.MappingNode):  # `articles: {}`
            start, end = self.articles.start_mark.index, self.articles.end_mark.index
            edits.replace(start, end, "")
            at = self._after_line(end)
        else:  # `articles:` with nothing under it
            at = self._after_line(self.articles_key.end_mark.index)
        edits.replace(at, at, f"{self._line_break_before(at)}{block}")

    def fill_entry(
        self, edits: _Edits, entry: tuple[yaml.Node, yaml.Node], fields: Mapping[str, Any]
    ) -> None:
        """Write fields that the entry lacks or has empty (`title:` with nothing, `""`)."""
        key_node, value_node = entry
        step = self._field_step()
        if not isinstance(value_node, yaml.MappingNode) or not value_node.value:
            # `id:` with nothing (or `{}`) under it: the fields go on the following lines.
            start, end = value_node.start_mark.index, value_node.end_mark.index
            edits.replace(start, end, "")
            at = self._after_line(max(end, key_node.end_mark.index))
            indent = key_node.start_mark.column + step
            edits.replace(at, at, self._line_break_before(at) + self._field_lines(fields, indent))
            return
        written = {k.value: (k, v) for k, v in value_node.value if isinstance(k, yaml.ScalarNode)}
        new: dict[str, Any] = {}
        for field, value in fields.items():
            if field in written:  # present but empty: replace the empty value in place
                self._replace_value(edits, *written[field], value)
            else:
                new[field] = value
        if new:
            at = self._after_line(_last_end(value_node))
            indent = value_node.value[0][0].start_mark.column
            edits.replace(at, at, self._line_break_before(at) + self._field_lines(new, indent))

    def replace_fields(
        self,
        edits: _Edits,
        entry: tuple[yaml.Node, yaml.Node],
        fields: Mapping[str, Any],
        removed: Iterable[str],
    ) -> None:
        """Set `fields` of an entry (replacing what is there) and remove `removed`."""
        _key_node, value_node = entry
        written = (
            {k.value: (k, v) for k, v in value_node.value if isinstance(k, yaml.ScalarNode)}
            if isinstance(value_node, yaml.MappingNode)
            else {}
        )
        for field in removed:
            if field in written:
                key, value = written[field]
                start = self.text.rfind("\n", 0, key.start_mark.index) + 1
                edits.replace(start, self._after_line(_last_end(value)), "")
        absent = {}
        for field, value in fields.items():
            if field in written:
                self._replace_value(edits, *written[field], value)
            else:
                absent[field] = value
        if absent:
            self.fill_entry(edits, entry, absent)

    def _replace_value(self, edits: _Edits, key: yaml.Node, value: yaml.Node, new: Any) -> None:
        """Replace a field's value text (from after its key to the end of its value), keeping
        a comment after it on the same line."""
        start = key.end_mark.index
        end = _last_end(value)
        if end <= start:  # an empty value: nothing written after the key
            end = start
        old = self.text[start:end]
        colon = old.find(":")
        head = old[: colon + 1] if colon >= 0 else ":"
        tail = "\n" if old.endswith("\n") else ""  # a block scalar ends with its newline
        edits.replace(start, end, f"{head} {_flow(new)}{tail}")


def _last_end(node: yaml.Node) -> int:
    """Where the last thing written in a node ends: its last leaf for a block collection
    (a block collection's own end mark lies at the next key, past comments between)."""
    block = isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style
    if block and node.value:
        last = node.value[-1]
        return _last_end(last[1] if isinstance(node, yaml.MappingNode) else last)
    return int(node.end_mark.index)


def _is_null(node: yaml.Node) -> bool:
    """Whether a node is YAML's null (nothing written, `~` or `null`)."""
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"
