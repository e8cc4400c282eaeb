"""Where a highlight sits in an article: selectors made on one text, found again in another.

A highlight is stored the way the W3C Web Annotation model describes it: the quoted text
with some context on each side (TextQuoteSelector) plus the character offsets and the
checksum of the text it was made on (TextPositionSelector). When the article file changes,
`locate()` finds the quote again:

1. same checksum (and the offsets still hold the quote) → the stored offsets, `anchored`;
2. the exact quote, chosen by how well its surroundings match the stored context, the old
   position breaking ties → `anchored`;
3. the closest approximate match, accepted only above a strict similarity and with a sane
   length → `fuzzy`;
4. otherwise → `orphaned`.

The stored selector is never changed here: a highlight keeps the words it was made on, and
the caller shows the status. Nothing in this module touches files.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from tuireader.core.corpus import Article, Paragraph
from tuireader.core.text import straighten_quotes

AnchorStatus = Literal["anchored", "fuzzy", "orphaned"]

# Characters of context kept on each side of a quote (what Hypothesis and most W3C
# implementations keep: enough to tell repeated phrases apart, short enough to survive edits).
CONTEXT_CHARS = 32
# A fuzzy match must be at least this similar to the stored quote (Indel ratio, 0..1).
FUZZY_MIN_SIMILARITY = 0.85
# ... and its length within these bounds of the stored quote's length.
FUZZY_LENGTH_RATIO = (0.75, 1.33)
# Context similarity (0..1) that confirms an exact or fuzzy match of a short or repeated quote.
CONTEXT_MIN = 0.5
# A quote at least this long that occurs exactly once is its own proof of place.
UNIQUE_QUOTE_MIN = 20

# Characters at each edge of a long quote used to place its start and end.
_EDGE = 64
# Quotes longer than this are placed by aligning _PROBES pieces of _EDGE characters.
_LONG_QUOTE = 256
_PROBES = 8
# Edge positions of a long quote compared on the whole quote.
_FINALISTS = 6


@dataclass
class TextTarget:
    """The part of an article a highlight covers, as it was when the highlight was made.

    W3C Web Annotation TextQuoteSelector (`exact`, `prefix`, `suffix`) plus
    TextPositionSelector (`start`, `end`), with the 1-based paragraph number and the
    checksum of the article text the offsets refer to.
    """

    exact: str
    prefix: str
    suffix: str
    start: int
    end: int
    paragraph: int
    checksum: str


@dataclass
class Anchor:
    """Where a stored target is in the current article text.

    `status` is `anchored` (sure), `fuzzy` (found approximately or in an uncertain place:
    the user should check it) or `orphaned` (not found; start/end/paragraph are None).
    `score` is the similarity of the matched text to the stored quote (1.0 = identical); for
    an orphan it is the best similarity seen, for diagnostics only.
    """

    status: AnchorStatus
    start: int | None
    end: int | None
    paragraph: int | None
    score: float

    @classmethod
    def orphaned(cls, score: float = 0.0) -> Anchor:
        """An anchor for a target that could not be found (or whose article is gone)."""
        return cls("orphaned", None, None, None, score)


class SelectionError(ValueError):
    """A span that cannot be highlighted (empty, whitespace only, out of range)."""


def paragraph_holding(paragraphs: Sequence[Paragraph], offset: int) -> Paragraph | None:
    """The paragraph character `offset` belongs to: the one containing it; for an offset in
    the blank space between paragraphs (or before the first) the next one; after the last,
    the last. None when there are no paragraphs.

    Found by bisection: exports and `check` ask this for every quote of long articles.
    """
    if not paragraphs:
        return None
    index = bisect_right(paragraphs, offset, key=lambda paragraph: paragraph.start) - 1
    if index >= 0 and offset < paragraphs[index].end:
        return paragraphs[index]
    return paragraphs[min(index + 1, len(paragraphs) - 1)]


def paragraph_number(paragraphs: Sequence[Paragraph], start: int) -> int:
    """The 1-based number of the paragraph a span starting at `start` belongs to
    (`paragraph_holding`); an article without paragraphs gives 1."""
    paragraph = paragraph_holding(paragraphs, start)
    return paragraph.number if paragraph is not None else 1


def make_target(article: Article, start: int, end: int) -> TextTarget:
    """The selector for article.text[start:end], with context and the text's checksum.

    Raises SelectionError for an empty, whitespace-only or out-of-range span.
    """
    text = article.text
    if not 0 <= start < end <= len(text):
        raise SelectionError(
            f"selection {start}-{end} is outside {article.id} (0-{len(text)}) or empty"
        )
    exact = text[start:end]
    if not exact.strip():
        raise SelectionError("a selection of only blank space cannot be highlighted")
    return TextTarget(
        exact=exact,
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
        start=start,
        end=end,
        paragraph=paragraph_number(article.paragraphs, start),
        checksum=article.checksum,
    )


def locate(target: TextTarget, article: Article) -> Anchor:
    """Find `target` in the article's current text (see the module docstring for the order)."""
    text = article.text
    if target.checksum == article.checksum and text[target.start : target.end] == target.exact:
        return _anchor(article, "anchored", target.start, target.end, 1.0)
    if not target.exact:
        return Anchor.orphaned()

    exact_anchor = _locate_exact(target, article)
    if exact_anchor is not None:
        return exact_anchor
    return _locate_fuzzy(target, article)


