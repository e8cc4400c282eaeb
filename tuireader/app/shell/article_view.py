"""The body of the reader: metadata header and numbered paragraphs, drawn line by line.

The article is wrapped once per width into a list of lines, and only the lines on screen
are turned into segments (Textual's line API, as the Log widget does). Opening a
10,000-word article costs one wrap (milliseconds), and a scroll step renders one screen of
lines, whatever the article's length. Highlights and the cursor only re-style lines; they
never change the wrapping.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from textual import events
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tuireader.app.shell.render import MATCH_STYLE, safe_content
from tuireader.core.corpus import Article
from tuireader.core.names import author_names
from tuireader.core.text import plural

GUTTER = 6
"""Cells for the paragraph number and the furniture mark ("  12~ ")."""
MAX_TEXT_WIDTH = 100
"""Longest line of text: long lines are hard to read on a 200-column terminal."""
HEADER = -1
"""`Line.paragraph` of the metadata header's lines."""
BLANK = -2
"""`Line.paragraph` of the blank lines between paragraphs."""


@dataclass(frozen=True)
class Match:
    """One highlighted word: its paragraph (0-based index) and offsets into that paragraph."""

    index: int
    start: int
    end: int


@dataclass(frozen=True)
class Line:
    """One wrapped line on screen."""

    paragraph: int  # index into article.paragraphs, or HEADER / BLANK
    first: bool  # first line of its paragraph (the gutter shows the number)
    content: Content
    style: str = ""  # header lines: "title" or "meta"


def header_lines(article: Article) -> list[tuple[Content, str]]:
    """Title, byline · source · date, URL and size, each with its component style."""
    meta = article.meta
    paragraphs = article.paragraphs
    furniture = sum(1 for p in paragraphs if p.furniture)
    byline = " · ".join(
        part
        for part in (author_names(meta.authors) or "author unknown", meta.container, meta.issued)
        if part
    )
    size = (
        f"{article.id} · {plural(article.word_count, 'word')} · "
        f"{plural(len(paragraphs), 'paragraph')}"
    )
    if furniture:
        size += f" ({furniture} page furniture, marked ~)"
    lines = [(safe_content(article.title), "title"), (safe_content(byline), "")]
    if meta.url:
        lines.append((safe_content(meta.url), "meta"))
    lines.append((safe_content(size), "meta"))
    return lines


