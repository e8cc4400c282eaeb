"""Meaning vectors in the app: the compare screen's preliminary pairs and their final list,
and the background job that fills the workspace's vector store so comparisons need not wait.

The articles are those of test_app_compare (A¶3↔B¶12, A¶4↔B¶10, A¶5↔B¶11 by words). The
sentence model is replaced by stand-ins (WordsEncoder: vectors from the words, which confirm
the three pairs; AlikeEncoder: every paragraph alike, so meaning vouches for no pair and
fewer pass), except in the one test marked slow, which runs the real child process.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from app_harness import (
    HOSTILE_TEXT,
    make_workspace,
    notifications,
    wait_for,
    wait_until_ready,
)
from test_app_compare import ALPHA, BETA, PAIRS, WordsEncoder
from textual.widgets import Static

from tuireader.app.app import TuiReaderApp
from tuireader.app.compare.background import (
    MeaningState,
    MeaningUpdate,
    meaning_background,
    meaning_progress,
    run_workspace_job,
)
from tuireader.app.compare.screen import PRELIMINARY, CompareScreen, ComparisonReady
from tuireader.app.shell.navigation import CompareArticles
from tuireader.app.state.index_state import IndexState
from tuireader.core.compare.align import comparison_meaning, comparison_passages
from tuireader.core.compare.meaning import DIMENSIONS, Encoder, VectorStore, missing_passages
from tuireader.core.workspace import Workspace


class AlikeEncoder(Encoder):
    """Every paragraph gets the same vector."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vector = np.zeros(DIMENSIONS, dtype=np.float32)
        vector[0] = 1.0
        return np.tile(vector, (len(texts), 1))


class CountingEncoder(WordsEncoder):
    """WordsEncoder that remembers every text it was asked to encode."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        return super().encode(texts)


@pytest.fixture(autouse=True)
def _config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUIREADER_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    articles = {"alpha": "\n\n".join(ALPHA), "beta": "\n\n".join(BETA), "hostile": HOSTILE_TEXT}
    make_workspace(tmp_path / "ws", articles=articles, catalog=None)
    return tmp_path / "ws"


class PairJob:
    """Stand-in for the compare screen's two-article meaning job: it waits until released
    (so a test sees the screen while meaning is being computed), then fills the cache with
    `encoder`'s vectors."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self.release = threading.Event()
        self.started: list[tuple[str, str]] = []

    def __call__(self, root: Path, a_id: str, b_id: str, cancelled: object) -> str | None:
        self.started.append((a_id, b_id))
        assert self.release.wait(30), "the test never released the meaning job"
        workspace = Workspace.open(root)
        comparison_meaning(
            workspace, [workspace.articles[a_id], workspace.articles[b_id]], self.encoder
        )
        return None


def install_pair_job(monkeypatch: pytest.MonkeyPatch, encoder: Encoder) -> PairJob:
    import tuireader.app.compare.commands as comparing

    job = PairJob(encoder)
    monkeypatch.setattr(comparing, "run_meaning_job", job)
    return job


def record_results(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bool, int]]:
    """(preliminary, pair count) of every result the compare screen shows, in order."""
    shown: list[tuple[bool, int]] = []
    original = CompareScreen.on_comparison_ready

    def recording(self: CompareScreen, message: ComparisonReady) -> None:
        shown.append((message.preliminary, len(message.comparison.alignment.pairs)))
        original(self, message)

    monkeypatch.setattr(CompareScreen, "on_comparison_ready", recording)
    return shown


class HookedApp(TuiReaderApp):
    """The app with the handler the composition root is to gain (see background.py):
    the background job's updates reach `MeaningBackground.apply` on the UI thread."""

    def on_meaning_update(self, message: MeaningUpdate) -> None:
        meaning_background(self).apply(message)


def make_app(root: Path) -> TuiReaderApp:
    return HookedApp(Workspace.open(root), check_index=False, restore=False)


def status(screen: CompareScreen) -> str:
    return str(screen.query_one("#compare-status", Static).render())


def all_missing(root: Path) -> dict[str, str]:
    workspace = Workspace.open(root)
    passages = comparison_passages(*workspace.articles.values())
    return missing_passages(VectorStore.for_workspace(workspace), passages)