def _anchor(article: Article, status: AnchorStatus, start: int, end: int, score: float) -> Anchor:
    return Anchor(status, start, end, paragraph_number(article.paragraphs, start), score)


def _occurrences(text: str, needle: str) -> list[int]:
    """Every start offset of `needle` in `text`, overlapping ones included."""
    found = []
    position = text.find(needle)
    while position != -1:
        found.append(position)
        position = text.find(needle, position + 1)
    return found


def _similarity(a: str, b: str) -> float:
    """Indel similarity in 0..1; two empty strings are identical."""
    return float(Indel.normalized_similarity(a, b))


def context_similarity(target: TextTarget, text: str, start: int, end: int) -> float:
    """How well the text around [start, end) matches the stored prefix and suffix (0..1)."""
    before = text[max(0, start - len(target.prefix)) : start]
    after = text[end : end + len(target.suffix)]
    return (_similarity(target.prefix, before) + _similarity(target.suffix, after)) / 2


def _locate_exact(target: TextTarget, article: Article) -> Anchor | None:
    """The best exact occurrence of the quote, or None when it is absent or unplaceable.

    A repeated quote needs matching context to be placed; when none of its occurrences has
    it, the caller tries the fuzzy stage (which, needing context too, will orphan it).
    """
    text = article.text
    length = len(target.exact)
    starts = _occurrences(text, target.exact)
    if not starts:
        return None
    scored = [
        (context_similarity(target, text, s, s + length), -abs(s - target.start), s) for s in starts
    ]
    # Round so that float noise does not outrank the old position as a tie-breaker.
    context, _, start = max(scored, key=lambda item: (round(item[0], 3), item[1]))
    unique = len(starts) == 1
    if context >= CONTEXT_MIN or (unique and len(target.exact.strip()) >= UNIQUE_QUOTE_MIN):
        return _anchor(article, "anchored", start, start + length, 1.0)
    if unique:
        # The very words are there, once, but their surroundings changed: probably the
        # same passage, but the user should look.
        return _anchor(article, "fuzzy", start, start + length, 1.0)
    return None