class ArticleView(ScrollView, can_focus=True):
    """A scrolling article with a cursor paragraph, match highlights and furniture folding."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-view--gutter",
        "article-view--cursor",
        "article-view--furniture",
        "article-view--title",
        "article-view--meta",
    }

    gutter_width: ClassVar[int] = GUTTER
    """Cells left of the text for paragraph numbers and marks (subclasses widen it)."""

    fold_furniture: reactive[bool] = reactive(False)
    """Hide furniture paragraphs instead of dimming them."""
    cursor: reactive[int] = reactive(0)
    """Index of the cursor paragraph (moved with [ and ])."""

    def __init__(self, article: Article, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article = article
        """The article shown."""
        self.matches: list[Match] = []
        """Every highlighted word, in reading order."""
        self.match_style = MATCH_STYLE
        """How `matches` are drawn (search matches; an entity's mentions look different)."""
        self.current_match: int | None = None
        """Index into `matches` of the match n/N last moved to."""
        self.lines: list[Line] = []
        """The wrapped lines, for the current width."""
        self._starts = [p.start for p in article.paragraphs]
        self._placement: list[tuple[int, int]] = []  # paragraph → (first line, line count)
        self._width = 0
        self._left = 0
        self._pending_scroll: int | None = None
        self._cache: LRUCache[int, Strip] = LRUCache(256)

    # ------------------------------------------------------------------ layout
    def _paragraph_content(self, index: int) -> Content:
        paragraph = self.article.paragraphs[index]
        spans = [(m.start, m.end) for m in self.matches if m.index == index]
        current = None
        if self.current_match is not None:
            match = self.matches[self.current_match]
            if match.index == index:
                current = (match.start, match.end)
        return safe_content(paragraph.text, spans, style=self.match_style, current=current)

    def relayout(self) -> None:
        """Wrap the article for the current width (keeps the paragraph at the top)."""
        width = self.scrollable_content_region.width  # excludes the (stable) scrollbar gutter
        if width <= 0:
            return
        top = self.top_paragraph() if self.lines else None
        self._width = width  # first: `text_width` (which subclasses wrap to) derives from it
        text_width = self.text_width
        self._left = max(0, (width - self.gutter_width - text_width) // 2)
        lines: list[Line] = []
        for content, style in header_lines(self.article):
            for part in content.wrap(text_width):
                lines.append(Line(HEADER, False, part, style))
        placement: list[tuple[int, int]] = []
        for index, paragraph in enumerate(self.article.paragraphs):
            if self.fold_furniture and paragraph.furniture:
                placement.append((-1, 0))
                continue
            lines.append(Line(BLANK, False, Content("")))
            wrapped = self._paragraph_content(index).wrap(text_width)
            placement.append((len(lines), len(wrapped)))
            for number, part in enumerate(wrapped):
                lines.append(Line(index, number == 0, part))
        lines.append(Line(BLANK, False, Content("")))
        self.lines, self._placement = lines, placement
        self._cache.clear()
        self.virtual_size = Size(width, len(lines))
        self.refresh()
        pending = self._pending_scroll if self._pending_scroll is not None else top
        self._pending_scroll = None
        if pending is not None:
            self.scroll_to_paragraph(pending)

    def _rewrap(self, indexes: set[int]) -> None:
        """Re-style the lines of these paragraphs (same text, so the same line breaks)."""
        for index in indexes:
            if not 0 <= index < len(self._placement):
                continue
            start, count = self._placement[index]
            if count == 0:
                continue
            wrapped = self._paragraph_content(index).wrap(self.text_width)
            if len(wrapped) != count:  # cannot happen with style-only changes; be safe
                self.relayout()
                return
            for offset, part in enumerate(wrapped):
                self.lines[start + offset] = Line(index, offset == 0, part)
        self._cache.clear()
        self.refresh()

    @property
    def text_width(self) -> int:
        """Cells of text per line at the current width."""
        return max(10, min(MAX_TEXT_WIDTH, self._width - self.gutter_width - 1))

    @property
    def wrapped_for_width(self) -> bool:
        """Whether the lines are wrapped for the width the view has now (a resize, such as
        a sidebar opening, re-wraps on its Resize event)."""
        return bool(self.lines) and self.scrollable_content_region.width == self._width

    def on_resize(self, event: events.Resize) -> None:
        """Re-wrap for the new width."""
        if not self.wrapped_for_width:
            self.relayout()

    def on_mount(self) -> None:
        """First layout (when the size is known already)."""
        if self.scrollable_content_region.width:
            self.relayout()

    def notify_style_update(self) -> None:
        """Theme or CSS changed: rendered lines must pick up the new colours."""
        super().notify_style_update()
        self._cache.clear()

    # ------------------------------------------------------------------ rendering
    def render_line(self, y: int) -> Strip:
        """The strip for line `y` of the view."""
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self.lines):
            return Strip.blank(width, base)
        strip = self._cache.get(index)
        if strip is None:
            strip = self._render_strip(self.lines[index])
            self._cache[index] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _render_strip(self, line: Line) -> Strip:
        base = self.get_visual_style()
        segments = [Segment(" " * self._left, base.rich_style)]
        paragraph = line.paragraph
        if paragraph >= 0:
            furniture = self.article.paragraphs[paragraph].furniture
            gutter = "article-view--cursor" if paragraph == self.cursor else "article-view--gutter"
            number = self.article.paragraphs[paragraph].number
            label = f"{number:>4}{'~' if furniture else ' '}" if line.first else " " * 5
            # The rich style keeps `reverse` (the visual style drops it), which marks the
            # cursor even in 16 colours or under NO_COLOR.
            segments.append(Segment(label, self.get_component_rich_style(gutter)))
            segments.append(Segment(" ", base.rich_style))
            text_style = self.get_visual_style("article-view--furniture") if furniture else base
        else:
            segments.append(Segment(" " * GUTTER, base.rich_style))
            text_style = (
                self.get_visual_style(f"article-view--{line.style}") if line.style else base
            )
        segments.extend(line.content.render_segments(text_style))
        return Strip(segments)

    # ------------------------------------------------------------------ geometry
    def placement(self, index: int) -> tuple[int, int]:
        """(first line, line count) of paragraph `index`; count 0 when not shown."""
        if 0 <= index < len(self._placement):
            return self._placement[index]
        return (-1, 0)

    def is_shown(self, index: int) -> bool:
        """Whether paragraph `index` is displayed (furniture is hidden when folded)."""
        paragraphs = self.article.paragraphs
        return 0 <= index < len(paragraphs) and not (
            self.fold_furniture and paragraphs[index].furniture
        )

    def top_paragraph(self) -> int:
        """Index of the first paragraph with a line at or below the top of the view."""
        top = self.scroll_offset.y
        for index, (start, count) in enumerate(self._placement):
            if count and start + count > top:
                return index
        return max(0, len(self._placement) - 1)

    def is_visible(self, index: int) -> bool:
        """Whether any line of paragraph `index` is on screen."""
        start, count = self.placement(index)
        top = self.scroll_offset.y
        return count > 0 and start < top + self.size.height and start + count > top

    def paragraph_at_line(self, line: int) -> int | None:
        """The paragraph drawn on virtual line `line`, if any."""
        if 0 <= line < len(self.lines) and self.lines[line].paragraph >= 0:
            return self.lines[line].paragraph
        return None

    # ------------------------------------------------------------------ moving
    def scroll_to_paragraph(self, index: int, animate: bool = False) -> None:
        """Bring paragraph `index` to the top of the view (one blank line above)."""
        if not self.is_shown(index) and 0 <= index < len(self.article.paragraphs):
            self.fold_furniture = False  # unfold to show a furniture paragraph on request
        if not self.lines:
            self._pending_scroll = index
            return
        start, count = self.placement(index)
        if count:
            self.scroll_to(y=max(0, start - 1), animate=animate, force=True, immediate=True)

    def scroll_to_cursor(self) -> None:
        """Make the cursor paragraph visible, keeping its first line on screen."""
        start, count = self.placement(self.cursor)
        if not count:
            return
        top, height = self.scroll_offset.y, self.size.height
        if start < top:
            self.scroll_to(y=max(0, start - 1), animate=False, immediate=True)
        elif start + count > top + height:
            self.scroll_to(y=min(start - 1, start + count - height), animate=False, immediate=True)

    def step_paragraph(self, step: int) -> int:
        """Move the cursor to the next/previous shown paragraph and scroll it into view.

        When the cursor has been scrolled off screen, the step starts from the top of the view
        instead, so `]` always means "the next paragraph from what I am looking at".
        """
        paragraphs = self.article.paragraphs
        if not paragraphs:
            return 0
        # From the cursor if it is on screen, else from the first paragraph on screen.
        index = self.cursor + step if self.is_visible(self.cursor) else self.top_paragraph()
        while 0 <= index < len(paragraphs) and not self.is_shown(index):
            index += step
        if 0 <= index < len(paragraphs):
            self.cursor = index
        self.scroll_to_cursor()
        return self.cursor

    def watch_cursor(self) -> None:
        """Re-draw the gutter (the cursor paragraph's number is highlighted)."""
        self._cache.clear()
        self.refresh()

    def watch_fold_furniture(self, fold: bool) -> None:
        """Show or hide furniture paragraphs."""
        self.set_class(fold, "-fold")
        if fold and not self.is_shown(self.cursor):
            later = [
                i for i in range(self.cursor, len(self.article.paragraphs)) if self.is_shown(i)
            ]
            self.cursor = later[0] if later else 0
        if self.lines:
            self.relayout()

    def on_click(self, event: events.Click) -> None:
        """Clicking a paragraph puts the cursor there (the mouse still works)."""
        paragraph = self.paragraph_at_line(self.scroll_offset.y + event.y)
        if paragraph is not None:
            self.cursor = paragraph

    # ------------------------------------------------------------------ matches
    def set_matches(self, spans: list[tuple[int, int]], style: str = MATCH_STYLE) -> None:
        """Highlight every span (offsets into the article text) in `style`; forget the
        current match."""
        matches: list[Match] = []
        paragraphs = self.article.paragraphs
        for start, end in sorted(spans):
            index = bisect_right(self._starts, start) - 1
            if index < 0:
                continue
            paragraph = paragraphs[index]
            if end <= paragraph.end:  # spans crossing a paragraph break are not words
                matches.append(Match(index, start - paragraph.start, end - paragraph.start))
        changed = {m.index for m in self.matches} | {m.index for m in matches}
        self.matches = matches
        self.match_style = style
        self.current_match = None
        if self.lines:
            self._rewrap(changed)

    def clear_matches(self) -> None:
        """Remove every highlight."""
        self.set_matches([])

    def first_match_from(self, index: int) -> int | None:
        """The first match in paragraph `index` or after it (None without matches)."""
        for number, match in enumerate(self.matches):
            if match.index >= index:
                return number
        return 0 if self.matches else None

    def step_match(self, step: int) -> tuple[int, bool] | None:
        """Go to the next (+1) or previous (-1) match across paragraphs.

        Returns (match number, wrapped around) or None when there are no matches. Matches in
        folded furniture are skipped.
        """
        shown = [n for n, m in enumerate(self.matches) if self.is_shown(m.index)]
        if not shown:
            return None
        if self.current_match is None or self.current_match not in shown:
            # Start from what is on screen: first match at/after the cursor or view top.
            base = self.cursor if self.is_visible(self.cursor) else self.top_paragraph()
            if step > 0:
                after = [n for n in shown if self.matches[n].index >= base]
                target, wrapped = (after[0], False) if after else (shown[0], True)
            else:
                before = [n for n in shown if self.matches[n].index < base]
                target, wrapped = (before[-1], False) if before else (shown[-1], True)
        else:
            position = shown.index(self.current_match) + step
            wrapped = not 0 <= position < len(shown)
            target = shown[position % len(shown)]
        self.go_to_match(target)
        return target, wrapped

    def go_to_match(self, number: int) -> None:
        """Make match `number` the current one, move the cursor there and show its line."""
        old = self.matches[self.current_match].index if self.current_match is not None else None
        self.current_match = number
        match = self.matches[number]
        self.cursor = match.index
        if self.lines:
            self._rewrap({match.index} | ({old} if old is not None else set()))
            self._show_match_line(match)
        else:
            self._pending_scroll = match.index

    def _show_match_line(self, match: Match) -> None:
        """Scroll so the line holding the match is on screen (paragraph top if it fits)."""
        start, count = self.placement(match.index)
        if not count:
            return
        line = start
        for offset in range(count):
            if self._line_offset(start + offset) <= match.start:
                line = start + offset
        top, height = self.scroll_offset.y, self.size.height
        if top <= line < top + height and (top <= start or line - start >= height):
            return  # already on screen
        target = start - 1 if line - start < height - 2 else line - height // 3
        self.scroll_to(y=max(0, target), animate=False, force=True, immediate=True)

    def _line_offset(self, line: int) -> int:
        """Character offset into its paragraph where wrapped line `line` starts."""
        paragraph = self.lines[line].paragraph
        start, _ = self.placement(paragraph)
        return sum(len(self.lines[n].content.plain) for n in range(start, line))

    def progress(self) -> int:
        """How far down the article the view is, in percent."""
        if self.max_scroll_y <= 0:
            return 100
        return round(100 * self.scroll_offset.y / self.max_scroll_y)
