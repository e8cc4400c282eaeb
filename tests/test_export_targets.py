"""Where `tuireader export -o` may write (issue 17 items 1 and 12), and exports that go on past
one unreadable annotation file (item 5), through the real command.

Every refused target is checked the same way: exit 2, one line on stderr naming the file,
no traceback, and every file of the workspace and of the target unchanged (bytes, mtime,
file type) afterwards.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import run_tuireader
from test_export_support import annotate_bundled, copy_bundled

from tuireader.core.workspace import Workspace

ARTICLE = "000_55308b7769cb3055"  # has two annotations in the bundled set
OTHER = "002_6fec927dd12decab"  # has one
# A subprocess that hangs (a FIFO opened for reading) fails its test instead of the suite.
TIMEOUT = 60


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bundled workspace with four annotations, its caches already written once (so a
    later command has no reason to touch any file)."""
    root = tmp_path_factory.mktemp("template") / "ws"
    annotate_bundled(copy_bundled(root))
    config = tmp_path_factory.mktemp("template-config")
    environment = {**os.environ, "TUIREADER_CONFIG_DIR": str(config)}
    command = [sys.executable, "-m", "tuireader", "--workspace", str(root), "export"]
    subprocess.run([*command, "-o", "-"], env=environment, capture_output=True, timeout=TIMEOUT)
    return root


