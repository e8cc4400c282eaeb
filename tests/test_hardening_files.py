"""Issue 17, files and paths: symlinked annotation files are written through (3), the seeds
walker keeps to the workspace and reports links it skips, temp files of killed saves are
removed on start (12), and an article over the size limit is skipped with a message (10).

CLI behaviour is tested with the real command in a child process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_support import run_tuireader

from tuireader.core import corpus, fileio
from tuireader.core.corpus import ArticleLoadError, find_article_files, read_article_bytes
from tuireader.core.fileio import atomic_write_text, remove_stale_temp_files
from tuireader.core.workspace import UnknownArticleError, Workspace

STORY = (
    "Pipeline talks resume\n\n"
    "The minister said the consortium had agreed to a revised schedule for the northern "
    "section, after two winters of disputes.\n\n"
    "Critics said the schedule had slipped before.\n"
)
ARCHIVED = "Archived story\n\nThe archive holds a report on tariffs and the railway budget.\n"
SECRET = "root:x:0:0:zebracorn secret line:/root:/bin/bash\n"


tuireader = run_tuireader


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace with one article, story.txt."""
    root = tmp_path / "ws"
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "story.txt").write_text(STORY, encoding="utf-8")
    return root


def listed_ids(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The article ids in `list` output."""
    return [line.split()[0] for line in result.stdout.splitlines() if line.strip()]


def temp_files(folder: Path) -> list[str]:
    """Names of temp files (ours: hidden, ending .tmp) in a folder."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(fileio.TEMP_SUFFIX))


# --- 3: a symlinked annotation file stays a link ------------------------------------------


def test_annotate_writes_through_a_symlinked_annotation_file(
    workspace: Path, tmp_path: Path
) -> None:
    first = tuireader(workspace, "annotate", "story", "--quote", "revised schedule")
    assert first.returncode == 0, first.stderr
    # The user keeps the real file elsewhere (a synced folder) and links it in.
    elsewhere = tmp_path / "synced"
    elsewhere.mkdir()
    link = workspace / "annotations" / "story.yaml"
    target = elsewhere / "story.yaml"
    link.rename(target)
    link.symlink_to(os.path.relpath(target, link.parent))
    link_text = os.readlink(link)

    second = tuireader(workspace, "annotate", "story", "--quote", "two winters")
    assert second.returncode == 0, second.stderr

    assert link.is_symlink() and os.readlink(link) == link_text
    written = target.read_text(encoding="utf-8")
    assert first.stdout.strip() in written and second.stdout.strip() in written
    listed = tuireader(workspace, "annotations", "--json")
    assert {a["id"] for a in json.loads(listed.stdout)} == {
        first.stdout.strip(),
        second.stdout.strip(),
    }
    assert temp_files(elsewhere) == [] and temp_files(link.parent) == []


def test_a_symlinked_annotation_file_is_locked_beside_its_target(
    workspace: Path, tmp_path: Path
) -> None:
    """Two workspaces linking one annotation file share its lock: a save through the link
    waits for a session holding the target's lock."""
    import filelock

    from tuireader.core.annotations.model import AnnotationFileError, new_annotation
    from tuireader.core.annotations.store import AnnotationStore

    target = tmp_path / "synced" / "story.yaml"
    target.parent.mkdir()
    target.write_text("schema: 1\narticle: story\nannotations: []\n", encoding="utf-8")
    link = workspace / "annotations" / "story.yaml"
    link.parent.mkdir(exist_ok=True)
    link.symlink_to(target)
    article = Workspace.open(workspace).articles["story"]
    start = article.text.index("revised schedule")
    annotation = new_annotation(article, start, start + len("revised schedule"))
    store = AnnotationStore(workspace / "annotations", lock_timeout=0.2)
    with filelock.FileLock(f"{target}.lock"), pytest.raises(AnnotationFileError, match="locked"):
        store.add(annotation)
    store.add(annotation)  # the other session is done
    assert link.is_symlink() and annotation.id in target.read_text(encoding="utf-8")


def test_atomic_write_replaces_the_target_from_a_temp_file_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_dir, link_dir = tmp_path / "real", tmp_path / "links"
    real_dir.mkdir()
    link_dir.mkdir()
    target = real_dir / "notes.yaml"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    middle = link_dir / "middle.yaml"
    middle.symlink_to(target)
    link = link_dir / "notes.yaml"
    link.symlink_to(middle)  # a chain: link -> middle -> target
    renames: list[tuple[Path, Path]] = []
    real_replace = os.replace

    def recording_replace(source: str, destination: str | Path) -> None:
        renames.append((Path(source), Path(destination)))
        real_replace(source, destination)

    monkeypatch.setattr(fileio.os, "replace", recording_replace)
    atomic_write_text(link, "new")

    assert link.is_symlink() and middle.is_symlink()
    assert target.read_text(encoding="utf-8") == "new"
    assert target.stat().st_mode & 0o777 == 0o640
    [(source, destination)] = renames
    assert destination == target and source.parent == real_dir


def test_atomic_write_through_a_dangling_link_creates_its_target_and_a_loop_is_an_oserror(
    tmp_path: Path,
) -> None:
    dangling = tmp_path / "dangling.yaml"
    dangling.symlink_to("created.yaml")
    atomic_write_text(dangling, "text")
    assert dangling.is_symlink() and (tmp_path / "created.yaml").read_text() == "text"

    loop = tmp_path / "loop.yaml"
    loop.symlink_to("loop.yaml")
    with pytest.raises(OSError, match="symlink loop"):
        atomic_write_text(loop, "text")
    assert loop.is_symlink() and temp_files(tmp_path) == []


def test_temp_names_fit_the_file_name_limit_for_long_names(tmp_path: Path) -> None:
    # Ids near the 255-byte limit saved before the writer's pid and host joined temp names.
    for name in ("x" * 236 + ".yaml", "é" * 118 + ".yaml"):
        atomic_write_text(tmp_path / name, "text")
        assert (tmp_path / name).read_text() == "text"
    killed = killed_save(tmp_path / ("y" * 236 + ".yaml"))
    assert len(killed.name.encode()) <= 255
    age(killed, 2 * fileio.STALE_TEMP_AGE)
    assert remove_stale_temp_files(tmp_path, names=["y" * 236 + ".yaml"]) == [killed]


# --- 12: the seeds walker -------------------------------------------------------------------


def test_symlinks_out_of_the_workspace_are_not_listed_indexed_or_shown(
    workspace: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "passwd").write_text(SECRET, encoding="utf-8")
    (outside / "folder" / "more.txt").write_text(SECRET, encoding="utf-8")
    seeds = workspace / "seeds"
    (seeds / "passwd.txt").symlink_to(outside / "passwd")
    (seeds / "elsewhere").symlink_to(outside / "folder")

    listed = tuireader(workspace, "list")
    assert listed.returncode == 0, listed.stderr
    assert listed_ids(listed) == ["story"]
    assert "zebracorn" not in listed.stdout
    assert (
        f"seeds/passwd.txt: symlink to {(outside / 'passwd').resolve()}, outside the "
        "workspace; skipped" in listed.stderr
    )
    assert "seeds/elsewhere: symlink to" in listed.stderr
    assert "Traceback" not in listed.stderr

    shown = tuireader(workspace, "show", "passwd")
    assert shown.returncode == 2 and "zebracorn" not in shown.stdout + shown.stderr
    assert shown.stderr.count("\n") == 1, shown.stderr
    assert "No article with id 'passwd' (seeds/passwd.txt: symlink to" in shown.stderr

    searched = tuireader(workspace, "search", "zebracorn", "--json")
    assert searched.returncode in (0, 1), searched.stderr
    assert json.loads(searched.stdout)["total"] == 0


def test_symlink_loops_broken_links_and_fifos_are_reported_not_skipped_silently(
    workspace: Path,
) -> None:
    seeds = workspace / "seeds"
    (seeds / "loop.txt").symlink_to("loop.txt")
    (seeds / "broken.txt").symlink_to("missing.txt")
    (seeds / "sub").mkdir()
    (seeds / "sub" / "up").symlink_to("..")
    os.mkfifo(seeds / "pipe.txt")  # reading it would block forever

    listed = tuireader(workspace, "list", timeout=60)
    assert listed.returncode == 0, listed.stderr
    assert listed_ids(listed) == ["story"]
    warnings = [line for line in listed.stderr.splitlines() if "warning" in line]
    assert warnings == [
        "tuireader: warning: seeds/broken.txt: broken symlink (to missing.txt); skipped",
        "tuireader: warning: seeds/loop.txt: symlink loop; skipped",
        "tuireader: warning: seeds/pipe.txt: not a regular file (FIFO, device or socket); skipped",
        "tuireader: warning: seeds/sub/up: symlink loop (back to seeds/); skipped",
    ]


def test_symlinks_inside_the_workspace_still_work(tmp_path: Path) -> None:
    # seeds/ itself a link to the user's corpus, holding links into the workspace's archive/.
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "story.txt").write_text(STORY, encoding="utf-8")
    root = tmp_path / "ws"
    (root / "archive" / "older").mkdir(parents=True)
    (root / "archive" / "kept.txt").write_text(ARCHIVED, encoding="utf-8")
    (root / "archive" / "older" / "railway.txt").write_text(ARCHIVED, encoding="utf-8")
    (root / "seeds").symlink_to(corpus_dir)
    (corpus_dir / "kept.txt").symlink_to(root / "archive" / "kept.txt")
    (corpus_dir / "older").symlink_to(root / "archive" / "older")
    (corpus_dir / "alias.txt").symlink_to("story.txt")  # a link within seeds/

    listed = tuireader(root, "list")
    assert listed.returncode == 0, listed.stderr
    assert listed_ids(listed) == ["alias", "kept", "older/railway", "story"]
    assert "warning" not in listed.stderr


