"""Pinned citation keys: a key once used is kept for its article, in the workspace's
`citation-keys.yaml`, and never given to another article.

Keys are derived from the metadata (`citations.base_key`), so adding a second 2018 article
by the same author with the same first title word would otherwise move a key that a
manuscript already cites (`[@putz2018problem]`) to another article. After an export or a
copied citation the caller pins the keys it used (`KeyBook.pin`); later `KeyBook.assign`
keeps each pinned key for its article and gives a colliding newcomer the next free suffix,
with a warning naming both (the rules are `citations.assign_keys`).

The file is the user's too: a header comment says what it is, and the user may edit it
(remove a line to free a key). tuireader only ever adds lines at its end, under a lock,
after reading it again, so hand edits and comments are kept. A file that cannot be read or
holds a wrong entry makes the book read-only: `problem` says what and where, the readable
entries still protect their keys, and the file is never rewritten until it is fixed.

    keys:
      putz2018kazakhstan: 000_55308b7769cb3055

The file is checked by hand rather than by a pydantic model: it has two levels, every
message names the entry's own line, and exporting then does not import pydantic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import filelock
import yaml

from tuireader.core.corpus import Article
from tuireader.core.export.citations import assign_keys
from tuireader.core.fileio import atomic_write_text
from tuireader.core.names import CITATION_KEY
from tuireader.core.yamlfile import LineDict, line_of, load_yaml, read_limited, yaml_problem

KEYS_FILE = "citation-keys.yaml"
MAX_KEYS_FILE_BYTES = 4 * 1024 * 1024
"""Largest keys file read (4 MiB, some 80,000 keys); a larger one is refused, untouched."""
LOCK_TIMEOUT = 10.0  # seconds to wait for another session's pin (a pin takes milliseconds)

HEADER = """\
# Citation keys tuireader has used (in an export or a copied citation), each with the
# article it cites. A key listed here is never given to another article, so [@key] in a
# manuscript keeps citing the same work: a new article whose key would collide gets the
# next free suffix (putz2018problema) and a warning.
# tuireader adds keys at the end and leaves the rest as it is. You may edit this file:
# remove a line to free a key. To choose an article's key, set `key:` in
# seeds/catalog.yaml (a catalog key wins, with a warning if it is listed here for another
# article).
"""


class KeysFileError(Exception):
    """The keys file cannot be used; the message names the file, the line and the fault."""

    def __init__(self, message: str, pins: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.pins = dict(pins or {})
        """The entries that were right: they still protect their keys."""


@dataclass
class KeyBook:
    """The pinned keys of one workspace: what `citation-keys.yaml` holds, and whether it can
    be added to."""

    path: Path
    pins: dict[str, str] = field(default_factory=dict)
    """Key → the article id it was pinned to, in the file's order."""
    problem: str | None = None
    """Why the file is read-only (it cannot be read, or an entry is wrong); None: usable."""

    @classmethod
    def open(cls, root: Path) -> KeyBook:
        """The key book of the workspace at `root` (empty when it has no keys file yet)."""
        path = Path(root) / KEYS_FILE
        try:
            _text, pins = read_keys_file(path)
        except KeysFileError as error:
            return cls(path, error.pins, str(error))
        return cls(path, pins)

    @property
    def read_only(self) -> bool:
        """Whether `pin` leaves the file alone (see `problem`)."""
        return self.problem is not None

    def assign(
        self, articles: Iterable[Article], overrides: Mapping[str, str] | None = None
    ) -> tuple[dict[str, str], list[str]]:
        """A key per article id (pass every article of the workspace) and the warnings:
        collisions with pinned keys, and the file's problem when it is read-only."""
        keys, warnings = assign_keys(articles, overrides, self.pins)
        if self.problem is not None:
            warnings.append(self.problem)
        return keys, warnings

    def pin(self, keys_used: Mapping[str, str]) -> list[str]:
        """Pin the keys an export or a copied citation used (article id → key) and return
        what went wrong, in words (empty when nothing did; a failed pin must not fail the
        export that already happened, so it is said, not raised).

        Keys already pinned are left as they are, even to another article: a key is never
        reassigned (`assign` warns about that collision). The file is read again under a
        lock, so a pin made meanwhile by another session is kept.
        """
        lock = filelock.FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT)
        try:
            with lock:
                return self._pin_locked(keys_used)
        except filelock.Timeout:
            return [
                f"{KEYS_FILE} is locked by another tuireader session (waited "
                f"{LOCK_TIMEOUT:g} s); the keys of this export are not pinned"
            ]
        except OSError as error:
            return [f"{KEYS_FILE} cannot be written ({error}); the keys used are not pinned"]

    def _pin_locked(self, keys_used: Mapping[str, str]) -> list[str]:
        """`pin`, with the lock held."""
        try:
            text, pins = read_keys_file(self.path)
        except KeysFileError as error:
            self.pins, self.problem = error.pins, str(error)
            return [self.problem]
        self.pins, self.problem = pins, None
        new: dict[str, str] = {}
        for article_id, key in keys_used.items():
            if key not in pins and key not in new and CITATION_KEY.fullmatch(key):
                new[key] = article_id
        if not new:
            return []
        atomic_write_text(self.path, _with_pins(text, pins, new))
        self.pins = {**pins, **new}
        return []


