"""Reading seeds/ again at the cost of what changed: folder times, file stamps, kept articles.

A workspace is refreshed whenever something may have changed (a search after an edit, the
app's file watcher, `reindex`). Walking seeds/ and reading every article again costs what
exists (11 s for the BBC corpus ×10); this module makes it cost what changed:

- **The walk is reused while no folder's entries changed.** Adding, removing or renaming a
  file changes its folder's modification time, so a `SeedSnapshot` keeps the time of every
  folder the walk went through, with a digest of its entries' names and kinds. A folder
  whose time differs is listed again (no stat): a save that writes a new file and renames
  it over the old one changes the time but not the entries, and the walk is kept; other
  changes walk again.
- **An article is read again only when its file's stamp changed** (size, modification time
  and inode: an edit in place changes the first two, a replacement by rename the inode).
  `ArticleCache` keeps the `Article` objects of unchanged files.
- **Racy times are not trusted.** A file or folder changed within `RACY_NS` of the moment
  its stamp was taken may change again within the same tick of the file system's clock and
  keep its stamp (a same-size edit a few milliseconds later). Such a file is read again
  next time whatever its stamp says, and such a folder's listing is kept with its time and
  compared next time, as git does with its index.
- **A new process starts from the record.** `SeedRecord` is a snapshot in the form kept
  beside the index (by path relative to seeds/, as strings): the next process looks again
  from it (`look_again`) and reads only the files it shows changed (`changed_since`).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tuireader.core.corpus import (
    Article,
    ArticleLoadError,
    SeedFiles,
    article_id_for,
    find_article_files_and_folders,
    load_article,
)

FileStamp = tuple[int, int, int]
"""What tells that a file changed: size, modification time (ns) and inode."""

# How close to "now" a modification time must be for the stamp not to be trusted: more
# than a file system clock's tick (4 to 10 ms on Linux) with a margin for clock skew.
RACY_NS = 100_000_000

FolderRecord = tuple[int, list[str] | None, str | None]
"""A folder's modification time (ns), its listing then when that time was racy, and the
digest of its entries (`entries_digest`)."""


def file_stamp(path: Path | str) -> FileStamp | None:
    """The stamp of the file at `path` (links followed), None when it cannot be stat'ed."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino


def folder_time(path: Path | str) -> int | None:
    """A folder's modification time in ns (links followed), None when it is gone."""
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def _listing(path: Path | str) -> list[str] | None:
    """The names in a folder that a walk of seeds/ looks at (not hidden), sorted."""
    try:
        return sorted(name for name in os.listdir(path) if not name.startswith("."))
    except OSError:
        return None


def _entry_kind(entry: os.DirEntry[str]) -> str:
    """What a directory entry is, from the listing alone (no stat on most file systems)."""
    if entry.is_symlink():
        return "link"
    if entry.is_dir(follow_symlinks=False):
        return "dir"
    return "file" if entry.is_file(follow_symlinks=False) else "other"


def entries_digest(path: Path | str) -> str | None:
    """A digest of what a walk of seeds/ meets in a folder before following anything: the
    names (not hidden) and kinds of its entries. None when the folder cannot be read or
    holds a symlink, whose target may change with nothing in the folder showing it."""
    try:
        with os.scandir(path) as listing:
            entries = sorted(
                f"{_entry_kind(entry)}/{entry.name}"
                for entry in listing
                if not entry.name.startswith(".")
            )
    except OSError:
        return None
    if any(entry.startswith("link/") for entry in entries):
        return None
    text = "\n".join(entries).encode("utf-8", "surrogateescape")
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def record_folder(path: Path | str, now_ns: int) -> FolderRecord | None:
    """What `folder_unchanged` and `updated_folder_record` compare for one folder, None
    when it cannot be read. The time is taken first: a change made while the entries are
    listed is seen by the next look."""
    mtime_ns = folder_time(path)
    if mtime_ns is None:
        return None
    racy = mtime_ns >= now_ns - RACY_NS
    return mtime_ns, _listing(path) if racy else None, entries_digest(path)


def folder_unchanged(path: Path | str, record: FolderRecord | list[Any] | None) -> bool:
    """Whether the folder still has the recorded time (and, when that was racy, the
    recorded listing): then no file was added, removed or renamed in it since."""
    if record is None:
        return False
    mtime_ns, listing = record[0], record[1]
    if folder_time(path) != mtime_ns:
        return False
    return listing is None or _listing(path) == listing