def test_a_second_link_to_one_folder_and_a_link_into_seeds_are_reported(
    workspace: Path,
) -> None:
    (workspace / "archive").mkdir()
    (workspace / "archive" / "kept.txt").write_text(ARCHIVED, encoding="utf-8")
    seeds = workspace / "seeds"
    (seeds / "politics").mkdir()
    (seeds / "politics" / "vote.txt").write_text(ARCHIVED, encoding="utf-8")
    (seeds / "a").symlink_to(workspace / "archive")
    (seeds / "b").symlink_to(workspace / "archive")
    (seeds / "same").symlink_to("politics")

    found = find_article_files(seeds, workspace)
    assert [p.relative_to(seeds).as_posix() for p in found.paths] == [
        "a/kept.txt",
        "politics/vote.txt",
        "story.txt",
    ]
    assert found.warnings == [
        "seeds/b: symlink to archive/, which is read already; skipped",
        "seeds/same: symlink to seeds/politics, which is read already; skipped",
    ]


def test_a_tree_deeper_than_the_recursion_limit_is_walked(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    folders = [seeds]
    try:
        for _ in range(sys.getrecursionlimit() + 200):  # one by one: makedirs recurses
            folders.append(folders[-1] / "d")
            folders[-1].mkdir()
        (folders[-1] / "deep.txt").write_text(STORY, encoding="utf-8")
        found = find_article_files(seeds)
        assert len(found.paths) == 1 and found.warnings == []
    finally:
        # Removed here, bottom up: shutil.rmtree (pytest's clean-up) recurses per level.
        (folders[-1] / "deep.txt").unlink(missing_ok=True)
        for folder in reversed(folders):
            folder.rmdir()


# --- 12: temp files of killed saves ---------------------------------------------------------

KILLED_SAVE = """
import os, signal, sys
from pathlib import Path
from tuireader.core import fileio
# Killed between writing the temp file and renaming it: what a SIGKILL mid-save leaves.
fileio.os.replace = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
fileio.atomic_write_text(Path(sys.argv[1]), "half a save")
"""


def killed_save(path: Path) -> Path:
    """Run a save of `path` in a child process killed before its rename; the temp file
    it left (beside the file the save replaces: a symlink's target)."""
    folder = Path(os.path.realpath(path)).parent
    before = set(temp_files(folder)) if folder.exists() else set()
    child = subprocess.run([sys.executable, "-c", KILLED_SAVE, str(path)], check=False)
    assert child.returncode == -signal.SIGKILL
    [left] = set(temp_files(folder)) - before
    return folder / left


def age(path: Path, seconds: float) -> None:
    """Make a file look `seconds` old."""
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)


