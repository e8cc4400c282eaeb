"""The reader's article body with highlights: saved annotations in their label colour, the
visual-mode selection, a marker in the gutter on every line that carries a highlight, the
notes under their highlights, and selection by mouse drag.

It extends ArticleView without changing how the text is wrapped (highlights only re-style
lines), so scrolling stays as cheap as in the plain view. Notes are extra lines after the
text of the paragraph where their highlight ends: the current highlight's note, or every
note (`show_all_notes`). When notes come or go, only that paragraph's lines are replaced
and the view keeps the text on screen where it was.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.style import Style

from tuireader.app.annotations.model import (
    LABEL_BY_NAME,
    LABELS,
    OTHER_LABEL_CLASS,
    Placed,
    label_class,
)
from tuireader.app.annotations.note_lines import note_lines
from tuireader.app.annotations.offsets import display_offsets, original_offset
from tuireader.app.shell.article_view import ArticleView, Line
from tuireader.app.shell.render import clean_text
from tuireader.core.corpus import Article

SELECTION_CLASS = "annotation--selection"
"""Component class of the visual-mode selection."""
NOTE_CLASS = "annotation--note"
"""Component class of a note shown under its highlight (note_lines.py draws it)."""
MARKER = "▌"
"""Gutter mark of a line that carries a highlight (in the label's colour)."""
FUZZY_MARKER = "?"
"""Gutter mark of a line whose highlight was re-anchored approximately (check it)."""
CURRENT_MARKER = "▶"
"""Gutter mark of the lines of the highlight that e / t / d act on."""
OTHER_COLOUR = "#c8c8c8"
"""Marker colour of a label that is none of the six."""


def label_colour(label: str | None) -> str:
    """The colour of a label's gutter marker and note mark (OTHER_COLOUR: none of the six)."""
    known = LABEL_BY_NAME.get(label or "")
    return known.colour if known else OTHER_COLOUR


def _label_css() -> str:
    rules = []
    for label in LABELS:
        rules.append(
            f"AnnotatedArticleView > .annotation--{label.name} "
            f"{{ background: {label.colour}; color: #000000; }}\n"
            f"AnnotatedArticleView:nocolor > .annotation--{label.name} "
            f"{{ text-style: {label.plain_style}; }}\n"
        )
    return "".join(rules)


class AnnotatedArticleView(ArticleView):
    """An ArticleView that also shows annotations and the visual-mode selection."""

    DEFAULT_CSS = (
        _label_css()
        + """
    AnnotatedArticleView > .annotation--other {
        background: #c8c8c8;
        color: #000000;
    }
    AnnotatedArticleView:nocolor > .annotation--other {
        text-style: underline;
    }
    AnnotatedArticleView > .annotation--selection {
        background: $primary;
        color: $text;
        text-style: bold;
    }
    AnnotatedArticleView:nocolor > .annotation--selection {
        text-style: bold reverse;
    }
    AnnotatedArticleView > .annotation--note {
        color: $text-muted;
        text-style: italic;
    }
    """
    )
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *(f"annotation--{label.name}" for label in LABELS),
        OTHER_LABEL_CLASS,
        SELECTION_CLASS,
        NOTE_CLASS,
    }

    class Dragged(Message):
        """The mouse selected text by dragging (article offsets of both ends)."""

        def __init__(self, anchor: int, head: int, finished: bool) -> None:
            super().__init__()
            self.anchor = anchor
            """Offset where the drag began."""
            self.head = head
            """Offset under the mouse now."""
            self.finished = finished
            """Whether the button was released."""

    def __init__(self, article: Article, id: str | None = None) -> None:
        super().__init__(article, id=id)
        self.highlights: list[Placed] = []
        """Annotations found in the text (anchored or fuzzy), in reading order."""
        self.current_highlight: str | None = None
        """Id of the highlight e / t / d act on (marked in the gutter)."""
        self.selection: tuple[int, int] | None = None
        """The visual-mode selection as article offsets."""
        self.show_all_notes = False
        """Show every note under its highlight (else only the current highlight's)."""
        self._by_paragraph: dict[int, list[Placed]] = {}
        self._notes_under: dict[int, list[Placed]] = {}
        """Paragraph index → the highlights with a note that end in it, in reading order."""
        self._note_rows: dict[int, int] = {}
        """Paragraph index → how many of its wrapped lines are notes (after its text)."""
        self._line_starts: dict[int, list[int]] = {}
        self._styles: dict[str, Style] = {}
        self._drag_anchor: int | None = None
        self._drag_moved = False

    # ------------------------------------------------------------------ state
    def set_highlights(self, placed: list[Placed], current: str | None = None) -> None:
        """Show these annotations (orphans are skipped); `current` is marked."""
        old = set(self._by_paragraph)
        if self.current_highlight is not None:
            old |= self._paragraphs_of_id(self.current_highlight)
        self.highlights = [p for p in placed if p.shown]
        self._by_paragraph = {}
        self._notes_under = {}
        for item in self.highlights:
            indexes = self.paragraphs_of(item.start, item.end)
            for index in indexes:
                self._by_paragraph.setdefault(index, []).append(item)
            if item.annotation.note.strip() and indexes:
                self._notes_under.setdefault(max(indexes), []).append(item)
        self.current_highlight = current
        self._restyle(old | set(self._by_paragraph))

    def set_show_all_notes(self, show: bool) -> None:
        """Show every note under its highlight, or (False) only the current one's."""
        if show != self.show_all_notes:
            self.show_all_notes = show
            self._restyle(set(self._notes_under))

    @property
    def note_count(self) -> int:
        """How many highlights in the text have a note."""
        return sum(len(items) for items in self._notes_under.values())

    def notes_shown(self, index: int) -> list[Placed]:
        """The highlights whose notes are shown under paragraph `index`, in reading order."""
        return [
            item
            for item in self._notes_under.get(index, [])
            if self.show_all_notes or item.id == self.current_highlight
        ]

    def set_current_highlight(self, current: str | None) -> None:
        """Mark another highlight as the one e / t / d act on."""
        if current == self.current_highlight:
            return
        changed = self._paragraphs_of_id(self.current_highlight) | self._paragraphs_of_id(current)
        self.current_highlight = current
        self._restyle(changed)

    def set_selection(self, span: tuple[int, int] | None) -> None:
        """Show (or clear, with None) the visual-mode selection."""
        if span == self.selection:
            return
        changed: set[int] = set()
        for old_or_new in (self.selection, span):
            if old_or_new is not None:
                changed |= self.paragraphs_of(*old_or_new)
        self.selection = span
        self._restyle(changed)

    def highlights_in(self, index: int) -> list[Placed]:
        """The highlights touching paragraph `index`, in reading order."""
        return self._by_paragraph.get(index, [])

    def highlight_at_cursor(self) -> Placed | None:
        """The highlight e / t / d act on: the current one (m / M, just made), else the
        first one in the cursor paragraph."""
        items = self.highlights_in(self.cursor)
        for item in items:
            if item.id == self.current_highlight:
                return item
        return items[0] if items else None

    def follow_cursor(self) -> None:
        """Keep the current highlight in the cursor paragraph (the cursor moved)."""
        items = self.highlights_in(self.cursor)
        if self.current_highlight not in {item.id for item in items}:
            self.set_current_highlight(items[0].id if items else None)

    def visible_highlights(self) -> list[Placed]:
        """The highlights in paragraphs that are shown (folded furniture is not)."""
        return [
            p
            for p in self.highlights
            if any(self.is_shown(i) for i in self.paragraphs_of(p.start, p.end))
        ]

    def base_paragraph(self) -> int:
        """Where h, H, v and m start from: the cursor paragraph if on screen, else the first
        one on screen (which becomes the cursor)."""
        if not self.is_visible(self.cursor):
            self.cursor = self.top_paragraph()
        return self.cursor

    def _paragraphs_of_id(self, annotation_id: str | None) -> set[int]:
        for item in self.highlights:
            if item.id == annotation_id:
                return self.paragraphs_of(item.start, item.end)
        return set()

    def paragraphs_of(self, start: int, end: int) -> set[int]:
        """Indexes of the paragraphs that the article span [start, end) overlaps."""
        found: set[int] = set()
        position = max(0, bisect_left(self._starts, start) - 1)
        paragraphs = self.article.paragraphs
        for index in range(position, len(paragraphs)):
            paragraph = paragraphs[index]
            if paragraph.start >= end:
                break
            if paragraph.end > start:
                found.add(index)
        return found

    def _restyle(self, indexes: set[int]) -> None:
        if self.lines and indexes:
            self._rewrap(indexes)

    # ------------------------------------------------------------------ styling
    def notify_style_update(self) -> None:
        """Theme or CSS changed: label styles must be read again."""
        self._styles = {}
        super().notify_style_update()
        if self.lines:
            self._rewrap(set(self._by_paragraph) | self._selection_paragraphs())

    def _selection_paragraphs(self) -> set[int]:
        return self.paragraphs_of(*self.selection) if self.selection else set()

    def _style(self, component: str) -> Style:
        style = self._styles.get(component)
        if style is None:
            # The rich style keeps `reverse` (a visual style drops it).
            style = Style.from_rich_style(self.get_component_rich_style(component))
            self._styles[component] = style
        return style

    def _paragraph_content(self, index: int) -> Content:
        """The paragraph's styled text, then the notes shown under it (one line each
        after a line break, so they wrap apart from the text)."""
        content = self._text_content(index)
        notes = self._note_lines(self.notes_shown(index))
        if not notes:
            self._note_rows.pop(index, None)
            return content
        self._note_rows[index] = len(notes)
        return Content("\n").join([content, *notes])

    def _note_lines(self, items: list[Placed]) -> list[Content]:
        """The notes of `items`, one after another, as lines that fit the text width."""
        style = self._style(NOTE_CLASS)
        return [
            line
            for item in items
            for line in note_lines(
                item.annotation.note, label_colour(item.annotation.label), self.text_width, style
            )
        ]

    def text_rows(self, index: int) -> int:
        """How many wrapped lines paragraph `index`'s text has (the notes after it left
        out); 0 when it is not shown."""
        _, count = self.placement(index)
        return max(0, count - self._note_rows.get(index, 0))

    def _text_content(self, index: int) -> Content:
        """The paragraph with match highlights (ArticleView), annotations under them and
        the selection on top."""
        content = super()._paragraph_content(index)
        items = self._by_paragraph.get(index)
        if not items and not self.selection:
            return content
        paragraph = self.article.paragraphs[index]
        to_display = display_offsets(paragraph.text)
        # Earlier highlights first; stylize_before puts each under what is already there,
        # so add them in reverse to keep reading order (and matches on top).
        for item in reversed(items or []):
            start = max(item.start, paragraph.start) - paragraph.start
            end = min(item.end, paragraph.end) - paragraph.start
            if end > start:
                style = self._style(label_class(item.annotation.label))
                content = content.stylize_before(style, to_display(start), to_display(end))
        if self.selection is not None:
            start = max(self.selection[0], paragraph.start) - paragraph.start
            end = min(self.selection[1], paragraph.end) - paragraph.start
            if end > start:
                content = content.stylize(
                    self._style(SELECTION_CLASS), to_display(start), to_display(end)
                )
        return content

    def relayout(self) -> None:
        """Wrap again (line offsets are recomputed on demand)."""
        self._line_starts = {}
        super().relayout()

    def _rewrap(self, indexes: set[int]) -> None:
        """Re-style these paragraphs' lines. A paragraph whose notes come or go gets its
        lines replaced in place (never a relayout, which would move the view to a
        paragraph's top); when that happens above the view, the view follows, so the text
        on screen stays where it was."""
        placement = self._placement
        top = self.scroll_offset.y
        moved = 0
        resized = False
        for index in sorted(indexes):
            if not 0 <= index < len(placement) or placement[index][1] == 0:
                continue
            start, count = placement[index]
            text_rows = self.text_rows(index)
            wrapped = self._paragraph_content(index).wrap(self.text_width)
            self.lines[start : start + count] = [
                Line(index, number == 0, part) for number, part in enumerate(wrapped)
            ]
            change = len(wrapped) - count
            if change:
                resized = True
                placement[index] = (start, len(wrapped))
                for later in range(index + 1, len(placement)):
                    first, rows = placement[later]
                    if rows:
                        placement[later] = (first + change, rows)
                if start + text_rows <= top:  # the notes are above the view
                    moved += change
        if resized:
            self.virtual_size = Size(self._width, len(self.lines))
        if moved:
            self.scroll_to(y=max(0, top + moved), animate=False, force=True, immediate=True)
        self._cache.clear()
        self.refresh()

    def _render_strip(self, line: Line) -> Strip:
        """ArticleView's line, with a marker between the gutter and the text on lines that
        carry a highlight."""
        strip = super()._render_strip(line)
        if line.paragraph < 0 or line.paragraph not in self._by_paragraph:
            return strip
        marker = self._marker(line)
        if marker is None:
            return strip
        segments = list(strip)
        # [left margin][number + furniture mark][separator][text...]
        if len(segments) > 2 and segments[2].text == " ":
            base = segments[2].style or RichStyle()
            segments[2] = Segment(marker[0], base + marker[1])
            return Strip(segments)
        return strip

    def _marker(self, line: Line) -> tuple[str, RichStyle] | None:
        """The gutter marker for a wrapped line, if a highlight touches it."""
        index = line.paragraph
        first, count = self.placement(index)
        if not count:
            return None
        # The very Line object render_line passed (equal lines may repeat in a paragraph).
        number = next((n - first for n in range(first, first + count) if self.lines[n] is line), 0)
        starts = self.line_starts(index)
        if number >= len(starts):
            return None  # a note line: its mark is drawn in the text
        paragraph = self.article.paragraphs[index]
        text_start = starts[number]
        text_end = starts[number + 1] if number + 1 < len(starts) else len(paragraph.text) + 1
        to_display = display_offsets(paragraph.text)
        found: Placed | None = None
        for item in self._by_paragraph[index]:
            start = to_display(max(item.start, paragraph.start) - paragraph.start)
            end = to_display(min(item.end, paragraph.end) - paragraph.start)
            if start < text_end and end > text_start:
                if item.id == self.current_highlight:
                    found = item
                    break
                fuzzier = item.anchor.status == "fuzzy" and found is not None
                if found is None or (fuzzier and found.anchor.status != "fuzzy"):
                    found = item
        if found is None:
            return None
        style = RichStyle(color=label_colour(found.annotation.label), bold=True)
        if found.id == self.current_highlight:
            return CURRENT_MARKER, style
        if found.anchor.status == "fuzzy":
            return FUZZY_MARKER, style
        return MARKER, style

    # ------------------------------------------------------------------ geometry
    def line_starts(self, index: int) -> list[int]:
        """Offsets into the (displayed) paragraph text where each wrapped line begins.

        Wrapping drops the blank space at each break, so adding up line lengths drifts;
        each line is found in the text instead.
        """
        cached = self._line_starts.get(index)
        if cached is not None:
            return cached
        first, _ = self.placement(index)
        display = clean_text(self.article.paragraphs[index].text)
        starts: list[int] = []
        position = 0
        for number in range(first, first + self.text_rows(index)):
            plain = self.lines[number].content.plain
            found = display.find(plain, position) if plain else position
            position = found if found >= 0 else position
            starts.append(position)
            position += len(plain)
        self._line_starts[index] = starts
        return starts

    def _line_offset(self, line: int) -> int:
        """Character offset into its paragraph where wrapped line `line` starts (exact); a
        note line starts after the text."""
        index = self.lines[line].paragraph
        first, _ = self.placement(index)
        starts = self.line_starts(index)
        if line - first >= len(starts):
            return len(clean_text(self.article.paragraphs[index].text))
        return starts[line - first] if line >= first else 0

    def offset_at(self, x: int, y: int) -> int | None:
        """The article offset under widget cell (x, y), or None off the text (header,
        blank lines). Left of the text gives the line's start, right of it its end."""
        number = self.scroll_offset.y + y
        index = self.paragraph_at_line(number)
        if index is None:
            return None
        first, _ = self.placement(index)
        starts = self.line_starts(index)
        if number - first >= len(starts):
            return None  # a note under the text
        line = self.lines[number]
        plain = line.content.plain
        column = x + self.scroll_offset.x - self._left - self.gutter_width
        position = 0
        cells = 0
        while position < len(plain) and cells + cell_len(plain[position]) <= column:
            cells += cell_len(plain[position])
            position += 1
        display_offset = starts[number - first] + position
        paragraph = self.article.paragraphs[index]
        return paragraph.start + original_offset(paragraph.text, display_offset)

    def scroll_to_span(self, start: int) -> None:
        """Move the cursor to the paragraph holding article offset `start` and make the
        line holding it visible."""
        indexes = self.paragraphs_of(start, start + 1)
        if not indexes:
            return
        index = min(indexes)
        if not self.is_shown(index):
            self.fold_furniture = False
        self.cursor = index
        first, count = self.placement(index)
        if not count:
            self._pending_scroll = index
            return
        offset = start - self.article.paragraphs[index].start
        starts = self.line_starts(index)
        line = first + max(0, bisect_left(starts, offset + 1) - 1)
        top, height = self.scroll_offset.y, self.size.height
        if top <= line < top + height and (top <= first or line - first >= height):
            return
        target = first - 1 if line - first < height - 2 else line - height // 3
        self.scroll_to(y=max(0, target), animate=False, force=True, immediate=True)

    # ------------------------------------------------------------------ mouse
    def on_mouse_down(self, event: events.MouseDown) -> None:
        """Start a drag selection."""
        if event.button != 1:
            return
        offset = self.offset_at(event.x, event.y)
        if offset is None:
            return
        self._drag_anchor = offset
        self._drag_moved = False
        self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Extend the drag selection (scrolling when the mouse leaves the top or bottom)."""
        if self._drag_anchor is None:
            return
        y = event.y
        if y < 0:
            self.scroll_up(animate=False, immediate=True)
            y = 0
        elif y >= self.size.height:
            self.scroll_down(animate=False, immediate=True)
            y = self.size.height - 1
        offset = self._nearest_offset(event.x, y)
        if offset is None:
            return
        if offset != self._drag_anchor:
            self._drag_moved = True
        if self._drag_moved:
            self.post_message(self.Dragged(self._drag_anchor, offset, finished=False))

    def on_mouse_up(self, event: events.MouseUp) -> None:
        """End the drag selection."""
        if self._drag_anchor is None:
            return
        anchor, self._drag_anchor = self._drag_anchor, None
        self.release_mouse()
        if self._drag_moved:
            offset = self._nearest_offset(
                event.x, min(max(event.y, 0), max(0, self.size.height - 1))
            )
            self.post_message(
                self.Dragged(anchor, offset if offset is not None else anchor, finished=True)
            )

    def _nearest_offset(self, x: int, y: int) -> int | None:
        """offset_at, or the nearest text line above when (x, y) is on a blank line."""
        for row in range(y, -1, -1):
            offset = self.offset_at(x if row == y else 10_000, row)
            if offset is not None:
                return offset
        return None
