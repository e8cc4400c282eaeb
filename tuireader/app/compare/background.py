"""Meaning vectors for the whole workspace, computed in the background so that comparisons
find them ready.

The app starts this once its search index is current (`meaning_background(app).start()`,
from any thread). A thread of its own runs `tuireader.app.compare.meaning_job ROOT --all` in
a child process (which loads the sentence model only when some paragraph has no vector in
the workspace's VectorStore) and relays its progress as `MeaningUpdate` messages; the app
hands them to `MeaningBackground.apply` on the UI thread, which publishes `changed` for the
screens that show it (the compare screen's status line; `meaning_progress` for a status bar).

Why a plain thread and not a Textual worker: on a corpus of thousands it runs for minutes and
nothing waits for it, while `workers.wait_for_complete()` (used when quitting and by tests)
waits for every worker. It stops within 0.1 s of the app stopping (the child is killed).

A comparison the user is waiting for comes first: the compare screen holds `paused()` while
its own two-article job runs; the background child is killed meanwhile and started again
afterwards, when it encodes only what is still missing.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from textual.message import Message
from textual.signal import Signal

if TYPE_CHECKING:
    from textual.app import App

    from tuireader.app.state.index_state import IndexState
    from tuireader.core.compare.meaning import Encoder

MeaningPhase = Literal[
    "idle", "held", "checking", "computing", "ready", "unavailable", "failed", "off"
]

JOB_MODULE = "tuireader.app.compare.meaning_job"
"""The child process that fills the vector store."""


@dataclass(frozen=True)
class MeaningState:
    """Where the background meaning vectors stand, as the UI shows it."""

    phase: MeaningPhase = "idle"
    done: int = 0
    """Paragraphs encoded so far in this run."""
    total: int = 0
    """Paragraphs this run has to encode (the ones the store lacked)."""
    message: str = ""

    @property
    def busy(self) -> bool:
        """Whether the job is checking the store, encoding, or held to start again."""
        return self.phase in ("held", "checking", "computing")

    def describe(self) -> str:
        """One line for a status bar."""
        if self.phase == "idle":
            return "Meaning vectors: not started."
        if self.phase == "held":
            return "Meaning vectors: waiting while a comparison computes its own…"
        if self.phase == "checking":
            return "Meaning vectors: checking the cache…"
        if self.phase == "computing":
            if not self.total:
                return "Meaning vectors: loading the sentence model…"
            return f"Meaning vectors: {self.done:,}/{self.total:,} paragraphs"
        if self.phase == "off":
            return "Meaning vectors: off (compare_meaning: false)."
        if self.phase in ("unavailable", "failed"):
            return f"Meaning vectors unavailable: {self.message}"
        return f"Meaning vectors ready. {self.message}".strip()


class MeaningUpdate(Message):
    """Posted to the app by the background thread: a new MeaningState."""

    def __init__(self, state: MeaningState) -> None:
        super().__init__()
        self.state = state
        """Where the job stands."""


def run_workspace_job(
    root: str,
    progress: Callable[[int, int], None],
    cancelled: Callable[[], bool],
) -> dict[str, Any]:
    """Run the whole-workspace meaning job on the workspace at `root` in a child process,
    relaying its progress; its final report ({"done": true, "encoded": n, …} or with a
    "problem"). Raises JobCancelled when `cancelled()` becomes true (the child is killed),
    RuntimeError when the child fails."""
    from tuireader.app.compare.meaning_job import ALL
    from tuireader.core.child_job import run_child_job

    def relay(data: dict[str, Any]) -> None:
        if "progress" in data:
            done, total = data["progress"]
            progress(int(done), int(total))

    return run_child_job(JOB_MODULE, [root, ALL], relay, cancelled, "the sentence model")


class MeaningBackground:
    """The background meaning job of one app: its state, and start / pause / stop.

    `state` is replaced (never mutated) by the thread and read anywhere; `changed` is
    published on the UI thread only, by `apply`.
    """

    def __init__(self, app: App[Any]) -> None:
        # Weakly: the registry below is keyed by the app, which its value must not keep.
        self._app = weakref.ref(app)
        self.state = MeaningState()
        """Where the job stands."""
        self.changed: Signal[MeaningState] = Signal(app, "meaning-changed")
        """Published on the UI thread with every new state."""
        self.encoder: Encoder | None = None
        """A stand-in for the sentence model, run in this process (tests); None runs the
        real model in a child process."""
        self._lock = threading.Lock()
        self._run = 0  # the number of the current run; an older thread stops
        self._pauses = 0
        self._resumed = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ control
    def start(self) -> None:
        """(Re)start the job: any run in progress stops, a new one encodes what the store
        lacks. Safe to call from any thread; does nothing when compare_meaning is false."""
        settings = getattr(self._app(), "settings", None)
        if settings is not None and not settings.compare_meaning:
            self._post(MeaningState("off"))
            return
        with self._lock:
            self._run += 1
            run = self._run
            self._resumed.notify_all()
        thread = threading.Thread(
            target=self._main, args=(run,), name="tuireader-meaning", daemon=True
        )
        self._thread = thread
        thread.start()

    def stop(self) -> None:
        """Stop the job (its child is killed within 0.1 s)."""
        with self._lock:
            self._run += 1
            self._resumed.notify_all()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the job's thread to end (benchmarks; never on the UI thread)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Hold the background job while the block runs (a comparison the user waits for
        encodes its two articles first); it resumes afterwards with what is still missing."""
        with self._lock:
            self._pauses += 1
        try:
            yield
        finally:
            with self._lock:
                self._pauses -= 1
                self._resumed.notify_all()

    # ------------------------------------------------------------------ thread side
    def _current(self, run: int) -> bool:
        app = self._app()
        return run == self._run and app is not None and app.is_running

    def _main(self, run: int) -> None:
        from tuireader.core.child_job import JobCancelled

        while True:
            with self._lock:
                if self._pauses and self._current(run):
                    self._post(MeaningState("held"))
                while self._pauses and self._current(run):
                    self._resumed.wait(0.1)
            if not self._current(run):
                return
            try:
                final = self._one_pass(run)
            except JobCancelled:
                if not self._current(run):
                    return
                continue  # paused: wait, then start again with what is still missing
            except Exception as error:  # a broken store or model must not take the app down
                if self._current(run):
                    self._post(MeaningState("failed", message=f"{type(error).__name__}: {error}"))
                return
            if not self._current(run):
                return
            problem = final.get("problem")
            if problem is not None:
                self._post(MeaningState("unavailable", message=str(problem)))
            else:
                encoded = int(final.get("encoded", 0))
                self._post(MeaningState("ready", encoded, encoded, _summary(final)))
            return

    def _one_pass(self, run: int) -> dict[str, Any]:
        """One run of the job: in a child process, or with the stand-in encoder here."""
        from tuireader.core.child_job import JobCancelled

        def cancelled() -> bool:
            return not self._current(run) or self._pauses > 0

        def progress(done: int, total: int) -> None:
            if cancelled():
                raise JobCancelled
            self._post(MeaningState("computing", done, total))

        self._post(MeaningState("checking"))
        workspace = getattr(self._app(), "workspace")  # noqa: B009 (the ReaderContext's)
        if self.encoder is None:
            return run_workspace_job(str(workspace.root), progress, cancelled)
        from tuireader.core.compare.align import comparison_passages
        from tuireader.core.compare.meaning import VectorStore, fill_store, missing_passages

        store = VectorStore.for_workspace(workspace)
        passages = comparison_passages(*workspace.articles.values())
        missing = missing_passages(store, passages)
        progress(0, len(missing))
        problems = fill_store(store, missing, self.encoder, progress)
        if problems:
            return {"done": True, "problem": "; ".join(problems)}
        return {"done": True, "encoded": len(missing), "paragraphs": len(passages)}

    def _post(self, state: MeaningState) -> None:
        self.state = state  # readable at once; `changed` follows on the UI thread
        app = self._app()
        if app is not None:
            app.post_message(MeaningUpdate(state))

    # ------------------------------------------------------------------ UI side
    def apply(self, message: MeaningUpdate) -> None:
        """Take the thread's update (UI thread) and tell the screens."""
        self.changed.publish(message.state)


