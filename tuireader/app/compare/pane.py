"""One side of the compare screen: an ArticleView with the alignment drawn in its gutter.

The gutter is wider than the reader's: after the paragraph number comes a pair mark —
"↔3" for a paragraph in pair 3 (the same number in the other pane marks its partner; "+"
when it is in more than one pair), a dim "·" for a paragraph only in this source, nothing
for furniture and headings. The current pair (moved to with ] and [) is drawn in reverse.
Shared quotations are underlined and the words that carry the current pair are bold, in
both panes; all of it is built as Content from the plain text, never as markup.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.content import Content, Span
from textual.strip import Strip

from tuireader.app.shell.article_view import ArticleView, Line
from tuireader.app.shell.render import safe_content
from tuireader.core.corpus import Article

PANE_GUTTER = 10
"""Cells before the text: paragraph number, furniture mark, pair mark ("  12  ↔3+ ")."""
QUOTE_STYLE = "underline"
"""Shared quotations: underlined (reads in 16 colours and under NO_COLOR)."""
TERM_STYLE = "bold"
"""The words two paragraphs of the current pair share."""
ONLY_MARK = "·"
"""The mark of a paragraph found only in this source."""


@dataclass(frozen=True)
class PaneMark:
    """What the gutter shows beside one paragraph."""

    label: str  # "↔3", "↔3+" or ONLY_MARK
    paired: bool


def pair_marks(
    paragraphs: Iterable[int], pair_numbers: dict[int, list[int]], only: Iterable[int]
) -> dict[int, PaneMark]:
    """Gutter marks by paragraph number: `pair_numbers` maps a paragraph number to the
    (1-based) numbers of the pairs it is in; `only` lists the paragraphs with no partner."""
    marks: dict[int, PaneMark] = {}
    alone = set(only)
    for number in paragraphs:
        pairs = pair_numbers.get(number)
        if pairs:
            label = f"↔{pairs[0]}{'+' if len(pairs) > 1 else ''}"
            marks[number] = PaneMark(label, True)
        elif number in alone:
            marks[number] = PaneMark(ONLY_MARK, False)
    return marks


def word_spans(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """Where the `words` (as written, any case) occur in `text` as whole words."""
    wanted = sorted({word for word in words if word}, key=len, reverse=True)
    if not wanted:
        return []
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(word) for word in wanted) + r")(?!\w)", re.IGNORECASE
    )
    return [(match.start(), match.end()) for match in pattern.finditer(text)]


class ComparePane(ArticleView):
    """An article in the compare screen, its pairs and quotations marked."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "compare-pane--pair",
        "compare-pane--only",
        "compare-pane--current",
    }
    gutter_width: ClassVar[int] = PANE_GUTTER
    DEFAULT_CSS = """
    ComparePane > .compare-pane--pair {
        color: $text-accent;
        text-style: bold;
    }
    ComparePane > .compare-pane--only {
        color: $text-muted;
        text-style: dim;
    }
    ComparePane > .compare-pane--current {
        color: $text-accent;
        text-style: bold reverse;
    }
    """

    def __init__(self, article: Article, side: str, id: str | None = None) -> None:
        super().__init__(article, id=id)
        self.side = side
        """"a" (left) or "b" (right)."""
        self.marks: dict[int, PaneMark] = {}
        """Gutter marks by paragraph number."""
        self.current: set[int] = set()
        """Paragraph numbers of the current pair on this side (drawn in reverse)."""
        self.quote_spans: list[tuple[int, int]] = []
        """Shared quotations: offsets into the article text."""
        self.term_spans: dict[int, list[tuple[int, int]]] = {}
        """Per paragraph index: spans (offsets into the paragraph) of the current pair's
        shared words."""
        self._quote_starts: list[int] = []

    # ------------------------------------------------------------------ what is marked
    def set_alignment(
        self, marks: dict[int, PaneMark], quote_spans: Sequence[tuple[int, int]]
    ) -> None:
        """Show the pair marks and the shared quotations."""
        self.marks = dict(marks)
        self.quote_spans = sorted(quote_spans)
        self._quote_starts = [start for start, _ in self.quote_spans]
        if self.lines:
            self._rewrap(set(range(len(self.article.paragraphs))))

    def set_current(self, numbers: Iterable[int], words: Iterable[str] = ()) -> None:
        """Mark the paragraphs of the current pair and embolden their shared `words`."""
        changed = set(self.term_spans)
        self.current = set(numbers)
        words = list(words)
        self.term_spans = {}
        for index, paragraph in enumerate(self.article.paragraphs):
            if paragraph.number in self.current and words:
                self.term_spans[index] = word_spans(paragraph.text, words)
        changed |= set(self.term_spans)
        self._cache.clear()
        if self.lines:
            self._rewrap(changed)
        self.refresh()

    def index_of(self, number: int) -> int | None:
        """The index in `article.paragraphs` of paragraph `number`."""
        for index, paragraph in enumerate(self.article.paragraphs):
            if paragraph.number == number:
                return index
        return None

    # ------------------------------------------------------------------ layout
    def _paragraph_content(self, index: int) -> Content:
        """The paragraph with quotations underlined and the pair's shared words in bold."""
        base = super()._paragraph_content(index)
        paragraph = self.article.paragraphs[index]
        quotes = self._quotes_in(paragraph.start, paragraph.end)
        terms = self.term_spans.get(index, [])
        if not quotes and not terms:
            return base
        extra: list[Span] = []
        for spans, style in ((quotes, QUOTE_STYLE), (terms, TERM_STYLE)):
            if spans:
                # Same cleaning as the base content, so the offsets line up.
                extra.extend(safe_content(paragraph.text, spans, style=style).spans)
        return Content(base.plain, [*base.spans, *extra])

    def _quotes_in(self, start: int, end: int) -> list[tuple[int, int]]:
        """Quotation spans inside [start, end), as offsets into that paragraph."""
        found = []
        position = max(0, bisect_right(self._quote_starts, start) - 1)
        for quote_start, quote_end in self.quote_spans[position:]:
            if quote_start >= end:
                break
            if quote_end > start:
                found.append((max(quote_start, start) - start, min(quote_end, end) - start))
        return found

    # ------------------------------------------------------------------ rendering
    def _render_strip(self, line: Line) -> Strip:
        base = self.get_visual_style()
        segments = [Segment(" " * self._left, base.rich_style)]
        index = line.paragraph
        if index >= 0:
            paragraph = self.article.paragraphs[index]
            gutter = "article-view--cursor" if index == self.cursor else "article-view--gutter"
            if line.first:
                label = f"{paragraph.number:>4}{'~' if paragraph.furniture else ' '}"
            else:
                label = " " * 5
            segments.append(Segment(label, self.get_component_rich_style(gutter)))
            segments.extend(self._mark_segments(paragraph.number, line.first, base.rich_style))
            text_style = (
                self.get_visual_style("article-view--furniture") if paragraph.furniture else base
            )
        else:
            segments.append(Segment(" " * PANE_GUTTER, base.rich_style))
            text_style = (
                self.get_visual_style(f"article-view--{line.style}") if line.style else base
            )
        segments.extend(line.content.render_segments(text_style))
        return Strip(segments)

    def _mark_segments(self, number: int, first: bool, plain: Style) -> list[Segment]:
        """The pair mark column (PANE_GUTTER - 5 cells): " ↔3+ " on the first line; on
        the other lines of a pair's paragraph a bar keeps the pair visible."""
        width = PANE_GUTTER - 5
        mark = self.marks.get(number)
        if mark is None:
            return [Segment(" " * width, plain)]
        current = number in self.current
        if mark.paired:
            style_name = "compare-pane--current" if current else "compare-pane--pair"
        else:
            style_name = "compare-pane--only"
        style = self.get_component_rich_style(style_name)
        text = mark.label[: width - 1] if first else ("│" if mark.paired else "")
        rest = " " * (width - 1 - len(text))
        return [Segment(" ", plain), Segment(text, style), Segment(rest, plain)]