async def open_compare(pilot, a: str = "alpha", b: str = "beta") -> CompareScreen:
    app = await wait_until_ready(pilot, index=False)
    app.post_message(CompareArticles(a, b))
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, CompareScreen) and app.screen.comparison is not None,
        what="the first comparison",
    )
    screen = app.screen
    assert isinstance(screen, CompareScreen)
    return screen


# ---------------------------------------------------------------------- the compare screen
async def test_word_pairs_are_marked_preliminary_until_meaning_replaces_them(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = install_pair_job(monkeypatch, AlikeEncoder())
    shown = record_results(monkeypatch)
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_compare(pilot)
        # The three pairs by words, said to be preliminary, with the threshold they passed.
        assert screen.preliminary and [(p.a, p.b) for p in screen.pairs] == PAIRS
        line = status(screen)
        assert line.startswith(PRELIMINARY)
        assert "3 word-based pairs (score ≥ 0.15)" in line
        assert job.started == [("alpha", "beta")]
        job.release.set()
        await wait_for(pilot, lambda: not screen.preliminary, what="the final pairs")
        # Meaning finds every paragraph alike: it vouches for no pair, so fewer pass. The
        # change is announced, and the status line no longer says preliminary.
        assert screen.comparison is not None and screen.comparison.alignment.meaning
        final = len(screen.pairs)
        assert final < 3
        assert shown == [(True, 3), (False, final)]
        said = [n.message for n in notifications(app)]
        assert any(m.startswith(f"Meaning computed: {final} pair") for m in said), said
        assert "was 3 by words" in " ".join(said)
        assert PRELIMINARY not in status(screen) and "meaning ✓" in status(screen)


async def test_pairs_confirmed_by_meaning_are_said_to_stand(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = install_pair_job(monkeypatch, WordsEncoder())
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_compare(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket")  # pair 2 of 3
        await pilot.pause()
        assert screen.current_pair == 1 and PRELIMINARY in status(screen)
        job.release.set()
        await wait_for(pilot, lambda: not screen.preliminary, what="the final pairs")
        assert [(p.a, p.b) for p in screen.pairs] == PAIRS
        assert screen.current_pair == 1  # the reader stays on their pair
        said = [n.message for n in notifications(app)]
        assert "Meaning computed: it confirms the 3 pairs found by words." in said
        assert "pair 2 of 3 · A¶4 ↔ B¶10" in status(screen)


async def test_with_vectors_stored_the_first_result_is_the_final_one(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = install_pair_job(monkeypatch, WordsEncoder())
    shown = record_results(monkeypatch)
    workspace = Workspace.open(root)
    comparison_meaning(workspace, list(workspace.articles.values()), WordsEncoder())
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_compare(pilot)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert shown == [(False, 3)]  # one result, with meaning: nothing changes later
        assert job.started == []
        assert not screen.preliminary and "meaning ✓" in status(screen)
        assert "3 pairs (score ≥ 0.15)" in status(screen)


# ---------------------------------------------------------------------- the background job
async def test_background_job_fills_the_store_and_the_comparison_then_needs_no_job(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = install_pair_job(monkeypatch, WordsEncoder())
    assert all_missing(root)  # nothing stored yet
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until_ready(pilot, index=False)
        background = meaning_background(app)
        background.encoder = encoder = CountingEncoder()
        states: list[MeaningState] = []
        background.changed.subscribe(app.screen, states.append)
        background.start()  # what the app does once its search index is current
        await wait_for(pilot, lambda: background.state.phase == "ready", what="the vectors")
        await wait_for(pilot, lambda: bool(states) and states[-1].phase == "ready")
        assert all_missing(root) == {}
        # Every paragraph a comparison aligns, each once.
        workspace = Workspace.open(root)
        passages = comparison_passages(*workspace.articles.values())
        assert sorted(encoder.texts) == sorted(set(passages.values()))
        assert [s.phase for s in states][:1] == ["checking"]
        computing = [s for s in states if s.phase == "computing"]
        assert computing and computing[-1].done == computing[-1].total == len(encoder.texts)
        screen = await open_compare(pilot)
        assert not screen.preliminary and job.started == []  # no wait on the model
        assert "workspace meaning vectors" not in status(screen)  # done: nothing to show
        # While the job encodes, the compare screen's status line says how far it is.
        background.state = MeaningState("computing", 64, 250)  # as the thread posts it
        background.apply(MeaningUpdate(background.state))
        await pilot.pause()
        assert "workspace meaning vectors 64/250" in status(screen)


async def test_background_job_encodes_only_what_the_store_lacks(root: Path) -> None:
    workspace = Workspace.open(root)
    comparison_meaning(workspace, [workspace.articles["alpha"]], WordsEncoder())
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        background = meaning_background(app)
        background.encoder = encoder = CountingEncoder()
        background.start()
        await wait_for(pilot, lambda: background.state.phase == "ready", what="the vectors")
        beta_and_hostile = comparison_passages(
            workspace.articles["beta"], workspace.articles["hostile"]
        )
        assert sorted(encoder.texts) == sorted(set(beta_and_hostile.values()))
        assert not any(text in encoder.texts for text in ALPHA[1:])
        # A second run finds everything stored and encodes nothing.
        encoder.texts.clear()
        background.start()
        await wait_for(pilot, lambda: background.state.phase == "ready", what="the second run")
        assert encoder.texts == []
        assert "all cached" in background.state.describe()


async def test_a_comparison_holds_the_background_job_while_it_computes(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = install_pair_job(monkeypatch, WordsEncoder())
    app = make_app(root)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_compare(pilot)
        assert screen.preliminary and job.started  # the pair job is waiting for release
        background = meaning_background(app)
        background.encoder = encoder = CountingEncoder()
        background.start()
        await wait_for(pilot, lambda: background.state.phase == "held", what="the hold")
        assert encoder.texts == []  # nothing encoded while the comparison's own job runs
        job.release.set()
        await wait_for(pilot, lambda: background.state.phase == "ready", what="the vectors")
        # Alpha and beta were stored by the comparison's job: the background did the rest.
        assert sorted(encoder.texts) == sorted(
            set(comparison_passages(app.articles["hostile"]).values())
        )


async def test_compare_meaning_false_leaves_the_background_job_off(root: Path) -> None:
    app = make_app(root)
    app.settings.compare_meaning = False
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until_ready(pilot, index=False)
        background = meaning_background(app)
        background.encoder = encoder = CountingEncoder()
        background.start()
        await wait_for(pilot, lambda: background.state.phase == "off", what="the off state")
        assert encoder.texts == [] and all_missing(root)


def test_progress_for_the_index_status_bar() -> None:
    """meaning_progress gives a status bar a label and a bar while vectors are encoded."""
    from textual.app import App

    app: App[None] = App()
    assert meaning_progress(app, IndexState("ready")) is None  # no job for this app
    background = meaning_background(app)
    background.state = MeaningState("computing", 64, 250)
    shown = meaning_progress(app, IndexState("ready"))
    assert shown is not None
    bar, label = shown
    assert (bar.phase, bar.done, bar.total) == ("building", 64, 250)
    assert label == "Meaning vectors: 64/250 paragraphs"
    assert meaning_progress(app, IndexState("building", 1, 3)) is None  # search first
    background.state = MeaningState("ready")
    assert meaning_progress(app, IndexState("ready")) is None


@pytest.mark.slow
def test_the_real_background_child_fills_the_store(root: Path) -> None:
    """The real job: a child process loads the sentence model and encodes every paragraph
    the store lacks, reporting progress; a second run loads no model and encodes nothing."""
    from tuireader.core.child_job import JobCancelled

    with pytest.raises(JobCancelled):
        run_workspace_job(str(root), lambda done, total: None, lambda: True)
    progress: list[tuple[int, int]] = []
    final = run_workspace_job(str(root), lambda d, t: progress.append((d, t)), lambda: False)
    workspace = Workspace.open(root)
    count = len(set(comparison_passages(*workspace.articles.values()).values()))
    assert final.get("problem") is None and final["encoded"] == count
    assert progress[0] == (0, count) and progress[-1] == (count, count)
    assert all_missing(root) == {}
    meaning = comparison_meaning(
        workspace, [workspace.articles["alpha"], workspace.articles["beta"]]
    )
    assert meaning is not None
    assert len({vector.tobytes() for vector in meaning.values()}) == len(meaning)  # real ones
    again = run_workspace_job(str(root), lambda d, t: None, lambda: False)
    assert again["encoded"] == 0
