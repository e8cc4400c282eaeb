"""Reading seeds/ again at the cost of what changed: folder times, file stamps, kept articles.

A workspace is refreshed whenever something may have changed (a search after an edit, the
app's file watcher, `reindex`). Walking seeds/ and reading every article again costs what
exists (11 s for the BBC corpus ×10); this module makes it cost what changed:

- **The walk is reused while no folder changed.** Adding, removing or renaming a file
  changes its folder's modification time, so a `SeedSnapshot` keeps the time of every
  folder the walk went through and walks again only when one of them differs.
- **An article is read again only when its file's stamp changed** (size, modification time
  and inode: an edit in place changes the first two, a replacement by rename the inode).
  `ArticleCache` keeps the `Article` objects of unchanged files.
- **Racy times are not trusted.** A file or folder changed within `RACY_NS` of the moment
  its stamp was taken may change again within the same tick of the file system's clock and
  keep its stamp (a same-size edit a few milliseconds later). Such a file is read again
  next time whatever its stamp says, and such a folder's listing is kept with its time and
  compared next time, as git does with its index.
"""

from __future__ import annotations

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

FolderRecord = tuple[int, list[str] | None]
"""A folder's modification time (ns) and, when that time was racy, its listing then."""


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


def record_folder(path: Path | str, now_ns: int) -> FolderRecord | None:
    """What `folder_unchanged` compares for one folder, None when it cannot be read."""
    mtime_ns = folder_time(path)
    if mtime_ns is None:
        return None
    return mtime_ns, _listing(path) if mtime_ns >= now_ns - RACY_NS else None


def folder_unchanged(path: Path | str, record: FolderRecord | list[Any] | None) -> bool:
    """Whether the folder still has the recorded time (and, when that was racy, the
    recorded listing): then no file was added, removed or renamed in it since."""
    if record is None:
        return False
    mtime_ns, listing = record
    if folder_time(path) != mtime_ns:
        return False
    return listing is None or _listing(path) == listing


@dataclass
class SeedSnapshot:
    """One look at seeds/: the walk's result, a record of each folder it went through and
    each article file's stamp, all taken before any article is read (a change made while
    reading is then seen next time)."""

    found: SeedFiles
    folders: dict[Path, FolderRecord | None]
    stamps: dict[Path, FileStamp] = field(default_factory=dict)

    def folders_unchanged(self) -> bool:
        """Whether no file was added, removed or renamed in any folder since the walk."""
        return all(folder_unchanged(path, record) for path, record in self.folders.items())


def take_snapshot(
    seeds_dir: Path, root: Path, previous: SeedSnapshot | None = None
) -> SeedSnapshot:
    """A fresh look at seeds/, reusing `previous`'s walk when none of its folders changed;
    every article file is stat'ed (an edit in place changes no folder)."""
    now = time.time_ns()
    if previous is not None and previous.folders_unchanged():
        found, folders = previous.found, previous.folders
    else:
        found, walked = find_article_files_and_folders(seeds_dir, root)
        folders = {folder: record_folder(folder, now) for folder in walked}
    stamps = {}
    for path in found.paths:
        stamp = file_stamp(path)
        if stamp is not None:
            stamps[path] = stamp
    return SeedSnapshot(found, folders, stamps)


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