def _locate_fuzzy(target: TextTarget, article: Article) -> Anchor:
    """The closest approximate match near the old place or anywhere, if strict enough."""
    text = article.text
    exact = target.exact
    candidates: list[tuple[float, int, int]] = []
    # Near the old position first: a passage edited in place is found there even when a
    # similar passage exists elsewhere; the whole text covers moved passages.
    reach = max(2 * len(exact), 200)
    regions = [(max(0, target.start - reach), min(len(text), target.end + reach)), (0, len(text))]
    for low, high in regions:
        window = _best_window(exact, text, low, high)
        if window is not None:
            start, end = _refine(target, text, *window)
            candidates.append((_similarity(exact, text[start:end]), start, end))
    if not candidates:
        return Anchor.orphaned()

    def rank(candidate: tuple[float, int, int]) -> tuple[float, float, int]:
        score, start, end = candidate
        return (
            round(score, 3),
            context_similarity(target, text, start, end),
            -abs(start - target.start),
        )

    score, start, end = max(candidates, key=rank)
    ratio = (end - start) / len(exact)
    context = context_similarity(target, text, start, end)
    low_ratio, high_ratio = FUZZY_LENGTH_RATIO
    acceptable = (
        score >= FUZZY_MIN_SIMILARITY
        and low_ratio <= ratio <= high_ratio
        # Short quotes match too much by chance: their context must confirm the place.
        and (len(exact.strip()) >= UNIQUE_QUOTE_MIN or context >= CONTEXT_MIN)
    )
    if not acceptable:
        return Anchor.orphaned(score)
    return _anchor(article, "fuzzy", start, end, score)


