"""Comparison in the app, apart from its screens: the passage index and figure groups built
once per app session, the meaning job, and the palette's comparison commands.

The screens (compare/screen.py, figures_screen.py, passages_screen.py) are built by the app
from navigation messages; they reach the session's indexes through `session_indexes`.
Nothing here imports tuireader.core.compare.passages or tuireader.core.compare.align at
start-up: they are imported by the workers that need them.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuireader.app.shell.navigation import CompareWith, OpenFigures
from tuireader.app.shell.palette import CommandListProvider
from tuireader.core.corpus import Article
from tuireader.core.workspace import Workspace

if TYPE_CHECKING:
    from textual.app import App

    from tuireader.core.compare.claims import FigureGroup
    from tuireader.core.compare.passages import PassageIndex


class SessionIndexes:
    """What comparison builds over the whole workspace, once per app session: the passage
    index (~1 s for 2,000 articles) and the corpus-wide figure groups (~2 s). Built in
    whichever worker first needs them; rebuilt only when the articles are reloaded."""

    def __init__(self) -> None:
        self._passage_lock = threading.Lock()
        self._figure_lock = threading.Lock()
        self._passages: tuple[Mapping[str, Article], PassageIndex] | None = None
        self._groups: tuple[Mapping[str, Article], list[FigureGroup]] | None = None
        self._meaning_stamp: tuple[int, ...] | None = None

    def passages_ready(self, articles: Mapping[str, Article]) -> bool:
        """Whether the passage index for exactly these articles is built."""
        return self._passages is not None and self._passages[0] is articles

    def passages(self, articles: Mapping[str, Article], workspace: Workspace) -> PassageIndex:
        """The passage index over `articles`, built first if needed (call from a thread),
        ranking by meaning with the workspace's cached vectors (read again whenever the cache
        changed: the background job fills it over time). Two workers asking at once build it
        once."""
        from tuireader.core.compare.meaning import VectorStore
        from tuireader.core.compare.passages import PassageIndex, cached_meaning

        with self._passage_lock:
            if self._passages is None or self._passages[0] is not articles:
                self._passages = (articles, PassageIndex(articles.values()))
                self._meaning_stamp = None
            index = self._passages[1]
            stamp = VectorStore.for_workspace(workspace).stamp()
            if stamp != self._meaning_stamp:
                self._meaning_stamp = stamp
                vectors = cached_meaning(workspace)
                if vectors:
                    index.set_meaning(vectors)
            return index

    def figure_groups(self, articles: Mapping[str, Article]) -> list[FigureGroup]:
        """Figures several articles give for the same thing (call from a thread)."""
        from tuireader.core.compare.claims import figure_groups

        with self._figure_lock:
            if self._groups is None or self._groups[0] is not articles:
                self._groups = (articles, figure_groups(articles))
            return self._groups[1]


def run_meaning_job(root: Path, a_id: str, b_id: str, cancelled: Callable[[], bool]) -> str | None:
    """Fill the workspace's meaning cache for two articles in a child process
    (tuireader.app.compare.meaning_job: the sentence model never loads in the app); a problem to
    tell the user, or None. Raises JobCancelled when `cancelled()` becomes true."""
    from tuireader.core.child_job import run_child_job

    final = run_child_job(
        "tuireader.app.compare.meaning_job",
        [str(root), a_id, b_id],
        lambda _data: None,
        cancelled,
        "the sentence model",
    )
    problem = final.get("problem")
    return None if problem is None else str(problem)


# Keyed by the app, weakly: each app (a test runs many) has its own, gone with the app.
_sessions: weakref.WeakKeyDictionary[App[Any], SessionIndexes] = weakref.WeakKeyDictionary()


def session_indexes(app: App[Any]) -> SessionIndexes:
    """The comparison indexes of `app`'s session (one holder per app; pass `self.app`)."""
    found = _sessions.get(app)
    if found is None:
        found = _sessions[app] = SessionIndexes()
    return found


# ---------------------------------------------------------------------- palette
class CompareCommands(CommandListProvider):
    """Palette commands: compare two articles, figures across the corpus (the reader's own
    compare commands are in its COMMANDS)."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        post = self.app.post_message
        return [
            ("Compare two articles…", "Side by side, aligned (c)", partial(post, CompareWith())),
            (
                "Figures across articles",
                "Numbers several articles give for the same thing (F)",
                partial(post, OpenFigures()),
            ),
        ]
