"""What the highlight keys act on, worked out from the text (no Textual): the sentence `h`
highlights next, the paragraph `H` highlights, where visual mode starts, what a mouse drag
selects, and which highlight `m` / `M` go to.

Offsets are into `Article.text`; word indexes are into `TextUnits.words`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Sequence

from tuireader.app.annotations.model import Placed, Selection, TextUnits
from tuireader.core.corpus import Paragraph

Span = tuple[int, int]
"""(start, end) offsets into the article text."""


def sentence_to_highlight(
    units: TextUnits, paragraph: Paragraph, match_start: int | None, taken: Collection[Span]
) -> Span | None:
    """The sentence at the match starting at `match_start` (an offset into the paragraph,
    None: no current match in it), else the paragraph's first sentence not in `taken` (so
    h, h, h highlights one after another). None when every sentence is taken."""
    if match_start is not None:
        first, last = units.unit_around("sentence", units.word_at(paragraph.start + match_start))
        return units.span(first, last)
    for span in paragraph_sentences(units, paragraph):
        if span not in taken:
            return span
    return None


def paragraph_sentences(units: TextUnits, paragraph: Paragraph) -> list[Span]:
    """The spans of the paragraph's sentences, in order."""
    first_word = units.word_at(paragraph.start)
    sentences: list[Span] = []
    position = bisect_left(units.sentence_starts, first_word)
    while position < len(units.sentence_starts):
        start_word = units.sentence_starts[position]
        if units.words[start_word][0] >= paragraph.end:
            break
        sentences.append(units.span(start_word, units.sentence_ends[position]))
        position += 1
    return sentences


def paragraph_span(units: TextUnits, paragraph: Paragraph) -> Span:
    """The paragraph, first word to last."""
    first = units.word_at(paragraph.start)
    return units.span(*units.unit_around("paragraph", first))


def visual_start(units: TextUnits, paragraph: Paragraph, match: Span | None) -> Selection:
    """Where `v` starts selecting: the words of the current match (`match`: offsets into the
    paragraph, None when it is not in this paragraph), else the paragraph's first word."""
    if match is not None:
        start, end = match
        first = units.word_at(paragraph.start + start)
        last = units.word_at(paragraph.start + max(start, end - 1))
        return Selection(first, last)
    first = units.word_at(paragraph.start)
    return Selection(first, first)


def drag_selection(units: TextUnits, anchor: int, head: int) -> Selection:
    """The whole words a mouse drag from offset `anchor` to offset `head` covers."""
    first, last = units.word_at(anchor), units.word_at(head)
    if head < anchor:
        # Dragging backwards: the word under the mouse, not the one after a gap.
        last = max(0, bisect_left(units.word_starts, head + 1) - 1)
    return Selection(first, last)


def paragraphs_label(paragraphs: Sequence[Paragraph], start: int, end: int) -> str:
    """ "¶ 3" or "¶ 3–5": the paragraphs a span lies in."""
    starts = [p.start for p in paragraphs]
    first = paragraphs[max(0, bisect_left(starts, start + 1) - 1)].number
    last = paragraphs[max(0, bisect_left(starts, end) - 1)].number
    return f"¶ {first}" if first == last else f"¶ {first}–{last}"


def next_highlight(
    items: Sequence[Placed], current: str | None, base: int, step: int
) -> tuple[Placed, bool]:
    """The highlight `m` (`step` 1) or `M` (-1) goes to, and whether it wrapped around:
    the next / previous from the current one, else from offset `base` (the start of the
    cursor paragraph). `items` is not empty, in reading order."""
    ids = [p.id for p in items]
    if current in ids:
        position = ids.index(current) + step
        return items[position % len(items)], not 0 <= position < len(items)
    if step > 0:
        after = [p for p in items if p.start >= base]
        return (after[0], False) if after else (items[0], True)
    before = [p for p in items if p.start < base]
    return (before[-1], False) if before else (items[-1], True)