def read_keys_file(path: Path) -> tuple[str, dict[str, str]]:
    """The text of the keys file at `path` and its pins ("", {} when there is no file).

    Raises KeysFileError for a file that cannot be read or holds anything wrong (with the
    entries that were right).
    """
    try:
        data = read_limited(path, MAX_KEYS_FILE_BYTES)
    except FileNotFoundError:
        return "", {}
    except yaml.YAMLError as error:  # too large: refused before reading it whole
        raise _unusable(yaml_problem(error, "citation key files")) from None
    except OSError as error:
        raise _unusable(f"cannot be read ({error.strerror or error})") from None
    try:
        text = data.decode("utf-8")
        raw = load_yaml(text, max_bytes=MAX_KEYS_FILE_BYTES)
    except UnicodeDecodeError as error:
        raise _unusable(f"is not UTF-8 text ({error.reason} at byte {error.start})") from None
    except yaml.YAMLError as error:
        raise _unusable(yaml_problem(error, "citation key files")) from None
    pins, faults = check_keys_data(raw)
    if faults:
        raise _unusable("; ".join(faults), pins)
    return text, pins


def check_keys_data(raw: Any) -> tuple[dict[str, str], list[str]]:
    """The pins in a keys file's data (as read from YAML), and what is wrong in it, each
    fault with its line."""
    if raw is None:
        return {}, []
    if not isinstance(raw, dict):
        return {}, ["must be a mapping with 'keys:' (key: article id lines under it)"]
    faults = [
        f"line {line_of(raw, key)}: unknown key {key!r} (only 'keys')"
        for key in raw
        if key != "keys"
    ]
    faults += _duplicate_faults(raw)
    entries = raw.get("keys")
    if entries is None:
        return {}, faults
    if not isinstance(entries, dict):
        return {}, [
            *faults,
            f"line {line_of(raw, 'keys')}: 'keys' must be a mapping of key: article id",
        ]
    faults += _duplicate_faults(entries)
    pins: dict[str, str] = {}
    for key, article_id in entries.items():
        fault = _entry_fault(key, article_id)
        if fault is None:
            pins[key] = article_id
        else:
            faults.append(f"line {line_of(entries, key)}: {fault}")
    return pins, faults


def _entry_fault(key: Any, article_id: Any) -> str | None:
    """What is wrong with one `key: article id` line, or None."""
    if not isinstance(key, str) or not CITATION_KEY.fullmatch(key):
        return (
            f"{key!r} is not a citation key (text without spaces or any of "
            ", { } @ [ ] # % \" ' =)"
        )
    if not isinstance(article_id, str) or not article_id.strip():
        return f"the key {key!r} must be followed by an article id as text, not {article_id!r}"
    return None


def _duplicate_faults(mapping: Any) -> list[str]:
    """A key written twice is a fault: which of its two articles it cites is unknown."""
    if not isinstance(mapping, LineDict):
        return []
    return [f"line {line}: {key!r} is written twice" for key, line in mapping.duplicates]


def _unusable(fault: str, pins: Mapping[str, str] | None = None) -> KeysFileError:
    """The error for a keys file that cannot be used, saying it is left alone."""
    return KeysFileError(
        f"{KEYS_FILE}: {fault}; the file is left as it is and no new key is pinned until it "
        "is fixed",
        pins,
    )


def _with_pins(text: str, pins: Mapping[str, str], new: Mapping[str, str]) -> str:
    """The keys file's text with `new` pins added: appended at its end so that the user's
    comments and layout stay; only when appending cannot give the right data (a flow-style
    mapping, `keys:` not last) is the file written out again, every pin kept."""
    lines = "".join(_pin_line(key, article_id) for key, article_id in new.items())
    wanted = {**pins, **new}
    if not text.strip():
        return HEADER + "keys:\n" + lines
    body = text if text.endswith("\n") else text + "\n"
    for candidate in (body + lines, body + "keys:\n" + lines):
        if _pins_of(candidate) == list(wanted.items()):
            return candidate
    return HEADER + "keys:\n" + "".join(_pin_line(k, a) for k, a in wanted.items())


def _pin_line(key: str, article_id: str) -> str:
    """One `  key: article id` line, quoted where YAML would read it otherwise."""
    dumped = yaml.safe_dump({key: article_id}, allow_unicode=True, width=1 << 16)
    return "  " + dumped


def _pins_of(text: str) -> list[tuple[str, str]] | None:
    """The pins a keys file text holds, in order; None when it is not a right keys file."""
    try:
        pins, faults = check_keys_data(load_yaml(text, max_bytes=MAX_KEYS_FILE_BYTES))
    except yaml.YAMLError:
        return None
    return None if faults else list(pins.items())