def updated_folder_record(
    path: Path | str, record: FolderRecord | None, now_ns: int
) -> FolderRecord | None:
    """The folder's record brought up to date when a walk of it would take what it took
    when recorded (its time unchanged, or its entries the same: a file replaced by a
    rename); None when its entries changed and seeds/ must be walked again."""
    if folder_unchanged(path, record):
        return record
    if record is None or record[2] is None:
        return None
    fresh = record_folder(path, now_ns)
    return fresh if fresh is not None and fresh[2] == record[2] else None


def _updated_folders(
    folders: Mapping[Any, FolderRecord | None], place: Any, now_ns: int
) -> dict[Any, FolderRecord | None] | None:
    """Every folder record of a walk brought up to date (`updated_folder_record`; `place`
    turns a key into the folder's path), None as soon as one folder's entries changed."""
    updated: dict[Any, FolderRecord | None] = {}
    for key, record in folders.items():
        fresh = updated_folder_record(place(key), record, now_ns)
        if fresh is None:
            return None
        updated[key] = fresh
    return updated


@dataclass
class SeedSnapshot:
    """One look at seeds/: the walk's result, a record of each folder it went through and
    each article file's stamp, all taken before any article is read (a change made while
    reading is then seen next time)."""

    found: SeedFiles
    folders: dict[Path, FolderRecord | None]
    stamps: dict[Path, FileStamp] = field(default_factory=dict)
    taken_ns: int = 0  # when the look began (time.time_ns): what "racy" is measured from


def take_snapshot(
    seeds_dir: Path, root: Path, previous: SeedSnapshot | None = None
) -> SeedSnapshot:
    """A fresh look at seeds/, reusing `previous`'s walk when no folder's entries changed;
    every article file is stat'ed (an edit in place changes no folder)."""
    now = time.time_ns()
    folders = None if previous is None else _updated_folders(previous.folders, _same, now)
    if previous is not None and folders is not None:
        found = previous.found
    else:
        found, walked = find_article_files_and_folders(seeds_dir, root)
        folders = {folder: record_folder(folder, now) for folder in walked}
    stamps = {}
    for path in found.paths:
        stamp = file_stamp(path)
        if stamp is not None:
            stamps[path] = stamp
    return SeedSnapshot(found, folders, stamps, now)


def _same(path: Path) -> Path:
    """A snapshot's folder keys are their paths already."""
    return path


def relative_name(path: Path, seeds_dir: Path) -> str:
    """`path` relative to seeds/ as a POSIX string ("." for seeds/ itself), by string
    slicing: Path.relative_to costs 0.1 s over the 20,950 files of BBC ×10."""
    text, prefix = str(path), str(seeds_dir) + os.sep
    if text == str(seeds_dir):
        return "."
    if not text.startswith(prefix):
        return path.relative_to(seeds_dir).as_posix()  # raises ValueError, as it should
    return text[len(prefix) :].replace(os.sep, "/")


def _place(seeds_dir: Path, name: str) -> str:
    """The path of a file or folder named relative to seeds/ (a string: see SeedRecord)."""
    return str(seeds_dir) if name == "." else f"{seeds_dir}{os.sep}{name}"


