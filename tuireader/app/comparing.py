"""Comparison in the app: what reader `c` / `w`, library `c`, `F` and the palette do, and the
session's passage index.

The screens live in screens/compare.py, screens/figures.py and screens/passages.py and the
"compare with…" dialog in dialogs/pick_article.py; this module opens them, so the shared
screens only need a one-line action each. Nothing here imports tuireader.core.passages or
tuireader.core.compare at start-up: they are imported by the workers that need them.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual.screen import Screen

from tuireader.core.corpus import Article

from .palette import CommandListProvider
from .render import clean_text

if TYPE_CHECKING:
    from tuireader.core.figures import FigureGroup
    from tuireader.core.passages import PassageIndex

    from .app import TuiReaderApp

PASSAGE_QUERY_LIMIT = 2000
"""Characters of a selection used as a passage query (a long selection says no more)."""


class SessionIndexes:
    """What comparison builds over the whole workspace, once per app session: the passage
    index (~1 s for 2,000 articles) and the corpus-wide figure groups (~2 s). Built in
    whichever worker first needs them; rebuilt only when the articles are reloaded."""

    def __init__(self) -> None:
        self._passage_lock = threading.Lock()
        self._figure_lock = threading.Lock()
        self._passages: tuple[Mapping[str, Article], PassageIndex] | None = None
        self._groups: tuple[Mapping[str, Article], list[FigureGroup]] | None = None

    def passages_ready(self, articles: Mapping[str, Article]) -> bool:
        """Whether the passage index for exactly these articles is built."""
        return self._passages is not None and self._passages[0] is articles

    def passages(self, articles: Mapping[str, Article]) -> PassageIndex:
        """The passage index over `articles`, built first if needed (call from a thread).
        Two workers asking at once build it once."""
        from tuireader.core.passages import PassageIndex

        with self._passage_lock:
            if self._passages is None or self._passages[0] is not articles:
                self._passages = (articles, PassageIndex(articles.values()))
            return self._passages[1]

    def figure_groups(self, articles: Mapping[str, Article]) -> list[FigureGroup]:
        """Figures several articles give for the same thing (call from a thread)."""
        from tuireader.core.figures import figure_groups

        with self._figure_lock:
            if self._groups is None or self._groups[0] is not articles:
                self._groups = (articles, figure_groups(articles))
            return self._groups[1]


def run_meaning_job(root: Path, a_id: str, b_id: str, cancelled: Callable[[], bool]) -> str | None:
    """Fill the workspace's meaning cache for two articles in a child process
    (tuireader.app.meaning_job: the sentence model never loads in the app); a problem to
    tell the user, or None. Raises JobCancelled when `cancelled()` becomes true."""
    from .child_job import run_child_job

    final = run_child_job(
        "tuireader.app.meaning_job",
        [str(root), a_id, b_id],
        lambda _data: None,
        cancelled,
        "the sentence model",
    )
    problem = final.get("problem")
    return None if problem is None else str(problem)


_sessions: weakref.WeakKeyDictionary[TuiReaderApp, SessionIndexes] = weakref.WeakKeyDictionary()


def session_indexes(app: TuiReaderApp) -> SessionIndexes:
    """The app's comparison indexes (one holder per app)."""
    found = _sessions.get(app)
    if found is None:
        found = _sessions[app] = SessionIndexes()
    return found


# ---------------------------------------------------------------------- opening screens
def open_compare(
    app: TuiReaderApp,
    a_id: str,
    b_id: str,
    a_paragraph: int | None = None,
    b_paragraph: int | None = None,
) -> None:
    """Show articles `a_id` and `b_id` side by side (optionally at these paragraphs)."""
    from .screens.compare import CompareScreen

    a, b = app.articles.get(a_id), app.articles.get(b_id)
    if a is None or b is None:
        missing = a_id if a is None else b_id
        app.notify(f"No article {missing!r}.", severity="error", markup=False)
        return
    if a_id == b_id:
        app.notify("Pick another article: that is the same one.", severity="warning")
        return
    app.push_screen(CompareScreen(a, b, a_paragraph=a_paragraph, b_paragraph=b_paragraph))