def dead_pid() -> int:
    """The pid of a process that has exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_temp_files_of_killed_saves_are_removed_when_the_workspace_opens(
    workspace: Path, tmp_path: Path
) -> None:
    annotations = workspace / "annotations"
    old_killed = killed_save(annotations / "story.yaml")
    age(old_killed, 2 * fileio.STALE_TEMP_AGE)
    young_killed = killed_save(annotations / "other.yaml")  # a minute has not passed
    manifest_killed = killed_save(workspace / "indexes" / "search-files.json")
    age(manifest_killed, 2 * fileio.STALE_TEMP_AGE)
    # Beside the target of a symlinked annotation file.
    elsewhere = tmp_path / "synced"
    elsewhere.mkdir()
    (elsewhere / "linked.yaml").write_text("", encoding="utf-8")
    (annotations / "linked.yaml").symlink_to(elsewhere / "linked.yaml")
    beside_target = killed_save(annotations / "linked.yaml")
    assert beside_target.parent == elsewhere
    age(beside_target, 2 * fileio.STALE_TEMP_AGE)
    unrelated = elsewhere / ".other-file.abcd1234.tmp"  # not the linked file's: kept
    unrelated.write_text("", encoding="utf-8")
    age(unrelated, 2 * fileio.STALE_UNNAMED_TEMP_AGE)

    listed = tuireader(workspace, "list")
    assert listed.returncode == 0, listed.stderr

    assert not old_killed.exists() and not manifest_killed.exists()
    assert not beside_target.exists()
    assert young_killed.exists() and unrelated.exists()


def test_only_abandoned_temp_files_are_removed(workspace: Path) -> None:
    """The rule: older than a minute AND the writer (pid on this host) is gone; no pid
    (earlier versions): older than an hour; anything else is kept."""
    annotations = workspace / "annotations"
    annotations.mkdir()
    host = fileio._host()
    old = 2 * fileio.STALE_TEMP_AGE

    def temp(name: str, seconds: float) -> Path:
        path = annotations / name
        path.write_text("partial", encoding="utf-8")
        age(path, seconds)
        return path

    gone = dead_pid()
    removed = {
        temp(f".a.yaml.{gone}@{host}.abcd1234.tmp", old),
        temp(".b.yaml.k2j3h4g5.tmp", 2 * fileio.STALE_UNNAMED_TEMP_AGE),
    }
    kept = {
        temp(f".c.yaml.{gone}@{host}.abcd1234.tmp", 1.0),  # too young
        temp(f".d.yaml.{os.getpid()}@{host}.abcd1234.tmp", old),  # writer alive
        temp(f".e.yaml.{gone}@another-machine.abcd1234.tmp", old),  # cannot tell
        temp(".f.yaml.k2j3h4g5.tmp", fileio.STALE_UNNAMED_TEMP_AGE / 2),
        temp("notes.tmp", 10 * fileio.STALE_UNNAMED_TEMP_AGE),  # not ours
        temp(".g.yaml.not-a-temp-file.tmp", 10 * fileio.STALE_UNNAMED_TEMP_AGE),
        temp("story.yaml.lock", 10 * fileio.STALE_UNNAMED_TEMP_AGE),
    }
    assert set(remove_stale_temp_files(annotations)) == removed
    assert {p for p in removed | kept if p.exists()} == kept


LOCK_HOLDER = """
import sys, time, filelock
lock = filelock.FileLock(sys.argv[1])
lock.acquire()
print("locked", flush=True)
while True:
    time.sleep(60)