def _summary(final: dict[str, Any]) -> str:
    encoded, paragraphs = int(final.get("encoded", 0)), int(final.get("paragraphs", 0))
    if not paragraphs:
        return ""
    if not encoded:
        return f"{paragraphs:,} paragraphs, all cached."
    return f"{paragraphs:,} paragraphs ({encoded:,} encoded now)."


# Keyed by the app, weakly: each app (a test runs many) has its own, gone with the app.
_backgrounds: weakref.WeakKeyDictionary[App[Any], MeaningBackground] = weakref.WeakKeyDictionary()


def meaning_background(app: App[Any]) -> MeaningBackground:
    """The background meaning job of `app` (one per app; pass `self.app`)."""
    found = _backgrounds.get(app)
    if found is None:
        found = _backgrounds[app] = MeaningBackground(app)
    return found


def meaning_progress(app: App[Any], search: IndexState) -> tuple[IndexState, str] | None:
    """What the index status bar shows while meaning vectors are computed once search is
    ready (like `entity_progress`): a state for its progress bar and a label; None when
    there is nothing to show."""
    from tuireader.app.state.index_state import IndexState

    found = _backgrounds.get(app)
    if found is None or not search.ready or found.state.phase != "computing":
        return None
    state = found.state
    return IndexState("building", state.done, state.total, "meaning"), state.describe()