def compare_with(app: TuiReaderApp, article_id: str, paragraph: int | None = None) -> None:
    """Ask for the other article ("compare with…"), then compare `article_id` with it."""
    from .dialogs.pick_article import PickArticleDialog

    if not app.articles_loaded:
        app.notify("The articles are still loading.", severity="warning")
        return
    if len(app.articles) < 2:
        app.notify("Comparing needs at least two articles.", severity="warning")
        return
    article = app.articles.get(article_id)
    if article is None:
        app.notify(f"No article {article_id!r}.", severity="error", markup=False)
        return

    def chosen(other: str | None) -> None:
        if other is not None:
            open_compare(app, article_id, other, a_paragraph=paragraph)

    title = clean_text(article.title)
    app.push_screen(PickArticleDialog(f"Compare “{title}” with…", exclude=article_id), chosen)


def compare_two(app: TuiReaderApp) -> None:
    """Ask for two articles, one after the other, and compare them (the palette)."""
    from .dialogs.pick_article import PickArticleDialog

    if len(app.articles) < 2:
        app.notify("Comparing needs at least two articles.", severity="warning")
        return

    def first(article_id: str | None) -> None:
        if article_id is not None:
            compare_with(app, article_id)

    app.push_screen(PickArticleDialog("Compare two articles: the first is…"), first)


def who_else_says(screen: Screen[Any], article: Article) -> None:
    """Passage search from the reader: the visual-mode selection if there is one, else the
    cursor paragraph."""
    from .screens.passages import PassagesScreen

    app = cast("TuiReaderApp", screen.app)
    text, paragraph, label = _reader_passage(screen, article)
    if not text.strip():
        app.notify("Nothing to look for here: the paragraph is empty.", severity="warning")
        return
    app.push_screen(PassagesScreen(article, paragraph, text, label))


def _reader_passage(screen: Screen[Any], article: Article) -> tuple[str, int, str]:
    """(query text, paragraph number, what it is) for `who_else_says`."""
    paragraphs = article.paragraphs
    if not paragraphs:
        return "", 1, ""
    selection = getattr(screen, "selection", None)
    units = getattr(screen, "units", None)
    if selection is not None and units is not None:
        try:
            start, end = selection.span(units)
        except Exception:  # the annotations' selection model changed: use the paragraph
            start = end = 0
        if end > start:
            number = next(
                (p.number for p in reversed(paragraphs) if p.start <= start), paragraphs[0].number
            )
            return article.text[start:end][:PASSAGE_QUERY_LIMIT], number, "the selection"
    view = getattr(screen, "view", None)
    index = 0
    if view is not None:
        index = view.cursor if view.is_visible(view.cursor) else view.top_paragraph()
    index = min(max(index, 0), len(paragraphs) - 1)
    paragraph = paragraphs[index]
    return paragraph.text, paragraph.number, f"¶{paragraph.number}"


def open_figures(app: TuiReaderApp) -> None:
    """The figures several articles give for the same thing (F), or back to it if open."""
    from .screens.figures import CorpusFiguresScreen

    if app.back_to(CorpusFiguresScreen) is None:
        app.push_screen(CorpusFiguresScreen())


# ---------------------------------------------------------------------- palette
class CompareCommands(CommandListProvider):
    """Palette commands: compare two articles, compare / who else says this (in the
    reader), figures across the corpus."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = cast("TuiReaderApp", self.app)
        commands: list[tuple[str, str, Callable[[], object]]] = [
            ("Compare two articles…", "Side by side, aligned (c)", partial(compare_two, app)),
            (
                "Figures across articles",
                "Numbers several articles give for the same thing (F)",
                partial(open_figures, app),
            ),
        ]
        screen = self.screen  # the screen under the palette
        article = getattr(screen, "article", None)
        if isinstance(article, Article) and hasattr(screen, "action_who_else"):
            commands[:0] = [
                (
                    "Compare this article with…",
                    "Pick the other article (c)",
                    partial(compare_with, app, article.id),
                ),
                (
                    "Who else says this?",
                    "Passages like the selection or cursor paragraph in other articles (w)",
                    partial(who_else_says, screen, article),
                ),
            ]
        return commands
