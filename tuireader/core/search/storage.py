"""The search index's folder on disk: opening it safely, checking it, writing it under a lock.

The index is derived data (rebuilt from the articles at any time), so every rule here
prefers "rebuild" or "answer from what is there" over an error:

- **Read errors.** `READ_ERRORS` lists what damaged index files raise when Whoosh reads
  them, found by writing random bytes into segment files (IndexError, struct.error,
  zlib.error, UnicodeDecodeError, KeyError, CorruptIndexError, FileFormatError, …) and by
  deleting or truncating them (OSError, EOFError, EmptyIndexError). Callers treat any of these as
  "the index is damaged", never as a crash.
- **A record of the files.** After each commit `tuireader-index.json` records the schema
  version, the generation and each index file's size, modification time and digest.
  Opening compares sizes and times (one `stat` a file): a file changed behind Whoosh's
  back is caught before a search reads it. A file whose time changed but whose digest
  still matches (a copied workspace) is fine. `verify(deep=True)` compares every digest.
- **One writer at a time.** Every write holds `<folder>.lock` (beside the folder, so it
  survives `rm -rf` of the folder). Readers take no lock; a reader that meets a damaged or
  missing index waits for the lock and looks again before calling it damaged, so a commit
  or a rebuild in progress in another process is never mistaken for damage.
- **Rebuilds never disturb readers.** A rebuild writes a new index into a temp folder
  beside this one and swaps it in with two renames; searches meanwhile answer from the old
  index (open files stay readable after the swap), and a failed rebuild (disk full) leaves
  the old index as it was. Temp folders of killed rebuilds are removed by the next writer.
- **No mmap.** Whoosh maps segment files into memory by default; a segment truncated while
  mapped kills the process with SIGBUS. Files are read with ordinary reads instead, which
  turns truncation into a read error (the cost on the BBC corpus was within noise).
- **Read-only workspaces.** When the lock cannot be created (permissions, read-only file
  system) the folder is read-only: it is opened for reading only and never written.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import pickle
import re
import secrets
import shutil
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import index as whoosh_index
from whoosh import reading as whoosh_reading
from whoosh.fields import Schema
from whoosh.filedb import filestore, filetables

from tuireader.core.fileio import atomic_write_text

if TYPE_CHECKING:
    import filelock

# What reading a damaged, truncated or vanished index raises (see the module docstring).
# ValueError covers UnicodeDecodeError; OSError covers FileNotFoundError and EIO.
READ_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    IndexError,
    KeyError,
    ValueError,
    OverflowError,
    MemoryError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
    whoosh_index.IndexError,
    whoosh_reading.CorruptIndexError,
    whoosh_reading.ReaderClosed,
    filestore.StorageError,
    filetables.FileFormatError,
)
RECORD_NAME = "tuireader-index.json"
LOCK_SUFFIX = ".lock"
# How long a writer waits for another writer, and a reader that met a damaged index waits
# for a writer to finish (a full rebuild of the 2,095 BBC articles takes ~17 s).
LOCK_TIMEOUT = 120.0
# Whoosh's own files: "_MAIN_<gen>.toc" and "MAIN_<segment id>.<ext>". Its lock file
# (MAIN_WRITELOCK), TOC temp files ("….toc.<time>"), temp folders (….tmp) and our own
# temp files (".<name>….tmp") are not index content.
_INDEX_FILE = re.compile(r"^_?MAIN_[A-Za-z0-9_]+\.(?!tmp$)[a-z]{3}$")
_TOC_FILE = re.compile(r"^_MAIN_(\d+)\.toc$")
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(build|old)-[0-9a-f]+$")
_READ_ONLY_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}


class SearchIndexError(Exception):
    """The index cannot be used or written and tuireader cannot fix it by itself (disk
    full, locked by a stuck process, damaged with no articles to rebuild it from). The
    message is one line for the user, naming the folder."""


class IndexDamaged(Exception):
    """The index on disk cannot be used as is. The message says why, for the user; it is
    empty when the index is simply absent (built then without a "damaged" message)."""


# Everything that says "this index cannot be read as it is".
UNUSABLE: tuple[type[BaseException], ...] = (IndexDamaged, *READ_ERRORS)


class ReadOnlyFolder(Exception):
    """The index folder cannot be written (permissions or a read-only file system)."""


def is_read_only_error(error: OSError) -> bool:
    """Whether an OSError means "this location cannot be written" (not "disk full")."""
    return error.errno in _READ_ONLY_ERRNOS or isinstance(error, PermissionError)


def toc_generation(folder: Path) -> int:
    """The newest generation whose table of contents is in `folder`; -1 when there is none
    (no index, or the folder is gone). Read from the file names, as Whoosh does."""
    try:
        names = os.listdir(folder)
    except OSError:
        return -1
    return max((int(m[1]) for m in map(_TOC_FILE.match, names) if m), default=-1)


def _digest(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _storage(folder: Path, readonly: bool) -> Any:
    return filestore.FileStorage(str(folder), supports_mmap=False, readonly=readonly)


class IndexFolder:
    """One index folder: its lock, its record of files, and safe open, write and rebuild."""

    def __init__(self, folder: Path, schema_version: int) -> None:
        self.folder = folder
        self.schema_version = schema_version
        self.lock_path = folder.with_name(folder.name + LOCK_SUFFIX)
        # One lock object per folder: filelock counts re-entries, so a writer that holds it
        # may call code that takes it again.
        self._lock: filelock.FileLock | None = None

    # ----------------------------------------------------------------------------- reading
    def open_for_reading(self) -> Any:
        """The Whoosh index, opened read-only and checked against the record.

        Raises IndexDamaged (with the reason) when it is missing, from another version, or
        its files changed since the last commit; Whoosh's READ_ERRORS when reading fails."""
        self.verify(deep=False)
        index = _storage(self.folder, readonly=True).open_index()
        index.doc_count()  # reads the TOC and each segment's header
        return index

    def verify(self, deep: bool) -> bool:
        """Raise IndexDamaged when the index is missing, from another schema version, or
        one of its recorded files is missing or changed. `deep` compares every file's digest;
        otherwise only files whose size or time changed are read.

        Returns whether the record covered the index's files. A record of another
        generation than the TOC's says nothing (a commit in another process is under way,
        or one was killed before writing its record): the index is then trusted, and False
        returned.
        """
        generation = toc_generation(self.folder)
        if generation < 0:
            raise IndexDamaged("")  # simply absent
        try:
            record = json.loads((self.folder / RECORD_NAME).read_text(encoding="utf-8"))
            version = record["schema_version"]
            files = record.get("files")
            covered = isinstance(files, dict) and record.get("generation") == generation
            expected = {
                str(name): (int(size), int(mtime_ns), str(digest))
                for name, (size, mtime_ns, digest) in (files.items() if covered else ())
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise IndexDamaged(f"the search index in {self.folder} has no valid record") from error
        if version != self.schema_version:
            raise IndexDamaged("the search index was built by another version of tuireader")
        for name, (size, mtime_ns, digest) in expected.items():
            path = self.folder / name
            try:
                info = path.stat()
                changed = info.st_size != size or (
                    (deep or info.st_mtime_ns != mtime_ns) and _digest(path) != digest
                )
            except OSError:
                changed = True
            if changed:
                raise IndexDamaged(
                    f"the search index is damaged: {path} was changed or removed since it "
                    "was written"
                )
        return covered

    def damage_reason(self, error: BaseException) -> str:
        """What is wrong with the index, in one line, for IndexDamaged or a read error."""
        if isinstance(error, IndexDamaged):
            return str(error) or f"there is no search index in {self.folder}"
        text = str(error)
        detail = text.splitlines()[0][:80] if text.strip() else ""
        kind = type(error).__name__ + (f": {detail}" if detail else "")
        return f"the search index in {self.folder} is damaged ({kind})"

    def state(self) -> tuple[int, int, int] | None:
        """Generation, inode and time of the current table of contents (None when there is
        no index): changes with every commit, rebuild or deletion, for one listdir+stat."""
        generation = toc_generation(self.folder)
        try:
            info = (self.folder / f"_MAIN_{generation}.toc").stat()
        except OSError:
            return None
        return generation, info.st_ino, info.st_mtime_ns

    # ----------------------------------------------------------------------------- writing
    @contextlib.contextmanager
    def write_lock(self, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
        """Hold the writers' lock. ReadOnlyFolder when the lock file cannot be created;
        SearchIndexError when another process holds it for longer than `timeout`."""
        # Imported here: only writers lock, and filelock's import (it brings asyncio) is a
        # tenth of what a search process spends importing.
        import filelock

        try:
            self.folder.parent.mkdir(parents=True, exist_ok=True)
            if self._lock is None:
                self._lock = filelock.FileLock(str(self.lock_path), poll_interval=0.02)
            self._lock.acquire(timeout=timeout)
        except filelock.Timeout as error:
            raise SearchIndexError(
                f"the search index in {self.folder} is locked by another tuireader process "
                f"(waited {timeout:g} s); try again when it has finished"
            ) from error
        except OSError as error:
            if is_read_only_error(error):
                raise ReadOnlyFolder(str(error)) from error
            raise SearchIndexError(self.write_failed_message(error)) from error
        try:
            yield
        finally:
            self._lock.release()

    def write_failed_message(self, error: OSError) -> str:
        """The one-line message for a write that failed (disk full, I/O error)."""
        reason = error.strerror or str(error) or type(error).__name__
        return (
            f"cannot write the search index in {self.folder}: {reason}; the previous index is kept"
        )

    def open_for_writing(self) -> Any:
        """The Whoosh index opened for an incremental update (hold the write lock)."""
        return _storage(self.folder, readonly=False).open_index()

    def remove_leftovers(self) -> None:
        """Remove temp folders of rebuilds that were killed (hold the write lock: no live
        rebuild exists then)."""
        try:
            names = os.listdir(self.folder.parent)
        except OSError:
            return
        for name in names:
            match = _LEFTOVER.match(name)
            if match and match["name"] == self.folder.name:
                shutil.rmtree(self.folder.parent / name, ignore_errors=True)

    def rebuild(self, schema: Schema, fill: Callable[[Any], None]) -> None:
        """Replace the index by a new one that `fill(index)` writes and commits (hold the
        write lock). Built in a temp folder and swapped in: readers keep the old index until
        then, and on any error the old index stays as it was."""
        temp = self.folder.with_name(f".{self.folder.name}.build-{secrets.token_hex(4)}")
        try:
            temp.mkdir(parents=True)
            storage = _storage(temp, readonly=False)
            fill(storage.create_index(schema))
            self.write_record(temp)
            old = self.folder.with_name(f".{self.folder.name}.old-{secrets.token_hex(4)}")
            with contextlib.suppress(FileNotFoundError):
                self.folder.rename(old)
            temp.rename(self.folder)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(temp, ignore_errors=True)

    def forget(self) -> None:
        """Remove the record (hold the write lock), so that the next check calls the index
        damaged and the next update rebuilds it."""
        with contextlib.suppress(OSError):
            (self.folder / RECORD_NAME).unlink()

    def write_record(self, folder: Path | None = None) -> None:
        """Record the schema version, generation and files of the index just committed."""
        folder = folder or self.folder
        # Whoosh writes a segment file once and never again, so a file the last record
        # lists with the same size and time keeps its digest: an update that adds one small
        # segment digests that segment, not the whole index again (150 MB on BBC ×10).
        known = _recorded_files(folder)
        files: dict[str, list[Any]] = {}
        for entry in os.scandir(folder):
            if _INDEX_FILE.match(entry.name) and entry.is_file(follow_symlinks=False):
                info = entry.stat(follow_symlinks=False)
                stamp = [info.st_size, info.st_mtime_ns]
                previous = known.get(entry.name)
                if previous is not None and previous[:2] == stamp:
                    digest = previous[2]
                else:
                    digest = _digest(Path(entry.path))
                files[entry.name] = [*stamp, digest]
        record = {
            "schema_version": self.schema_version,
            "generation": toc_generation(folder),
            "files": files,
        }
        atomic_write_text(folder / RECORD_NAME, json.dumps(record, sort_keys=True))


def _recorded_files(folder: Path) -> dict[str, list[Any]]:
    """The files the folder's record lists, name -> [size, mtime_ns, digest]; empty when
    there is no readable record."""
    try:
        record = json.loads((folder / RECORD_NAME).read_text(encoding="utf-8"))
        files = record["files"]
        return {
            str(name): [int(size), int(mtime_ns), str(digest)]
            for name, (size, mtime_ns, digest) in files.items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def build_in_memory(schema: Schema, fill: Callable[[Any], None]) -> Any:
    """An index held in memory, written by `fill(index)`: what a read-only workspace
    searches when its index on disk is missing or damaged."""
    index = filestore.RamStorage().create_index(schema)
    fill(index)
    return index