@pytest.fixture
def root(template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the template workspace (mtimes kept)."""
    target = tmp_path / "ws"
    shutil.copytree(template, target, symlinks=True)
    return target


def tuireader(root: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command on the workspace at `root`."""
    return run_tuireader(root, *args, timeout=TIMEOUT, cwd=cwd)


def snapshot(*folders: Path) -> dict[str, tuple[int, int, bytes | str]]:
    """Every entry under `folders` (not following links): type bits, mtime and content
    (bytes of a file, target of a link)."""
    state: dict[str, tuple[int, int, bytes | str]] = {}
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            for name in [*dirnames, *filenames]:
                path = Path(dirpath, name)
                info = path.lstat()
                if stat.S_ISLNK(info.st_mode):
                    content: bytes | str = os.readlink(path)
                elif stat.S_ISREG(info.st_mode):
                    content = path.read_bytes()
                else:
                    content = b""
                state[str(path)] = (stat.S_IFMT(info.st_mode), info.st_mtime_ns, content)
    return state


def assert_refused(result: subprocess.CompletedProcess[str], names: str) -> None:
    """Exit 2 with one clean line on stderr that names the target."""
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("tuireader: ") and names in lines[0], lines[0]
    assert result.stdout == ""


# --- item 1: the workspace's own folders ------------------------------------------------------


def test_export_into_an_annotation_file_is_refused(root: Path) -> None:
    """The reported case: `-o annotations/ID.yaml` appended Markdown to it and put
    ID.csl.json beside it."""
    before = snapshot(root)
    target = f"annotations/{ARTICLE}.yaml"
    result = tuireader(root, "export", "--format", "md", "-o", target, cwd=root)
    assert_refused(result, target)
    assert "annotations/ folder" in result.stderr
    assert snapshot(root) == before
    assert not (root / "annotations" / f"{ARTICLE}.csl.json").exists()
    # ...and the annotations still load.
    listed = tuireader(root, "annotations", "--doc", ARTICLE, "--json")
    assert listed.returncode == 0 and "a000prison" in listed.stdout, listed


@pytest.mark.parametrize(
    ("fmt", "output"),
    [
        ("md", "annotations/new.md"),
        ("bibtex", "indexes/refs.bib"),
        ("bibtex", "seeds/catalog.yaml"),
        ("ris", "seeds/new.ris"),
        ("text", "indexes/search/notes.txt"),
        # `..` is resolved before deciding, even through a folder that does not exist.
        ("csl-json", "exports/../seeds/refs.json"),
        ("md", "seeds/../annotations/x.md"),
    ],
)
def test_export_into_workspace_folders_is_refused(root: Path, fmt: str, output: str) -> None:
    before = snapshot(root)
    result = tuireader(root, "export", "--format", fmt, "-o", str(root / output))
    assert_refused(result, output)
    assert "refusing to write inside the workspace's" in result.stderr
    assert snapshot(root) == before


def test_links_into_workspace_folders_are_refused(root: Path, tmp_path: Path) -> None:
    """A link to the folder, or to a file in it, is resolved before deciding."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "notes").symlink_to(root / "annotations")
    (outside / "cat.bib").symlink_to(root / "seeds" / "catalog.yaml")
    (outside / "ann.md").symlink_to(root / "annotations" / f"{ARTICLE}.yaml")
    before = snapshot(root, outside)
    for fmt, name in [("md", "notes/new.md"), ("bibtex", "cat.bib"), ("md", "ann.md")]:
        result = tuireader(root, "export", "--format", fmt, "-o", str(outside / name))
        assert_refused(result, name)
        assert "resolves to" in result.stderr
    assert snapshot(root, outside) == before


def test_a_refused_bibliography_stops_the_document_too(root: Path, tmp_path: Path) -> None:
    """md writes notes.csl.json beside notes.md: both are checked before either is written."""
    out = tmp_path / "out"
    out.mkdir()
    # A dangling link: before the check, the bibliography was created inside annotations/.
    (out / "notes.csl.json").symlink_to(root / "annotations" / "notes.csl.json")
    before = snapshot(root, out)
    result = tuireader(root, "export", "--format", "md", "-o", str(out / "notes.md"))
    assert_refused(result, "notes.csl.json")
    assert snapshot(root, out) == before
    assert not (out / "notes.md").exists()


def test_document_and_bibliography_being_one_file_is_refused(root: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.md").symlink_to(tmp_path / "notes.csl.json")
    result = tuireader(root, "export", "--format", "md", "-o", str(tmp_path / "notes.md"))
    assert_refused(result, "same file")
    assert not (tmp_path / "notes.csl.json").exists()


# --- item 12: FIFOs, devices, sockets, folders, links, `-` ---------------------------------------


def test_export_to_a_fifo_is_refused_without_hanging(root: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for fmt in ("md", "bibtex"):
        result = tuireader(root, "export", "--format", fmt, "-o", str(fifo))
        assert_refused(result, "named pipe (FIFO)")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert not (tmp_path / "pipe.csl.json").exists()


def test_export_to_a_character_device_is_refused(root: Path, tmp_path: Path) -> None:
    """A device of our own (a copy of /dev/null's numbers), so that a regression replaces a
    file in tmp_path, never the real /dev/null."""
    device = tmp_path / "null"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, OSError):
        pytest.skip("cannot create a device node here (not root)")
    result = tuireader(root, "export", "--format", "ris", "-o", str(device))
    assert_refused(result, "character device")
    assert stat.S_ISCHR(device.lstat().st_mode)


def test_devices_and_sockets_are_refused_by_the_check() -> None:
    """The decision alone (nothing is written): /dev/null and a listening socket."""
    from tuireader.core.export.targets import TargetRefusedError, check_target

    with pytest.raises(TargetRefusedError, match="character device"):
        check_target(Path("/dev/null"))
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"h17-sock-{os.getpid()}"
    folder.mkdir(exist_ok=True)
    path = folder / "s"
    path.unlink(missing_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
        with pytest.raises(TargetRefusedError, match="a socket"):
            check_target(path)
    finally:
        server.close()
        path.unlink(missing_ok=True)
        folder.rmdir()


def test_a_link_to_a_file_is_not_a_folder(tmp_path: Path) -> None:
    """`file_link/../x` fails in the kernel (not a folder); realpath alone would have said
    "x beside the file" — the fuzz test wrote /dev/...md that way through a /dev/null link."""
    from tuireader.core.export.targets import TargetRefusedError, check_target

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "file.md").write_text("x\n", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "a" / "file.md")
    with pytest.raises(TargetRefusedError, match="is not a folder"):
        check_target(tmp_path / "link" / ".." / "x.md")
    assert not (tmp_path / "a" / "x.md").exists()


def test_export_to_a_folder_or_symlink_loop_is_refused(root: Path, tmp_path: Path) -> None:
    loops = [tmp_path / "loop1", tmp_path / "loop2"]
    loops[0].symlink_to(loops[1])
    loops[1].symlink_to(loops[0])
    try:
        for folder in (str(tmp_path), ".", "/"):  # md makes a companion name: not from these
            result = tuireader(root, "export", "-o", folder, cwd=tmp_path)
            assert_refused(result, "is a folder")
        assert_refused(tuireader(root, "export", "-f", "ris", "-o", str(loops[0])), "loop")
    finally:
        for loop in loops:  # pytest's clean-up of old temp folders trips over loops
            loop.unlink()
    missing = tmp_path / "nowhere" / "x.md"
    assert_refused(tuireader(root, "export", "-o", str(missing)), "does not exist")


def test_a_symlink_is_written_through(root: Path, tmp_path: Path) -> None:
    """The link stays a link; the file it points to gets the export (and is updated in
    place the second time). Markdown's bibliography goes beside the name given."""
    synced = tmp_path / "synced"
    synced.mkdir()
    (synced / "refs.bib").write_text("% my own comment\n", encoding="utf-8")
    (tmp_path / "refs.bib").symlink_to(synced / "refs.bib")
    result = tuireader(root, "export", "-f", "bibtex", "-o", str(tmp_path / "refs.bib"))
    assert result.returncode == 0, result
    assert (tmp_path / "refs.bib").is_symlink()
    text = (synced / "refs.bib").read_text(encoding="utf-8")
    assert text.startswith("% my own comment\n") and "@article{putz2018kazakhstan," in text
    again = tuireader(root, "export", "-f", "bibtex", "-o", str(tmp_path / "refs.bib"), "--json")
    assert again.returncode == 0 and '"added": []' in again.stdout, again

    (tmp_path / "notes.md").symlink_to(synced / "notes.md")  # dangling: created through it
    result = tuireader(root, "export", "-f", "md", "-o", str(tmp_path / "notes.md"))
    assert result.returncode == 0, result
    assert (tmp_path / "notes.md").is_symlink()
    assert "<!-- annotation: a000prison -->" in (synced / "notes.md").read_text(encoding="utf-8")
    assert (tmp_path / "notes.csl.json").is_file()
    assert not list(synced.glob(".*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_dash_means_stdout(root: Path, tmp_path: Path) -> None:
    """`-o -` prints what no -o prints (Markdown with its references inline) and creates no
    file named "-" and no .csl.json; `./-` is still a file of that name."""
    plain = tuireader(root, "export", "--format", "md", cwd=tmp_path)
    dashed = tuireader(root, "export", "--format", "md", "-o", "-", cwd=tmp_path)
    assert dashed.returncode == 0, dashed
    assert dashed.stdout == plain.stdout and "references: [" in dashed.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ws"]
    summary = tuireader(root, "export", "-o", "-", "--json", cwd=tmp_path)
    assert summary.returncode == 2 and '"error": "--json needs -o FILE' in summary.stdout
    named = tuireader(root, "export", "-f", "ris", "-o", "./-", cwd=tmp_path)
    assert named.returncode == 0 and (tmp_path / "-").is_file(), named


def test_help_states_the_rules() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tuireader", "export", "--help"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    words = " ".join(result.stdout.split())
    assert "-o - prints to standard output" in words
    assert "symlink given to -o is written through" in words
    assert "annotations/, indexes/ or seeds/" in words and "FIFOs" in words


# --- the same rule for the app's export (it calls exporter.write) -------------------------------


def test_core_write_refuses_with_export_error(root: Path) -> None:
    from tuireader.core.export import exporter as export
    from tuireader.core.export.targets import protected_folders

    workspace = Workspace.open(root)
    before = snapshot(root)
    target = root / "exports" / ".." / "annotations" / "x.md"
    with pytest.raises(export.ExportError, match="annotations/ folder"):
        export.write(export.select(workspace), "md", target)
    assert snapshot(root) == before
    assert (root / "annotations").resolve() in protected_folders(root)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a link another owner")
def test_another_users_link_in_a_sticky_folder_is_refused(tmp_path: Path) -> None:
    from tuireader.core.export.targets import TargetRefusedError, check_target

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    (tmp_path / "mine.md").write_text("mine\n", encoding="utf-8")
    link = shared / "notes.md"
    link.symlink_to(tmp_path / "mine.md")
    os.lchown(link, 54321, 54321)
    with pytest.raises(TargetRefusedError, match="owned by another user"):
        check_target(link)
    os.lchown(link, os.geteuid(), os.getegid())
    assert check_target(link).real == (tmp_path / "mine.md").resolve()


# --- item 5: one unreadable annotation file --------------------------------------------------

BROKEN = {
    "impossible date": None,  # made from the real file below
    "broken YAML": "schema: 1\narticle: 002_6fec927dd12decab\nannotations: [[[\n",
    "bad int tag": (
        "schema: 1\narticle: 002_6fec927dd12decab\nannotations:\n- id: x\n  created: !!int abc\n"
    ),
}


def _break(root: Path, case: str) -> Path:
    """Make OTHER's annotation file unreadable in the way `case` names."""
    path = root / "annotations" / f"{OTHER}.yaml"
    text = BROKEN[case]
    if text is None:
        original = path.read_text(encoding="utf-8")
        text = original.replace("created: '2024-05-01T10:00:00Z'", "created: 2024-02-30T00:00:00Z")
        assert text != original
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", list(BROKEN))
def test_doc_naming_a_healthy_article_ignores_a_broken_file(root: Path, case: str) -> None:
    broken = _break(root, case)
    before = broken.read_bytes()
    result = tuireader(root, "export", "--format", "md", "--doc", ARTICLE)
    assert result.returncode == 0, result
    assert "Traceback" not in result.stderr
    assert "<!-- annotation: a000prison -->" in result.stdout
    assert "<!-- annotation: a001juggle -->" in result.stdout
    assert broken.read_bytes() == before


@pytest.mark.parametrize("case", list(BROKEN))  # "bad int tag" needs H-yaml's loader
def test_a_broken_file_is_a_warning_and_the_rest_is_exported(
    root: Path, tmp_path: Path, case: str
) -> None:
    broken = _break(root, case)
    before = broken.read_bytes()
    out = tmp_path / "notes.md"
    result = tuireader(root, "export", "--format", "md", "-o", str(out))
    assert result.returncode == 0, result
    assert "Traceback" not in result.stderr
    assert f"warning: annotations/{OTHER}.yaml" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert "a000prison" in text and "a004protests" in text and "a002kz" not in text
    assert broken.read_bytes() == before


@pytest.mark.parametrize("where", ["fifo", "annotation file"])
def test_the_app_dialog_refuses_a_target_before_reading_it(tmp_path: Path, where: str) -> None:
    """The export dialog's destination check (core/export/plan.py) applies the same rules
    before it reads the file: a FIFO would block the preview's read forever."""
    from tuireader.core.export.plan import check_destination, make_request

    root = tmp_path / "ws"
    (root / "seeds").mkdir(parents=True)
    (root / "annotations").mkdir()
    if where == "fifo":
        os.mkfifo(root / "out.md")
        destination = "out.md"
    else:
        (root / "annotations" / "a.yaml").write_text("schema: 1\n", "utf-8")
        destination = "annotations/a.yaml"
    request = make_request(
        root,
        fmt="md",
        scope="all",
        article_id=None,
        tags="",
        allow_unverified=False,
        style=None,
        destination=destination,
    )
    problem, question, _ = check_destination(request)
    assert problem is not None and question is None
    assert ("FIFO" in problem) if where == "fifo" else ("annotations" in problem)
