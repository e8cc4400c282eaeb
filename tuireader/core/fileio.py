"""Safe file writing shared by every store: a write never leaves a half-written file behind
(reading YAML safely is `tuireader.core.yamlfile`).

Two rules live here and nowhere else:

- `atomic_write_text` writes a temp file beside the file it replaces and renames it over
  that file; a path that is a symlink is written through (the link's target is replaced,
  the link stays a link).
- `remove_stale_temp_files` removes the temp files of writes that were killed before their
  rename, and only those: see its docstring for when a temp file counts as abandoned.
"""

from __future__ import annotations

import errno
import os
import re
import socket
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

TEMP_SUFFIX = ".tmp"
_NAME_MAX = 255  # bytes in a file name on the usual file systems
_RANDOM_CHARS = 8  # what mkstemp adds between prefix and suffix
# Room kept for the writer's pid in a temp name: the widest pid (32 bits). The cut of a long
# file name must not depend on the pid of the process making it, or a later process with a
# pid of another width would not recognise the temp files of a killed writer as that file's.
_PID_DIGITS = 10
# A temp file younger than this is never removed, whatever else is known about its writer:
# a write takes milliseconds, so a minute is far beyond any live writer's rename.
STALE_TEMP_AGE = 60.0
# Temp files named by earlier versions carry no writer pid; they count as abandoned only
# after this long (nothing tells whether their writer still runs).
STALE_UNNAMED_TEMP_AGE = 3600.0

# Our temp names: ".<file name>.<pid>@<host>.<random>.tmp" (mkstemp's random part is
# letters, digits and "_"). The older form ".<file name>.<random>.tmp" is recognised too.
_OWNED_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)@(?P<host>[A-Za-z0-9-]*)\.[a-z0-9_]+\.tmp$")
_UNNAMED_TEMP = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp$")


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` atomically: temp file in the same folder, fsync, os.replace.

    A crash at any point leaves either the old file or the new one, never a mix. When
    `path` is a symlink, its final target is written instead (temp file beside the
    target, so the rename stays on one file system): a user who links an annotation file
    into another folder keeps the link, and the target keeps getting the updates.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    target = _write_target(path)
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{_temp_name_part(target.name)}.{_writer_tag()}.",
        suffix=TEMP_SUFFIX,
        dir=target.parent,
    )
    try:
        # mkstemp makes the file 0600; keep the old file's mode, or the usual umask default.
        os.fchmod(handle, _mode_for(target))
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)


def _write_target(path: Path) -> Path:
    """The file a write to `path` replaces: `path` itself, or the end of its symlink chain.

    A dangling link is written through too (its target file is created, as a shell's `>`
    would); only the target's folder must exist. A link loop is an OSError (ELOOP), which
    every caller already reports as "cannot be written".
    """
    if not path.is_symlink():
        return path
    try:
        return Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        # Dangling: follow the chain as far as it goes (realpath without strict does).
        return Path(os.path.realpath(path))
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise OSError(errno.ELOOP, "symlink loop", str(path)) from error
        raise


def _temp_name_part(name: str) -> str:
    """The part of a temp file's name that tells which file it replaces: the file's name,
    cut so that the whole temp name fits the usual 255-byte limit (a long article id must
    not make its saves fail)."""
    room = _NAME_MAX - len(f"..{'0' * _PID_DIGITS}@{_host()}.") - _RANDOM_CHARS - len(TEMP_SUFFIX)
    return name.encode("utf-8")[:room].decode("utf-8", "ignore")


def _writer_tag() -> str:
    """ "<pid>@<host>" for temp file names, so a later start can tell whether the writer that
    left a temp file behind is still running (the host: a workspace on a shared drive)."""
    return f"{os.getpid()}@{_host()}"


def _host() -> str:
    """This machine's name, reduced to letters, digits and "-" (safe in a file name)."""
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:24]


def remove_stale_temp_files(folder: Path, names: Iterable[str] | None = None) -> list[Path]:
    """Remove the temp files that `atomic_write_text` left in `folder` when its process was
    killed before the rename; returns the ones removed. `names` limits it to the temp files
    of those file names (a folder outside the workspace that a symlink writes into).

    The rule, so that a temp file a live writer may still rename is never removed: a temp
    file is abandoned when it is older than STALE_TEMP_AGE (a minute: no live write takes
    that long) AND its writer is gone, which is known only when the name carries this
    machine's host and a pid that no longer runs. Temp files of another machine are left
    alone (its next start removes them); temp files named by earlier versions (no pid) are
    removed after STALE_UNNAMED_TEMP_AGE. Best effort: a folder that cannot be listed or a
    file that cannot be removed (read-only workspace) is left as it is.
    """
    wanted = {_temp_name_part(name) for name in names} if names is not None else None
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    now = time.time()
    removed: list[Path] = []
    for entry in entries:
        if not (entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX)):
            continue
        age = _abandoned_after(entry.name, wanted)
        if age is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            # Only plain files: our temp files are never links or folders.
            if not entry.is_file(follow_symlinks=False) or now - info.st_mtime < age:
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def _abandoned_after(name: str, wanted: set[str] | None) -> float | None:
    """How old the temp file `name` must be to count as abandoned; None: keep it always
    (not one of ours, not one of `wanted`, or its writer may be alive)."""
    owned = _OWNED_TEMP.match(name)
    if owned:
        if wanted is not None and owned["name"] not in wanted:
            return None
        if owned["host"] != _host() or _process_runs(int(owned["pid"])):
            return None
        return STALE_TEMP_AGE
    unnamed = _UNNAMED_TEMP.match(name)
    if unnamed and (wanted is None or unnamed["name"] in wanted):
        return STALE_UNNAMED_TEMP_AGE
    return None


def _process_runs(pid: int) -> bool:
    """Whether a process with this pid exists on this machine (a reused pid counts as
    running: the temp file is then kept, which is the safe mistake)."""
    if pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by another user (EPERM), or cannot tell
    return True


def _mode_for(path: Path) -> int:
    """Permission bits for a rewritten file: the existing file's, else 0666 less umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_directory(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every platform allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