"""


def test_a_lock_file_left_by_a_killed_session_blocks_nobody(workspace: Path) -> None:
    lock_path = workspace / "annotations" / "story.yaml.lock"
    lock_path.parent.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(lock_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert lock_path.exists()
    result = tuireader(workspace, "annotate", "story", "--quote", "revised schedule")
    assert result.returncode == 0, result.stderr


# --- 10: huge articles ----------------------------------------------------------------------


def sparse_article(path: Path, size: int) -> None:
    """An article of `size` bytes that takes almost no disk: 16 KB of real text (what the
    binary-file check samples), then a hole."""
    with path.open("wb") as stream:
        stream.write(STORY.encode("utf-8") * (16384 // len(STORY)))
        stream.truncate(size)


def test_an_article_over_the_size_limit_is_skipped_with_a_clear_message(
    workspace: Path,
) -> None:
    sparse_article(workspace / "seeds" / "huge.txt", corpus.MAX_ARTICLE_BYTES + 1)
    limit = f"{corpus.MAX_ARTICLE_BYTES // 2**20} MB"
    message = f"huge.txt: {limit.replace(' ', '.1 ')}, larger than the {limit} limit for an "

    listed = tuireader(workspace, "list")
    assert listed.returncode == 0, listed.stderr
    assert listed_ids(listed) == ["story"]
    assert f"tuireader: warning: {message}article; skipped\n" in listed.stderr

    annotated = tuireader(workspace, "annotate", "huge", "--quote", "revised schedule")
    assert annotated.returncode == 2
    assert f"No article with id 'huge' ({message}article; skipped)." in annotated.stderr
    assert annotated.stderr.count("\n") == 1, annotated.stderr
    assert not (workspace / "annotations" / "huge.yaml").exists()


def test_the_limit_is_one_module_constant(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_workspace({"small.txt": STORY, "big.txt": STORY * 20})
    monkeypatch.setattr(corpus, "MAX_ARTICLE_BYTES", len(STORY) * 2)
    workspace = Workspace.open(root)
    assert list(workspace.articles) == ["small"]
    assert any("big.txt: " in w and "limit for an article" in w for w in workspace.load_warnings)
    with pytest.raises(UnknownArticleError, match="limit for an article"):
        workspace.article("big")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_the_read_stops_at_the_limit_even_when_the_size_lies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # /proc files say they are empty: only the bounded read notices they are too big.
    monkeypatch.setattr(corpus, "MAX_ARTICLE_BYTES", 100)
    with pytest.raises(ArticleLoadError, match=r"status: more than 0\.1 MB, larger than"):
        read_article_bytes(Path("/proc/self/status"), "status")


@pytest.mark.slow
def test_a_real_200_mb_article_gives_the_message_not_a_memory_error(workspace: Path) -> None:
    line = (STORY.replace("\n\n", " ") + "\n\n").encode("utf-8")
    with (workspace / "seeds" / "huge.txt").open("wb") as stream:
        for _ in range(200 * 2**20 // len(line)):
            stream.write(line)
    annotated = tuireader(workspace, "annotate", "huge", "--quote", "revised schedule")
    assert annotated.returncode == 2
    assert "larger than the" in annotated.stderr and "Traceback" not in annotated.stderr
    listed = tuireader(workspace, "list")
    assert listed.returncode == 0 and listed_ids(listed) == ["story"]


def test_host_name_in_temp_names_is_file_name_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "gethostname", lambda: "my.host/name with spaces")
    assert fileio._host() == "my-host-name-with-spaces"