@dataclass
class SeedRecord:
    """A look at seeds/ in the form kept beside the index (workspace.py stores it at each
    reindex): each article file's stamp and each walked folder's record, by path relative
    to seeds/ ("." for seeds/ itself), with the walk's warnings and when it was taken.

    Names are strings, not Paths: making the 20,950 Paths of BBC ×10 costs 0.07 s and
    doubles the cost of their stats, and the next process only needs the few that changed.
    """

    files: dict[str, FileStamp]  # in the walk's order (the articles' order)
    folders: dict[str, FolderRecord | None]
    warnings: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # name -> the walk's warning
    taken_ns: int = 0

    @classmethod
    def of(cls, snapshot: SeedSnapshot, seeds_dir: Path) -> SeedRecord:
        """The record of a snapshot."""

        def name(path: Path) -> str:
            return relative_name(path, seeds_dir)

        return cls(
            files={name(path): stamp for path, stamp in snapshot.stamps.items()},
            folders={name(path): record for path, record in snapshot.folders.items()},
            warnings=list(snapshot.found.warnings),
            skipped={name(path): message for path, message in snapshot.found.skipped.items()},
            taken_ns=snapshot.taken_ns,
        )

    def look_again(self, seeds_dir: Path, root: Path) -> SeedRecord:
        """A new look at seeds/: this record's walk reused while no folder's entries
        changed (seeds/ is walked again otherwise), every article file stat'ed."""
        now = time.time_ns()
        folders = _updated_folders(self.folders, lambda name: _place(seeds_dir, name), now)
        if folders is None:
            found, walked = find_article_files_and_folders(seeds_dir, root)
            walk = SeedSnapshot(found, {folder: record_folder(folder, now) for folder in walked})
            fresh = SeedRecord.of(walk, seeds_dir)
            names: list[str] = [relative_name(path, seeds_dir) for path in found.paths]
            folders, warnings, skipped = fresh.folders, fresh.warnings, fresh.skipped
        else:
            names, warnings, skipped = list(self.files), self.warnings, self.skipped
        stamps = {}
        for name in names:
            stamp = file_stamp(_place(seeds_dir, name))
            if stamp is not None:
                stamps[name] = stamp
        return SeedRecord(stamps, folders, list(warnings), dict(skipped), now)

    def changed_since(self, older: SeedRecord) -> set[str]:
        """The files added, removed or changed since `older` was taken, and those whose
        stamp was too recent then to be trusted (RACY_NS: they may have changed since
        within the same tick of the file system's clock)."""
        changed = {name for name, stamp in self.files.items() if older.files.get(name) != stamp}
        changed.update(older.files.keys() - self.files.keys())
        trusted_before = older.taken_ns - RACY_NS
        changed.update(name for name, stamp in older.files.items() if stamp[1] >= trusted_before)
        return changed

    def to_json(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The record as two JSON objects: the folders (small: all a quick check reads),
        and the files with the rest."""
        files = {
            "files": self.files,
            "warnings": self.warnings,
            "skipped": self.skipped,
            "taken_ns": self.taken_ns,
        }
        return {"dirs": self.folders}, files

    @classmethod
    def from_json(cls, folders: Mapping[str, Any], files: Mapping[str, Any]) -> SeedRecord:
        """The record `to_json` gave. KeyError, TypeError or ValueError when malformed."""
        return cls(
            files={str(n): (int(s), int(m), int(i)) for n, (s, m, i) in files["files"].items()},
            folders={str(n): _folder_record(r) for n, r in folders["dirs"].items()},
            warnings=[str(w) for w in files["warnings"]],
            skipped={str(n): str(m) for n, m in files["skipped"].items()},
            taken_ns=int(files["taken_ns"]),
        )


def _folder_record(value: Any) -> FolderRecord | None:
    """A folder record read back from JSON."""
    if value is None:
        return None
    mtime_ns, listing, digest = value
    names = None if listing is None else [str(name) for name in listing]
    return int(mtime_ns), names, None if digest is None else str(digest)


@dataclass
class _Entry:
    """One file as last read: its stamp, whether that stamp can be trusted next time, the
    catalog entry it was read with, and the article (or why it could not be loaded)."""

    stamp: FileStamp | None
    trusted: bool
    catalog_entry: Any
    result: Article | ArticleLoadError


class ArticleCache:
    """Articles by file path, each read again only when its file's stamp or its catalog
    entry changed (`load`). `reads` counts the files actually read (for tests and
    benchmarks)."""

    def __init__(self) -> None:
        self._entries: dict[Path, _Entry] = {}
        self.reads = 0

    def load(
        self,
        path: Path,
        seeds_dir: Path,
        catalog: Mapping[str, Any],
        stamp: FileStamp | None,
    ) -> Article:
        """The article in `path`, whose stamp was taken (before this call) as `stamp`:
        the one kept from the last read when nothing changed, else read now. Raises
        ArticleLoadError as `load_article` does (a file that failed is not retried until it
        changes)."""
        catalog_entry = catalog.get(article_id_for(path, seeds_dir))
        entry = self._entries.get(path)
        if (
            entry is None
            or not entry.trusted
            or stamp is None
            or entry.stamp != stamp
            or entry.catalog_entry != catalog_entry
        ):
            trusted = stamp is not None and stamp[1] < time.time_ns() - RACY_NS
            result: Article | ArticleLoadError
            self.reads += 1
            try:
                result = load_article(path, seeds_dir, catalog)
            except ArticleLoadError as error:
                result = error
            entry = _Entry(stamp, trusted, catalog_entry, result)
            self._entries[path] = entry
        if isinstance(entry.result, ArticleLoadError):
            raise ArticleLoadError(str(entry.result))  # a new one: no traceback piles up
        return entry.result

    def keep_only(self, paths: set[Path]) -> None:
        """Forget the files not in `paths` (removed from seeds/)."""
        for path in set(self._entries) - paths:
            del self._entries[path]
