"""Fuzzing the export writer's targets (issue 17 items 1 and 12): output paths built from
hostile pieces — `..`, links to annotations/ and seeds/, a FIFO, a device link, a loop, `-`,
folders, long and unicode names — in a sandbox holding a real workspace.

The decision (`targets.check_target`) is called directly for speed, and `exporter.write`
for a share of the cases; two cases go through the real command. What must hold: only a
Target or the project's own refusal, never another exception; nothing accepted lies in a
protected folder or is a special file; a refused write changes no file at all, an accepted
one changes only the file it names (and its bibliography).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from test_export_support import annotate_bundled, copy_bundled

from tuireader.core.export import exporter as export
from tuireader.core.export.keys import KEYS_FILE
from tuireader.core.export.targets import (
    Target,
    TargetRefusedError,
    check_target,
    protected_folders,
)
from tuireader.core.workspace import Workspace

PIECES = [
    "..",
    ".",
    "",
    "annotations",
    "seeds",
    "indexes",
    "exports",
    "ann_link",
    "seeds_link",
    "catalog_link",
    "dangling_ann",
    "fifo",
    "null_link",
    "loop",
    "dir",
    "file.md",
    "-",
    "notes.md",
    "x" * 300,
    "ünïcödé-😀.md",
    "a\nb",
    " spaced name ",
    "000_55308b7769cb3055.yaml",
    "catalog.yaml",
]
SUFFIXES = ["", ".md", ".bib", ".csl.json", ".yaml", ".txt"]


class Sandbox:
    """A folder holding a workspace and hostile neighbours, built once per module."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.root = base / "ws"
        self.workspace = copy_bundled(self.root)
        annotate_bundled(self.workspace)
        self.workspace = Workspace.open(self.root)
        self.selection = export.select(self.workspace)
        for name in ("indexes/search", "exports", "dir"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
        (self.root / "indexes" / "search" / "MAIN.seg").write_bytes(b"segment")
        (self.root / "dir" / "file.md").write_text("# mine\n", encoding="utf-8")
        self.protected = protected_folders(self.root)
        # The same neighbours at the workspace root and in a folder beside it.
        for folder in (self.root, base / "outside"):
            folder.mkdir(exist_ok=True)
            (folder / "ann_link").symlink_to(self.root / "annotations")
            (folder / "seeds_link").symlink_to(self.root / "seeds")
            (folder / "catalog_link").symlink_to(self.root / "seeds" / "catalog.yaml")
            (folder / "dangling_ann").symlink_to(self.root / "annotations" / "new.yaml")
            (folder / "null_link").symlink_to("/dev/null")
            (folder / "loop").symlink_to(folder / "loop")
            os.mkfifo(folder / "fifo")
        self.specials = [
            p
            for folder in (self.root, base / "outside")
            for p in (folder / "fifo", Path("/dev/null"))
        ]

    def state(self) -> dict[str, tuple[int, int, bytes | str]]:
        """Every entry of the sandbox (links not followed): type, mtime and content, and
        the type of the special files."""
        found: dict[str, tuple[int, int, bytes | str]] = {}
        for dirpath, dirnames, filenames in os.walk(self.base):
            for name in [*dirnames, *filenames]:
                path = Path(dirpath, name)
                info = path.lstat()
                content: bytes | str = b""
                if stat.S_ISLNK(info.st_mode):
                    content = os.readlink(path)
                elif stat.S_ISREG(info.st_mode):
                    content = path.read_bytes()
                # A folder's mtime moves whenever a file in it is added; its files tell.
                mtime = 0 if stat.S_ISDIR(info.st_mode) else info.st_mtime_ns
                found[str(path)] = (stat.S_IFMT(info.st_mode), mtime, content)
        for special in self.specials:
            info = special.lstat()
            found[str(special)] = (stat.S_IFMT(info.st_mode), 0, b"")
        return found

    def contains(self, path: Path) -> bool:
        """Whether a resolved path lies inside the sandbox (where a write may go)."""
        return path.is_relative_to(self.base.resolve())


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    return Sandbox(tmp_path_factory.mktemp("fuzz-export"))


STARTS = ("ws", "outside", "ws/dir")
PATHS = st.tuples(
    st.sampled_from(STARTS),
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=5),
    st.sampled_from(SUFFIXES),
)


def output_path(sandbox: Sandbox, drawn: tuple[str, list[str], str]) -> Path:
    """A path under the workspace root or the folder beside it, built from PIECES."""
    start, pieces, suffix = drawn
    text = "/".join(pieces) + suffix
    return sandbox.base / start / text if text else sandbox.base / start


