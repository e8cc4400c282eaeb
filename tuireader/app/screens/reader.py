"""The reader: one article, paragraph-numbered, with corpus-query hits or find-in-article
matches highlighted and n/N stepping through them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Static
from textual.worker import get_current_worker

from tuireader.core.corpus import Article
from tuireader.core.query_syntax import QueryError

from .. import bindings
from ..annotating import AnnotatingHost
from ..messages import MatchesFound
from ..render import clean_text
from ..widgets.annotated_view import AnnotatedArticleView
from ..widgets.article_view import ArticleView
from ..widgets.find_bar import FindBar
from .reader_entities import EntitySidebarHost

if TYPE_CHECKING:
    from ..app import TuiReaderApp

FIND_DEBOUNCE = 0.15
"""Seconds of quiet typing before find-in-article runs."""
SAVE_EVERY = 5.0
"""Seconds between saves of the reading position (so a dropped SSH session loses little)."""


def literal_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Case-insensitive occurrences of `query` in `text` (the find fallback)."""
    needle = query.strip()
    if not needle:
        return []
    return [(m.start(), m.end()) for m in re.finditer(re.escape(needle), text, re.IGNORECASE)]


class ReaderScreen(EntitySidebarHost, AnnotatingHost, Screen[None]):
    """One article. Opened from the library, a search hit, the palette or on start-up."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.READER]
    AUTO_FOCUS = "#article"

    def __init__(
        self,
        article: Article,
        paragraph: int | None = None,
        query: str | None = None,
        exact: bool = False,
    ) -> None:
        super().__init__()
        self.article = article
        """The article shown."""
        self.start_paragraph = paragraph
        """1-based paragraph to show first (a search hit or the remembered position)."""
        self.search_query = query
        """The corpus query whose matches are highlighted (None: no highlights yet)."""
        self.exact = exact
        """Whether the query matches exact spellings only."""
        self.match_note = ""
        """How the current matches were found, for the status line."""
        self._generation = 0
        self._find_timer: Timer | None = None
        self._saved: int | None = None
        self.sub_title = clean_text(article.title)

    @property
    def reader_app(self) -> TuiReaderApp:
        """The app, typed."""
        return cast("TuiReaderApp", self.app)

    @property
    def view(self) -> ArticleView:
        """The article body."""
        return self.query_one("#article", ArticleView)

    @property
    def find_bar(self) -> FindBar:
        """The find-in-article bar."""
        return self.query_one(FindBar)

    def compose(self) -> ComposeResult:
        """Header, article, find bar (hidden), status line, footer."""
        yield Header(icon="≡")
        yield AnnotatedArticleView(self.article, id="article")  # highlights: annotating.py
        yield FindBar()
        yield Static(id="reader-status")
        yield Footer()

    def on_mount(self) -> None:
        """Scroll to the start paragraph and look up the query's matches."""
        self.find_bar.display = False
        if self.start_paragraph is not None:
            index = min(max(self.start_paragraph, 1), len(self.article.paragraphs)) - 1
            self.view.cursor = index
            self.view.scroll_to_paragraph(index)
        if self.search_query:
            self.find_matches(self.search_query, self.exact, literal_fallback=False)
        self.watch(self.view, "scroll_y", self._update_status, init=False)
        self.watch(self.view, "cursor", self._update_status, init=False)
        self.set_interval(SAVE_EVERY, self._autosave)
        self.call_after_refresh(self._update_status)

    # ------------------------------------------------------------------ position memory
    def position(self) -> int:
        """The paragraph number to remember: the cursor's if on screen, else the top one."""
        if not self.article.paragraphs:
            return 1
        view = self.view
        index = view.cursor if view.is_visible(view.cursor) else view.top_paragraph()
        return self.article.paragraphs[index].number

    def remember(self, is_open: bool) -> None:
        """Save where the reader is."""
        state = self.reader_app.reading_state
        paragraph = self.position()
        state.remember(self.article.id, paragraph, is_open)
        state.save()
        self._saved = paragraph

    def _autosave(self) -> None:
        if self.is_current and self.position() != self._saved:
            self.remember(is_open=True)

    # ------------------------------------------------------------------ status line
    def _update_status(self, *_: object) -> None:
        view = self.view
        paragraphs = self.article.paragraphs
        parts = [f"¶ {paragraphs[view.cursor].number}/{len(paragraphs)}" if paragraphs else "empty"]
        parts.append(f"{view.progress()}%")
        if view.matches:
            current = view.current_match
            position = (
                f"{current + 1}/{len(view.matches)}"
                if current is not None
                else (f"{len(view.matches)}")
            )
            entity = self.selected_entity_name()  # an entity's mentions (reader_entities)
            if entity is not None:
                parts.append(f"mention {position} of “{entity}” (n/N)")
            else:
                parts.append(f"match {position} for “{clean_text(self.search_query or '')}” (n/N)")
        elif self.search_query:
            parts.append(f"no matches for “{clean_text(self.search_query)}”")
        if self.match_note:
            parts.append(self.match_note)
        if view.fold_furniture:
            parts.append("furniture folded (z)")
        parts.extend(self.annotation_status())
        self.query_one("#reader-status", Static).update(Content(" · ".join(parts)))

    # ------------------------------------------------------------------ matches
    def find_matches(self, query: str, exact: bool, literal_fallback: bool) -> None:
        """Look up the spans `query` matches in this article (in a worker)."""
        self._generation += 1
        self.search_query, self.exact = query, exact
        self._match_worker(self._generation, query, exact, literal_fallback)

    @work(thread=True, exclusive=True, group="matches")
    def _match_worker(
        self, generation: int, query: str, exact: bool, literal_fallback: bool
    ) -> None:
        """Match the query against the article text: the index's own analysis (stems and
        variant spellings) when the index is ready, else — or when that finds nothing in
        find-in-article — a literal, case-insensitive search."""
        text = self.article.text
        spans: list[tuple[int, int]] = []
        note = ""
        if self.reader_app.index_state.ready:
            try:
                spans = self.reader_app.workspace.index.match_spans(query, text, exact=exact)
            except QueryError as error:
                if not literal_fallback:
                    note = str(error)
            except Exception as error:  # a damaged index must not take the reader down
                note = f"search failed: {error}"
        elif not literal_fallback:
            note = "the search index is not ready"
        if not spans and literal_fallback:
            spans = literal_spans(text, query)
            if spans:
                note = "literal matches"
        if not get_current_worker().is_cancelled:
            self.post_message(MatchesFound(generation, query, spans, note))

    def on_matches_found(self, message: MatchesFound) -> None:
        """Show the matches; go to the first one at or after the start/cursor paragraph."""
        if message.generation != self._generation:
            return  # an older query's answer
        view = self.view
        view.set_matches(message.spans)
        self.match_note = message.note
        if view.matches:
            first = view.first_match_from(view.cursor)
            if first is not None:
                view.go_to_match(first)
        if self.find_bar.display:
            count = len(view.matches)
            text = f"{count} match{'es' if count != 1 else ''}" if count else "no matches"
            self.find_bar.show_count(
                f"{text} ({message.note})" if message.note else text, error=not count
            )
        self._update_status()

    @on(Input.Changed, "#find-input")
    def _find_changed(self, event: Input.Changed) -> None:
        if self._find_timer is not None:
            self._find_timer.stop()
        value = event.value
        if not value.strip():
            self._generation += 1
            self.view.clear_matches()
            self.search_query = None
            self.match_note = ""
            self.find_bar.show_count("")
            self._update_status()
            return
        self._find_timer = self.set_timer(
            FIND_DEBOUNCE, lambda: self.find_matches(value, False, literal_fallback=True)
        )

    @on(Input.Submitted, "#find-input")
    def _find_submitted(self) -> None:
        self.find_bar.action_close()

    @on(FindBar.Closed)
    def _find_closed(self) -> None:
        self.view.focus()

    # ------------------------------------------------------------------ actions
    def action_back(self) -> None:
        """Close the article (remembering the position) and go back."""
        self.remember(is_open=False)
        self.app.pop_screen()

    def action_scroll_down(self) -> None:
        """One line down."""
        self.view.scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        """One line up."""
        self.view.scroll_up(animate=False)

    def action_page_down(self) -> None:
        """One page down."""
        self.view.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        """One page up."""
        self.view.scroll_page_up(animate=False)

    def action_top(self) -> None:
        """To the top of the article."""
        self.view.scroll_home(animate=False)
        self.view.cursor = 0

    def action_bottom(self) -> None:
        """To the end of the article."""
        self.view.scroll_end(animate=False)
        self.view.cursor = max(0, len(self.article.paragraphs) - 1)

    def action_paragraph(self, step: int) -> None:
        """Move the cursor paragraph (`[` / `]`)."""
        self.view.step_paragraph(step)

    def action_match(self, step: int) -> None:
        """Go to the next/previous match across paragraphs (n / N)."""
        result = self.view.step_match(step)
        if result is None:
            self.notify(
                "No matches here. Press f to find in this article or / to search.",
                severity="warning",
                timeout=3,
            )
        elif result[1]:
            where = "top" if step > 0 else "bottom"
            self.notify(f"Wrapped to the {where} of the article", timeout=1.5)
        self._update_status()

    def action_find(self) -> None:
        """Open the find-in-article bar."""
        self.find_bar.open()

    def action_fold(self) -> None:
        """Fold (hide) or unfold the page furniture paragraphs."""
        self.view.fold_furniture = not self.view.fold_furniture
        self._update_status()

    def action_copy_citation(self) -> None:
        """Copy the quote, citation and reference of the highlight (else the paragraph) at
        the cursor (y); see tuireader.app.citing."""
        from ..citing import copy_citation

        copy_citation(self)

    def action_copy_reference(self) -> None:
        """Copy the article's reference in the citation style (Y)."""
        from ..citing import copy_citation

        copy_citation(self, reference_only=True)

    def action_compare(self) -> None:
        """Compare this article with another, picked from a list (c); see comparing.py."""
        from ..comparing import compare_with

        compare_with(self.reader_app, self.article.id, paragraph=self.position())

    def action_who_else(self) -> None:
        """Passages like the selection, else the cursor paragraph, in other articles (w)."""
        from ..comparing import who_else_says

        who_else_says(self, self.article)
