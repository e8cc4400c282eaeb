"""Visual mode, the reader's keyboard selection (`v`): it starts at the cursor, its moving
end goes by word, sentence or paragraph (w b ( ) { }), `o` swaps the ends, escape ends it;
a mouse drag in the text makes one too.

While it lasts the visual bar holds the focus, so the bar's keys win over the reader's keys
of the same name (b is page up in the reader) and the keys it does not bind (h, 1-6, a, t)
still reach the reader, which highlights the selection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen
from textual.widget import Widget

from tuireader.app.annotations.annotated_view import AnnotatedArticleView
from tuireader.app.annotations.model import Selection, TextUnits, Unit
from tuireader.app.annotations.spans import (
    Span,
    drag_selection,
    paragraphs_label,
    visual_start,
)
from tuireader.app.annotations.visual_bar import VisualBar
from tuireader.core.corpus import Article


class VisualMode:
    """The selection of one reader, shown in its article view and visual bar."""

    def __init__(
        self,
        host: Screen[Any],
        article: Article,
        units: Callable[[], TextUnits],
        view: AnnotatedArticleView,
        bar: VisualBar,
        changed: Callable[[], None],
    ) -> None:
        """`units` gives the article's words (built on first use); `changed` is called
        after every change of the selection (the reader redraws its status line)."""
        self.host = host
        """The reader (focus moves within it; notifications go through it)."""
        self.article = article
        """The article selected in."""
        self.view = view
        """The article body that draws the selection."""
        self.bar = bar
        """The bar that says what is selected and takes the keys."""
        self.selection: Selection | None = None
        """The selection (None outside visual mode)."""
        self._units = units
        self._changed = changed

    @property
    def units(self) -> TextUnits:
        """The article's words, sentences and paragraphs."""
        return self._units()

    def span(self) -> Span | None:
        """The selected text as article offsets (None outside visual mode)."""
        return self.selection.span(self.units) if self.selection is not None else None

    def toggle(self) -> None:
        """Start selecting at the cursor (the current match, or the paragraph's first
        word); in visual mode, stop."""
        if self.selection is not None:
            self.end()
            return
        units = self.units
        if not units.words or not self.article.paragraphs:
            self.host.notify("There is no text to select.", severity="warning", markup=False)
            return
        view = self.view
        index = view.base_paragraph()
        paragraph = self.article.paragraphs[index]
        match = view.matches[view.current_match] if view.current_match is not None else None
        at_match = (match.start, match.end) if match is not None and match.index == index else None
        self.select(visual_start(units, paragraph, at_match))

    def select(self, selection: Selection, scroll: bool = True) -> None:
        """Show a selection (entering visual mode); `scroll` brings its moving end into
        view."""
        units = self.units
        self.selection = selection
        start, end = selection.span(units)
        self.view.set_selection((start, end))
        bar = self.bar
        bar.display = True
        bar.show_selection(
            selection.word_count, paragraphs_label(self.article.paragraphs, start, end)
        )
        if scroll:
            self.view.scroll_to_span(units.words[selection.head][0])
        if self.host.focused is not bar:
            # At once (Widget.focus waits a tick): keys typed right after v go to the bar.
            self.host.set_focus(bar)
        self._changed()

    def move(self, unit: Unit, step: int) -> None:
        """Move the selection's moving end by a word, sentence or paragraph."""
        if self.selection is not None:
            self.select(self.selection.move(self.units, unit, step))

    def swap(self) -> None:
        """Let the other end of the selection move (o)."""
        if self.selection is not None:
            self.select(self.selection.swap())

    def end(self) -> None:
        """Leave visual mode (nothing is highlighted); the text gets the focus back."""
        if self.selection is None:
            return
        self.selection = None
        self.view.set_selection(None)
        self.bar.display = False
        self.host.set_focus(self.view)
        self._changed()

    def drag(self, anchor: int, head: int) -> None:
        """A mouse drag from offset `anchor` to `head` selects the words it covers."""
        if self.units.words:
            self.select(drag_selection(self.units, anchor, head), scroll=False)

    def keep_focus(self, focused: Widget | None) -> None:
        """While selecting, keys go to the visual bar, even after a click in the text."""
        if self.selection is not None and focused is self.view:
            self.host.set_focus(self.bar)