def assert_sound(target: Target, sandbox: Sandbox) -> None:
    """What every accepted target must be (checked independently of check_target), and
    the kernel must agree on which file it is."""
    real = target.real
    assert os.path.isdir(target.path.parent), target  # as the kernel walks the given path
    try:
        assert os.path.samefile(target.path, real), target
    except FileNotFoundError:
        assert not os.path.lexists(real), target  # a new file (or a dangling link's target)
    for folder in sandbox.protected:
        assert os.path.commonpath([real, folder]) != str(folder), (target, folder)
    if os.path.lexists(real):
        assert stat.S_ISREG(os.stat(real).st_mode), target
    assert os.path.isdir(real.parent), target


def assert_clean_refusal(error: TargetRefusedError | export.ExportError) -> None:
    """A refusal is the project's own, one message."""
    assert str(error).strip(), error


FUZZ = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(drawn=PATHS)
def test_the_decision_never_lets_a_bad_path_through(
    sandbox: Sandbox, drawn: tuple[str, list[str], str]
) -> None:
    path = output_path(sandbox, drawn)
    try:
        target = check_target(path, sandbox.protected)
    except TargetRefusedError as error:
        assert_clean_refusal(error)
        event(f"refused: {_reason(error)}")
        return
    event("accepted")
    assert_sound(target, sandbox)


def _reason(error: Exception) -> str:
    """The kind of a refusal, for hypothesis' statistics (--hypothesis-show-statistics)."""
    for words in ("inside the workspace", "named pipe", "character device", "folder", "loop"):
        if words in str(error):
            return words
    return str(error).rsplit("(", 1)[-1].rstrip(")")[:40]


WRITES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


FORMATS = st.sampled_from(["md", "bibtex", "csl-json"])


def _fuzz_writes(sandbox: Sandbox, drawn: tuple[str, list[str], str], fmt: str) -> None:
    """Write the export to a fuzzed path: refused → nothing changed; written → only the
    named file(s) changed, links kept."""
    path = output_path(sandbox, drawn)
    # Never let a write land outside the sandbox (through `..` or the link to /dev/null):
    # the targets are checked first, by the kernel too, and the case skipped if so.
    candidates = [path]
    while candidates:
        try:
            target = check_target(candidates.pop(), sandbox.protected)
        except TargetRefusedError:
            break
        assert_sound(target, sandbox)
        assume(sandbox.contains(target.real))
        if fmt == "md" and target.path == path:
            candidates.append(export.bibliography_path(path))
    before = sandbox.state()
    try:
        report = export.write(sandbox.selection, fmt, path)  # type: ignore[arg-type]
    except export.ExportError as error:
        assert_clean_refusal(error)
        event(f"refused: {_reason(error)}")
        assert sandbox.state() == before
        return
    event("written")
    after = sandbox.state()
    written = {os.path.realpath(p) for p in report.files}
    assert all(sandbox.contains(Path(p)) for p in written), written
    changed = {name for name in after.keys() | before.keys() if after.get(name) != before.get(name)}
    # Besides the export, only the workspace's own record of the citation keys it used.
    keys_file = sandbox.root / KEYS_FILE
    bookkeeping = {str(keys_file), f"{keys_file}.lock"}
    allowed = written | {os.path.abspath(p) for p in report.files} | bookkeeping
    assert changed <= allowed, changed - allowed
    for name in changed:
        assert stat.S_ISREG(after[name][0]), name  # never a link or a special file replaced
    for folder in sandbox.protected:
        assert not any(os.path.commonpath([p, folder]) == str(folder) for p in written)


@WRITES
@given(drawn=PATHS, fmt=FORMATS)
def test_writes_touch_only_accepted_files(
    sandbox: Sandbox, drawn: tuple[str, list[str], str], fmt: str
) -> None:
    _fuzz_writes(sandbox, drawn, fmt)


@pytest.mark.slow
@settings(
    max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=PATHS, fmt=FORMATS)
def test_many_writes_touch_only_accepted_files(
    sandbox: Sandbox, drawn: tuple[str, list[str], str], fmt: str
) -> None:
    _fuzz_writes(sandbox, drawn, fmt)


@pytest.mark.parametrize(
    "pieces",
    [
        ["exports", "..", "ann_link", "..", "seeds_link", "ünïcödé-😀.md"],
        ["dir", "..", "fifo"],
    ],
)
def test_cli_refuses_fuzzed_paths_cleanly(sandbox: Sandbox, pieces: list[str]) -> None:
    """Two of the fuzzed shapes through the real command: exit 2, one line, nothing changed."""
    path = sandbox.root.joinpath(*pieces)
    before = sandbox.state()
    command = [sys.executable, "-m", "tuireader", "--workspace", str(sandbox.root), "export"]
    result = subprocess.run(
        [*command, "--format", "md", "-o", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert sandbox.state() == before
