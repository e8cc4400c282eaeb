"""Two sessions writing at once, and sessions killed while saving, lose no annotation."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tuireader.core.annotations.store import AnnotationStore

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and fork-free POSIX")

REPO = Path(__file__).resolve().parents[1]
TEXT = "\n\n".join(
    f"Paragraph {n}: the delegation from region {n} met the committee and asked for {n} more days."
    for n in range(1, 40)
)

# A child session: loads the article and adds annotations, numbered from `first`, with
# notes "<who>-<number>". Prints its start and end times (for the overlap check).
ADDER = """
import sys, time
from pathlib import Path
from tuireader.core.annotations.model import new_annotation
from tuireader.core.annotations.store import AnnotationStore
from tuireader.core.corpus import load_article

seeds, folder, who, first, count, go = sys.argv[1:7]
article = load_article(Path(seeds) / "story.txt", Path(seeds))
store = AnnotationStore(Path(folder), lock_timeout=60)
paragraphs = article.paragraphs
print("ready", flush=True)
while go != "-" and not Path(go).exists():
    time.sleep(0.002)
print("start", time.time(), flush=True)
for number in range(int(first), int(first) + int(count)):
    paragraph = paragraphs[number % len(paragraphs)]
    store.add(new_annotation(article, paragraph.start, paragraph.start + 12,
                             note=f"{who}-{number}", tags=[who]))
    if number == int(first):
        print("saving", flush=True)
print("end", time.time(), flush=True)
"""


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path]:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "story.txt").write_text(TEXT, encoding="utf-8")
    return seeds, tmp_path / "annotations"


def spawn(*args: object, prelude: str = "") -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", prelude + ADDER, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
        cwd=REPO,
    )


def notes_on_disk(folder: Path) -> list[str]:
    loaded = AnnotationStore(folder).load("story")
    assert loaded.problem is None, loaded.problem
    ids = [a.id for a in loaded.annotations]
    assert len(ids) == len(set(ids))
    return [a.note for a in loaded.annotations]


def test_two_processes_adding_200_annotations_lose_none(
    workspace: tuple[Path, Path], tmp_path: Path
) -> None:
    seeds, folder = workspace
    go = tmp_path / "go"
    children = [spawn(seeds, folder, who, 0, 100, go) for who in ("left", "right")]
    for child in children:  # both have imported and loaded; the go file starts them together
        assert child.stdout is not None
        while child.stdout.readline().strip() != "ready":
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
    go.touch()
    outputs = [child.communicate(timeout=120) for child in children]
    for child, (_, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err
    spans = []
    for out, _ in outputs:
        times = {
            line.split()[0]: float(line.split()[1]) for line in out.splitlines() if " " in line
        }
        spans.append((times["start"], times["end"]))
    # The two sessions really wrote at the same time.
    assert max(s for s, _ in spans) < min(e for _, e in spans)

    notes = notes_on_disk(folder)
    expected = {f"{who}-{n}" for who in ("left", "right") for n in range(100)}
    assert len(notes) == 200
    assert set(notes) == expected


def test_sigkill_at_random_moments_leaves_old_or_new_file(workspace: tuple[Path, Path]) -> None:
    seeds, folder = workspace
    rng = random.Random(20240505)
    saved = 0
    leftovers: set[str] = set()
    for _ in range(6):
        child = spawn(seeds, folder, "k", saved, 10_000, "-")
        assert child.stdout is not None
        while child.stdout.readline().strip() != "saving":
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
        time.sleep(rng.uniform(0.0, 0.12))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        if child.stderr is not None:
            child.stderr.close()
        assert child.returncode == -signal.SIGKILL

        notes = notes_on_disk(folder)
        numbers = sorted(int(note.split("-")[1]) for note in notes)
        # A consistent set: every save before the kill, in order, nothing half-written.
        assert numbers == list(range(len(numbers)))
        assert len(numbers) > saved
        saved = len(numbers)
        leftovers.update(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))
    # Leftover temp files (a kill between write and rename) are never taken for data.
    assert [article_id for article_id, _ in AnnotationStore(folder).all()] == ["story"]
    print(f"{saved} annotations saved over 6 kills; {len(leftovers)} killed mid-write")


# Kill the child at one precise step of the save, through a patched os function.
KILL_BEFORE_FSYNC = """
import os, signal
from tuireader.core import fileio
_calls = {"n": 0}
def _fsync(fd):
    _calls["n"] += 1
    if _calls["n"] == KILL_AT:
        os.kill(os.getpid(), signal.SIGKILL)
    return _real_fsync(fd)
_real_fsync = os.fsync
os.fsync = _fsync
"""


@pytest.mark.parametrize(
    ("kill_at", "expected"),
    [
        (1, 3),  # temp file written, not yet fsynced or renamed: the old file (3 saved)
        (2, 4),  # renamed, directory not yet fsynced: the new file (4 saved)
    ],
)
def test_sigkill_at_each_step_of_a_save(
    workspace: tuple[Path, Path], kill_at: int, expected: int
) -> None:
    seeds, folder = workspace
    first = spawn(seeds, folder, "k", 0, 3, "-")
    assert first.wait(timeout=60) == 0
    before = (folder / "story.yaml").read_bytes()
    # Each save fsyncs twice (temp file, then folder); count from the 4th save's first.
    prelude = KILL_BEFORE_FSYNC.replace("KILL_AT", str(kill_at))
    child = spawn(seeds, folder, "k", 3, 5, "-", prelude=prelude)
    child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL
    notes = notes_on_disk(folder)
    assert sorted(notes) == sorted(f"k-{n}" for n in range(expected))
    if expected == 3:
        assert (folder / "story.yaml").read_bytes() == before
        assert any(p.name.endswith(".tmp") for p in folder.iterdir())
    # The store carries on after the crash: the stale lock and temp file do not block it.
    assert spawn(seeds, folder, "k", expected, 1, "-").wait(timeout=60) == 0
    assert len(notes_on_disk(folder)) == expected + 1
