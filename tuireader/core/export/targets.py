"""Where an export may write: the one check every export target passes before it is read or
written (the CLI's `-o`, the app's export dialog, and the companion files beside them).

    >>> target = check_target(Path("notes.md"), protected_folders(workspace.root))
    >>> atomic_write_text(target.real, text)      # the file to replace, links resolved

The rules, and why:

- `-` is standard output (`is_stdout`, decided on the option's text, before it becomes a
  Path: `Path("./-")` is `Path("-")`), never a file named "-"; `./-` names that file.
- The workspace's own folders `annotations/`, `indexes/` and `seeds/` are refused: an export
  written there corrupts the user's annotations, the caches or the articles. The path is
  resolved first, every symlink and `..`, the way the kernel resolves it (`_resolve`), so
  neither a link into those folders nor `exports/../annotations/x.yaml` gets past the
  check, and the file decided on is the file written.
- Only regular files are written (or created). FIFOs, sockets and character or block
  devices are refused after an `os.stat`, which does not open them: opening a FIFO blocks
  until a writer appears (the hang of `export -o fifo`), and a device would be replaced by
  a regular file. Folders are refused too.
- A symlink is written THROUGH, on purpose: the link stays a link and the file it points
  to gets the new content, replaced atomically beside that file (the same rule as
  `core.fileio` for annotation files). Users keep exports as links into a synced folder;
  replacing the link with a plain file would silently cut that. The resolved file passes
  every rule above. One exception follows the kernel's `fs.protected_symlinks`: a link in a
  world-writable sticky folder (such as /tmp) that belongs to another user is refused,
  since anyone there can plant a link to the user's own files. More than 40 links in a
  row (the kernel's limit) is a loop.
- A hard link needs no rule: the write replaces the name given, never the shared inode, so
  the other name keeps its bytes.

The check is made once, just before the export reads and writes; a file swapped in between
by another process is out of its reach (the atomic replace still never half-writes).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

STDOUT = "-"
"""The output name meaning standard output."""

PROTECTED_FOLDERS = ("annotations", "indexes", "seeds")
"""Folders of a workspace that no export may write into."""


class TargetRefusedError(Exception):
    """A path an export must not write, with a one-line reason naming it."""


@dataclass(frozen=True)
class Target:
    """A checked export target: `path` as the user gave it (for messages and for naming
    companion files), `real` the regular file (existing or not) the write replaces."""

    path: Path
    real: Path
    exists: bool


def is_stdout(output: str | None) -> bool:
    """Whether an output option means standard output (`-o -`)."""
    return output == STDOUT


def protected_folders(workspace_root: Path) -> tuple[Path, ...]:
    """The resolved folders of the workspace at `workspace_root` that exports stay out of."""
    return tuple(Path(os.path.realpath(workspace_root / name)) for name in PROTECTED_FOLDERS)


# File types refused by name, checked on an os.stat result (which never opens the file).
_SPECIAL_FILES = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def check_target(path: Path, protected: Sequence[Path] = ()) -> Target:
    """Decide whether an export may write `path`; the Target to write, or
    TargetRefusedError saying why not (see the module docstring for the rules).

    `protected` are resolved folders (`protected_folders`) the target must not be in.
    Nothing is opened or created.
    """
    path = Path(path)
    if "\x00" in str(path):  # the OS calls below would raise ValueError, not OSError
        raise TargetRefusedError(f"{str(path)!r} contains a NUL character; not a file name")
    # First as realpath reads the path (it resolves `..` even through folders that do not
    # exist, so `exports/../seeds/x` is named for what it is), then as the kernel does: a
    # path either reading puts in a protected folder is refused.
    try:
        _refuse_protected(path, Path(os.path.realpath(path)), protected)
    except RecursionError:  # realpath recurses once per link: a long chain of them
        raise TargetRefusedError(f"{path}: too many levels of symlinks") from None
    real = _resolve(path, path, 0)
    _refuse_protected(path, real, protected)
    try:
        info = os.stat(real)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise TargetRefusedError(_os_problem(path, error)) from error
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise TargetRefusedError(f"{path} is a folder; give a file name")
        for is_kind, kind in _SPECIAL_FILES:
            if is_kind(info.st_mode):
                raise TargetRefusedError(
                    f"{path} is {kind}, not a regular file; exports write files only "
                    f"(-o {STDOUT} prints to standard output)"
                )
        if not stat.S_ISREG(info.st_mode):
            raise TargetRefusedError(f"{path} is not a regular file; not writing it")
    return Target(path, real, info is not None)


def _refuse_protected(path: Path, real: Path, protected: Sequence[Path]) -> None:
    """TargetRefusedError when `real` (what `path` resolves to) is in a protected folder."""
    for folder in protected:
        if real == folder or real.is_relative_to(folder):
            raise TargetRefusedError(
                f"{path}: refusing to write inside the workspace's {folder.name}/ folder"
                + ("" if real == Path(os.path.abspath(path)) else f" (it resolves to {real})")
                + "; choose a file elsewhere"
            )


# The kernel gives up after 40 links in one lookup (ELOOP); so do we.
_MAX_LINKS = 40


def _resolve(given: Path, path: Path, links: int) -> Path:
    """The file a write to `path` replaces: its folder as the kernel finds it, then the
    last component's links followed one by one (`given` names the target in messages).

    Not os.path.realpath alone: realpath lets `link-to-a-file/../x` mean the file's folder,
    where the kernel says "not a folder" — so the kernel walks the folders (os.stat), and
    realpath only spells out a folder the kernel has just found."""
    folder = path.parent
    try:
        folder_info = os.stat(folder)
    except FileNotFoundError:
        raise TargetRefusedError(f"{given}: folder {folder} does not exist") from None
    except OSError as error:
        raise TargetRefusedError(_os_problem(given, error)) from error
    if not stat.S_ISDIR(folder_info.st_mode):
        raise TargetRefusedError(f"{given}: {folder} is not a folder")
    try:
        real_folder = Path(os.path.realpath(folder))
    except RecursionError:  # realpath recurses once per link; the kernel allowed them
        raise TargetRefusedError(f"{given}: too many levels of symlinks") from None
    if path.name in ("", ".", ".."):  # the path names a folder: stat reports it as one
        return Path(os.path.normpath(real_folder / path.name))
    candidate = real_folder / path.name
    try:
        link = os.lstat(candidate)
    except FileNotFoundError:
        return candidate  # a new file
    except OSError as error:
        raise TargetRefusedError(_os_problem(given, error)) from error
    if not stat.S_ISLNK(link.st_mode):
        return candidate
    if links >= _MAX_LINKS:
        raise TargetRefusedError(f"{given} is a symlink loop; not writing it")
    _check_link_owner(given, candidate, link, folder_info)
    # Written through: the link's own text, read relative to the link's folder.
    return _resolve(given, real_folder / os.readlink(candidate), links + 1)


def check_targets(paths: Sequence[Path], protected: Sequence[Path] = ()) -> list[Target]:
    """Check several files one export writes (a document and its bibliography): each by
    `check_target`, and no two the same file, since the second write would replace the
    first. All are checked before anything is written."""
    targets = [check_target(path, protected) for path in paths]
    seen: dict[Path, Path] = {}
    for target in targets:
        if target.real in seen:
            raise TargetRefusedError(
                f"{seen[target.real]} and {target.path} are the same file ({target.real}); "
                "the export writes both"
            )
        seen[target.real] = target.path
    return targets


def _check_link_owner(
    given: Path, link_path: Path, link: os.stat_result, folder: os.stat_result
) -> None:
    """Refuse a symlink planted by another user in a world-writable sticky folder (the
    kernel's fs.protected_symlinks rule, applied to each link we would write through)."""
    shared = folder.st_mode & stat.S_IWOTH and folder.st_mode & stat.S_ISVTX
    if shared and link.st_uid not in (os.geteuid(), folder.st_uid):
        raise TargetRefusedError(
            f"{given}: {link_path} is a symlink owned by another user in a shared folder; "
            "not following it"
        )


def _os_problem(path: Path, error: OSError) -> str:
    """One line for a target that cannot even be looked at."""
    if error.errno == errno.ELOOP:
        return f"{path} is a symlink loop; not writing it"
    if error.errno == errno.ENOTDIR:
        return f"{path}: a part of the path before the file name is not a folder"
    return f"{path} cannot be checked ({error.strerror or error})"
