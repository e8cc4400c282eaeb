"""The live workspace: while the app runs, files added to, changed in or removed from
seeds/ (and seeds/catalog.yaml) reach the library, the index and an open reader.

`LiveWorkspace` owns a plain daemon thread running `watch.watch_seeds` (not a Textual
worker: it never finishes, and tests and quitting wait for workers to finish). After each
burst of changes the thread re-reads the articles (`Workspace.refresh`, then the app's own
read), compares them with the previous read and, when something changed, posts the app's
usual `ArticlesLoaded` (the library redraws, the index worker updates only what changed)
followed by `WorkspaceChanged` (the notification; the reader reloads). Re-reads take turns
under one lock, so the manual reload (`LiveWorkspace.reload(force=True)` in a worker) and
the watcher never re-read at the same time, and their messages arrive in the order read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.message import Message

from tuireader.app.shell.messages import ArticlesLoaded
from tuireader.app.workspace.changes import ArticleChanges, compare_articles
from tuireader.app.workspace.watch import (
    POLL_DELAY_MS,
    STEP_MS,
    WatchMode,
    env_watch_mode,
    watch_seeds,
)

if TYPE_CHECKING:
    from textual.app import App

    from tuireader.core.corpus import Article
    from tuireader.core.workspace import Workspace

STOP_WAIT = 2.0
"""Seconds quitting waits for the watcher thread to finish a re-read in progress."""


class WorkspaceChanged(Message):
    """Posted after the `ArticlesLoaded` of a re-read that found changes."""

    def __init__(self, changes: ArticleChanges) -> None:
        super().__init__()
        self.changes = changes
        """The articles added, changed and removed."""


class WatchProblem(Message):
    """The watcher fell back to polling, or stopped: a sentence for the user."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        """What happened and what it means."""


class CatalogSaved(Message):
    """A catalog entry was saved from the app: re-read now (the watcher may be off)."""


class LiveWorkspace:
    """Keeps the app's articles in step with seeds/ (one per app)."""

    def __init__(
        self,
        app: App[Any],
        workspace: Workspace,
        read: Callable[[], ArticlesLoaded],
        mode: WatchMode | None = None,
        *,
        poll_delay_ms: int = POLL_DELAY_MS,
        step_ms: int = STEP_MS,
    ) -> None:
        """`read` reads every article (the app's own read, so warnings are worded alike);
        `mode` None takes $TUIREADER_WATCH (`poll_delay_ms` and `step_ms`: see watch.py;
        tests make them short)."""
        self.app = app
        """The app the messages are posted to."""
        self.workspace = workspace
        """The workspace watched."""
        env_mode, self.mode_problem = env_watch_mode() if mode is None else (mode, None)
        self.mode: WatchMode = env_mode
        """auto (events, else polling), poll or off."""
        self.reloads = 0
        """Re-reads done (tests and benchmarks wait on it)."""
        self._read = read
        self._poll_delay_ms = poll_delay_ms
        self._step_ms = step_ms
        self._lock = threading.Lock()
        self._known: dict[str, Article] = {}
        self._warned: set[str] = set()
        self._stop = threading.Event()
        self._established = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def watching(self) -> bool:
        """Whether the watch is in place: the thread runs and has checked once for changes
        made while it was starting."""
        return self._established.is_set() and self._thread is not None and self._thread.is_alive()

    def start(self, articles: dict[str, Article], warnings: list[str]) -> None:
        """Watch from now on, comparing with `articles` (those the app shows; `warnings`
        were shown with them and are not repeated). On the UI thread, after the first
        screen is drawn."""
        with self._lock:
            self._known = dict(articles)
            self._warned = set(warnings)
        if self.mode == "off" or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._watch, name="tuireader-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching (quitting): the thread ends within a fraction of a second, or
        after the re-read it is doing."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(STOP_WAIT)

    def reload(self, force: bool = False) -> ArticleChanges:
        """Re-read the articles (in a thread, never the UI's) and post what changed;
        `force` posts `ArticlesLoaded` even when nothing did (the manual reload: the index
        is checked all the same) with every load warning, not only new ones."""
        with self._lock:
            self.workspace.refresh()
            loaded = self._read()
            changes = compare_articles(self._known, loaded.articles)
            self._known = dict(loaded.articles)
            fresh = [w for w in loaded.warnings if force or w not in self._warned]
            self._warned = set(loaded.warnings)
            self.reloads += 1
            # Posted under the lock: two re-reads' messages arrive in the order read.
            if changes or force:
                self._post(ArticlesLoaded(loaded.articles, fresh))
            if changes:
                self._post(WorkspaceChanged(changes))
        return changes

    # ------------------------------------------------------------------ the thread
    def _watch(self) -> None:
        watch_seeds(
            self.workspace.seeds_dir,
            self.mode,
            self._stop,
            self._changed,
            lambda text: self._post(WatchProblem(text)),
            poll_delay_ms=self._poll_delay_ms,
            step_ms=self._step_ms,
            established=self._on_established,
        )

    def _on_established(self) -> None:
        """The watch is in place: catch up once with a change made while it was starting
        (it would otherwise go unnoticed until the next one)."""
        if self._established.is_set():
            return
        self._changed(set())
        self._established.set()

    def _changed(self, _paths: set[str]) -> None:
        if self._stop.is_set():
            return
        try:
            self.reload()
        except Exception as error:  # keep watching: the next change may read fine
            self._post(WatchProblem(f"Could not re-read seeds/: {type(error).__name__}: {error}"))

    def _post(self, message: Message) -> None:
        if not self._stop.is_set():
            self.app.post_message(message)
