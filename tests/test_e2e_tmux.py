"""End to end: the real `tuireader` command in tmux at 120x40 — search, open a hit, step with
n, read the screen with `tmux capture-pane`, quit."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest
from app_harness import TmuxSession

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

BUNDLED_SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture
def tmux():
    server = TmuxSession(f"tuireader-e2e-{os.getpid()}", name="e2e")
    yield server
    server.kill_server()


def start_on_bundled_seeds(tmux, tmp_path: Path) -> Path:
    """Start the real `tuireader` at 120x40 on a copy of the bundled seeds; the workspace."""
    workspace = tmp_path / "ws"
    shutil.copytree(BUNDLED_SEEDS, workspace / "seeds")
    command = (
        f"TUIREADER_CONFIG_DIR={tmp_path / 'config'} TERM=xterm-256color "
        f"{sys.executable} -m tuireader --workspace {workspace}"
    )
    tmux.start(command, 120, 40)
    return workspace


def wait_until_quit(tmux, timeout: float) -> None:
    """Wait for the app's process to end (it quits after a key); fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and tmux.alive():
        time.sleep(0.1)
    assert not tmux.alive(), "the app did not quit"


def test_search_open_hit_and_step_with_n(tmux, tmp_path):
    start_on_bundled_seeds(tmux, tmp_path)
    screen = tmux.wait_for("5 articles")
    assert "Kazakhstan and the Xinjiang Problem" in screen

    tmux.send("/")
    tmux.wait_for("Type to search")
    tmux.send("Uyghur camps", literal=True)
    screen = tmux.wait_for("passages for “Uyghur camps”")  # the index is built on first start
    assert "≈ variant" in screen
    lines = screen.splitlines()
    first_article = next(n for n, line in enumerate(lines) if line.startswith(" 1. "))
    # Its best passage, listed first under it: where enter on the article opens.
    best = next(line for line in lines[first_article + 1 :] if line.lstrip().startswith("¶"))

    tmux.send("Enter")  # query → results
    # As a person would: wait until the results have focus (the footer then offers q Quit,
    # which the query box hides) before pressing Enter again to open the first hit.
    tmux.wait_for("q Quit")
    tmux.send("Enter")
    screen = tmux.wait_for("for “Uyghur camps” (n/N)")
    status = next(line for line in screen.splitlines() if "(n/N)" in line)
    paragraph = best.lstrip()[1:].split()[0]
    assert f"¶ {paragraph}/" in status  # opened at the hit's paragraph
    current, total = (int(x) for x in status.split("match ")[1].split()[0].split("/"))
    assert 1 <= current < total
    body = screen.splitlines()[1:-3]
    assert any(line.lstrip().startswith(f"{paragraph} ") for line in body[:3])

    tmux.send("n")
    tmux.wait_for(f"match {current + 1}/{total}")
    tmux.send("N")
    tmux.wait_for(f"match {current}/{total}")

    tmux.send("q")
    wait_until_quit(tmux, timeout=10)
    assert (tmp_path / "config" / "state.json").exists()  # the position was remembered


def test_h_then_q_typed_ahead_keeps_the_highlight(tmux, tmp_path):
    """`h` and `q` arriving in one read (type-ahead over a slow link): the app quits only
    once the highlight is on disk."""
    from tuireader.core.annotations.store import AnnotationStore

    workspace = start_on_bundled_seeds(tmux, tmp_path)
    tmux.wait_for("5 articles")
    tmux.send("Enter")  # open the first article
    tmux.wait_for("¶ 1/")
    tmux.send("jhq", literal=True)  # one write: the keys arrive together
    wait_until_quit(tmux, timeout=30)
    files = list(AnnotationStore(workspace / "annotations").all())
    assert [len(annotation_file.annotations) for _, annotation_file in files] == [1]