def _best_window(exact: str, text: str, low: int, high: int) -> tuple[int, int] | None:
    """A span of text[low:high] of the quote's length where the quote fits best, or None."""
    if high <= low:
        return None
    if high - low <= len(exact):
        return low, high
    region = text[low:high]
    if len(exact) <= _LONG_QUOTE:
        alignment = fuzz.partial_ratio_alignment(exact, region)
        if alignment is None:
            return None
        return low + alignment.dest_start, low + alignment.dest_end
    # Aligning a long quote whole costs seconds when it is not found verbatim; instead a
    # few evenly spaced pieces are aligned, and the start most of them imply is taken.
    implied: list[int] = []
    step = max(1, (len(exact) - _EDGE) // (_PROBES - 1))
    for offset in range(0, len(exact) - _EDGE + 1, step)[:_PROBES]:
        piece = exact[offset : offset + _EDGE]
        alignment = fuzz.partial_ratio_alignment(piece, region, score_cutoff=75)
        if alignment is not None:
            implied.append(low + alignment.dest_start - offset)
    if not implied:
        return None
    start = min(max(sorted(implied)[len(implied) // 2], low), high - 1)
    return start, min(high, start + len(exact))


def _refine(target: TextTarget, text: str, start: int, end: int) -> tuple[int, int]:
    """Move the window's edges to where the text is most similar to the quote.

    The alignment window has the quote's length, so words inserted into (or removed from)
    the quote leave its end off; each edge is moved in turn to its best position. An edge
    the user put on a word boundary stays on one: otherwise an edited last word would be
    cut to the letters it shares with the old one.
    """
    exact = target.exact
    slack = len(exact) // 4 + 8
    word_start = exact[0].isalnum() and not target.prefix[-1:].isalnum()
    word_end = exact[-1].isalnum() and not target.suffix[:1].isalnum()
    # Positions closest to the current edge come first, so ties keep the smaller move.
    starts = [
        p
        for p in (start + offset for offset in _by_distance(slack))
        if 0 <= p < len(text) and (not word_start or p == 0 or not text[p - 1].isalnum())
    ]
    ends = [
        p
        for p in (end + offset for offset in _by_distance(slack))
        if 0 < p <= len(text) and (not word_end or p == len(text) or not text[p].isalnum())
    ]
    if not starts or not ends:
        return start, end
    if len(exact) > 2 * _EDGE:
        # A long quote: compare only its first and last characters with same-length windows,
        # so the cost does not grow with the quote (and shorter spans get no advantage).
        # The few best edge positions are then compared on the whole quote, which settles
        # the one-character ambiguities fixed windows leave around an edited word.
        head, tail = exact[:_EDGE], exact[-_EDGE:]
        heads = sorted(starts, key=lambda p: -_similarity(head, text[p : p + _EDGE]))[:_FINALISTS]
        tails = sorted(ends, key=lambda p: -_similarity(tail, text[max(0, p - _EDGE) : p]))
        end = tails[0]
        start = max(heads, key=lambda p: _similarity(exact, text[p:end]) if p < end else -1.0)
        end = max(
            (p for p in tails[:_FINALISTS] if p > start),
            key=lambda p: _similarity(exact, text[start:p]),
            default=end,
        )
        return start, end
    start, end = starts[0], ends[0]
    for _ in range(3):
        best_start = max(
            (p for p in starts if p < end),
            key=lambda p: _similarity(exact, text[p:end]),
            default=start,
        )
        best_end = max(
            (p for p in ends if p > best_start),
            key=lambda p: _similarity(exact, text[best_start:p]),
            default=end,
        )
        if (best_start, best_end) == (start, end):
            break
        start, end = best_start, best_end
    return start, end


def _by_distance(slack: int) -> list[int]:
    """0, -1, 1, -2, 2, ... up to ±slack."""
    offsets = [0]
    for step in range(1, slack + 1):
        offsets.extend((-step, step))
    return offsets


def _fold(text: str, ignore_case: bool = False) -> tuple[str, list[int], list[int]]:
    """Text with typographic quotes straightened and whitespace runs made one space (and,
    with `ignore_case`, casefolded), plus, for each folded character, the start and end
    offsets of what it stands for in `text`."""
    folded: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in re.finditer(r"\s+|\S", text):
        piece = match.group()
        if piece[0].isspace():
            piece = " "
        else:
            piece = straighten_quotes(piece)
            # Casefolding may give several characters ("ß" → "ss"): each stands for it.
            piece = piece.casefold() if ignore_case else piece
        folded.append(piece)
        starts.extend(match.start() for _ in piece)
        ends.extend(match.end() for _ in piece)
    return "".join(folded), starts, ends


def find_quote(text: str, quote: str, ignore_case: bool = False) -> list[tuple[int, int]]:
    """Every place `quote` occurs in `text`, as (start, end) offsets into `text`, in order.

    Tolerates what typing a quote by hand changes: curly vs straight quotes and whitespace
    (line breaks, several spaces, non-breaking spaces), and with `ignore_case` letter case
    too. Leading and trailing blank space of the quote is ignored. The offsets always cover
    the article's real characters.
    """
    needle, _, _ = _fold(quote.strip(), ignore_case)
    if not needle:
        return []
    folded, starts, ends = _fold(text, ignore_case)
    return [(starts[i], ends[i + len(needle) - 1]) for i in _occurrences(folded, needle)]


@dataclass(frozen=True)
class QuoteSearch:
    """Where a typed quote is in a text: its (start, end) spans, in order, and whether
    they were found only when letter case was ignored too."""

    spans: list[tuple[int, int]]
    ignoring_case: bool


def search_quote(text: str, quote: str) -> QuoteSearch:
    """The places of a quote typed by a user: as `find_quote` finds it (quote marks and
    spacing may differ) or, when that finds nothing, ignoring letter case as well."""
    spans = find_quote(text, quote)
    if spans:
        return QuoteSearch(spans, ignoring_case=False)
    return QuoteSearch(find_quote(text, quote, ignore_case=True), ignoring_case=True)


def closest_passage(text: str, quote: str) -> tuple[int, int, float] | None:
    """The passage of `text` most like `quote`, for a hint when the quote is not found:
    (start, end, similarity 0..1), the span widened to whole words; None for an empty quote
    or text.

    Compared as `find_quote(..., ignore_case=True)` compares, and placed as the fuzzy stage
    of re-anchoring places a quote (`_best_window`), so a long quote costs no more here.
    """
    needle, _, _ = _fold(quote.strip(), ignore_case=True)
    folded, starts, ends = _fold(text, ignore_case=True)
    window = _best_window(needle, folded, 0, len(folded)) if needle else None
    if window is None or window[1] <= window[0]:
        return None
    low, high = window
    start, end = _whole_words(text, starts[low], ends[high - 1])
    return start, end, _similarity(needle, folded[low:high])


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """The span widened so that it neither starts nor ends inside a word."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end
