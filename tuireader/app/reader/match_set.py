"""The reader's match set: what n / N step through. It is a corpus query's hits (the article
was opened from a search), find-in-article matches (f, looked up as the user types) or an
entity's mentions (the sidebar); each new set replaces the last.

Queries are matched in a thread worker of the reader; each request has a generation, so the
answer to an older query (or one overtaken by an entity's mentions) is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.screen import Screen
from textual.timer import Timer
from textual.worker import get_current_worker

from tuireader.app.context import reader_context
from tuireader.app.entities.reader_sidebar import ENTITY_STYLE
from tuireader.app.reader.find_bar import FindBar
from tuireader.app.reader.matching import match_spans
from tuireader.app.shell.article_view import ArticleView
from tuireader.app.shell.messages import MatchesFound
from tuireader.core.corpus import Article
from tuireader.core.text import plural

if TYPE_CHECKING:
    from tuireader.core.entities.index import ArticleEntity

FIND_DEBOUNCE = 0.15
"""Seconds of quiet typing before find-in-article runs."""


class MatchSet:
    """The matches highlighted in one reader's article view."""

    def __init__(
        self,
        host: Screen[Any],
        article: Article,
        view: ArticleView,
        find_bar: FindBar,
        changed: Callable[[], None],
        replaced: Callable[[], None],
        query: str | None = None,
        exact: bool = False,
    ) -> None:
        """`changed` is called when the status line should be redrawn; `replaced` when a
        query's matches are on their way to replace the current set (an entity's mentions
        stop being the matches). `query`: the corpus query the article was opened with."""
        self.host = host
        """The reader (its worker matches the queries and gets the answers)."""
        self.article = article
        """The article matched in."""
        self.view = view
        """The article body that draws the matches."""
        self.find_bar = find_bar
        """The find-in-article bar (its counter says how many were found)."""
        self.query = query
        """The corpus or find query whose matches are highlighted (None: no query)."""
        self.exact = exact
        """Whether the query matches exact spellings only."""
        self.note = ""
        """How the current matches were found (or why there are none), for the status line."""
        self.keep_place = False
        """Show the next matches found without going to the first one (set by a reader
        reloaded in place, whose reading position comes first)."""
        self._changed = changed
        self._replaced = replaced
        self._generation = 0
        self._timer: Timer | None = None

    def _next_generation(self) -> int:
        self._generation += 1
        self._replaced()
        return self._generation

    def find(self, query: str, exact: bool, literal_fallback: bool) -> None:
        """Look up the spans `query` matches in the article (in a worker); `found` shows
        them. `literal_fallback` (find-in-article): no index hit means a literal search."""
        generation = self._next_generation()
        self.query, self.exact = query, exact
        self.host.run_worker(
            partial(self._match, generation, query, exact, literal_fallback),
            thread=True,
            exclusive=True,
            group="matches",
        )

    def _match(self, generation: int, query: str, exact: bool, literal_fallback: bool) -> None:
        """(In a thread.) Match the query, post MatchesFound to the reader."""
        context = reader_context(self.host)
        spans, note = match_spans(
            context.workspace,
            context.index_state.ready,
            self.article.text,
            query,
            exact,
            literal_fallback,
        )
        if not get_current_worker().is_cancelled:
            self.host.post_message(MatchesFound(generation, query, spans, note))

    def found(self, message: MatchesFound) -> None:
        """Show the matches; go to the first one at or after the cursor paragraph."""
        if message.generation != self._generation:
            return  # an older query's answer
        view = self.view
        view.set_matches(message.spans)
        self.note = message.note
        keep_place, self.keep_place = self.keep_place, False
        if view.matches and not keep_place:
            first = view.first_match_from(view.cursor)
            if first is not None:
                view.go_to_match(first)
        if self.find_bar.display:
            count = len(view.matches)
            text = plural(count, "match", "matches") if count else "no matches"
            self.find_bar.show_count(
                f"{text} ({message.note})" if message.note else text, error=not count
            )
        self._changed()

    def typed(self, value: str) -> None:
        """The find bar's text changed: find it after a pause in the typing (blank: clear
        the matches at once)."""
        if self._timer is not None:
            self._timer.stop()
        if not value.strip():
            self._next_generation()
            self.view.clear_matches()
            self.query = None
            self.note = ""
            self.find_bar.show_count("")
            self._changed()
            return
        self._timer = self.host.set_timer(
            FIND_DEBOUNCE, lambda: self.find(value, False, literal_fallback=True)
        )

    def show_mentions(self, item: ArticleEntity | None) -> None:
        """Make an entity's mentions the match set (None: clear it); n/N step through
        them from the cursor."""
        self._generation += 1  # answers to an earlier find or search are dropped
        self.query = None
        self.note = ""
        view = self.view
        if item is None:
            view.clear_matches()
        else:
            view.set_matches(item.spans, style=ENTITY_STYLE)
            first = view.first_match_from(view.cursor)
            if first is not None:
                view.go_to_match(first)
        self._changed()
