"""Locating matched words in text and cutting a snippet around them.

Both steps are linear in the length of the text and the number of matches: a paragraph of
several megabytes with a match every few words (a pasted book, a log) must not stall a
search. The window holding the most matches is found with two pointers over the sorted
spans, never by counting the spans inside each candidate window.
"""

from __future__ import annotations

from tuireader.core.search.analysis import WORD_PATTERN, text_analyzer

# Words are found with the analyzer's own tokenizer pattern, and each distinct word is
# analysed once (fold, lowercase, compound parts and stem act on one word at a time, so a
# word's forms do not depend on its neighbours). A long paragraph repeats its words: this
# is ~8x faster than running the analyzer over the whole text. A word matches when any of
# its index forms does ("e-mail" is email, e and mail), so highlights stay on the text.
_WORD = WORD_PATTERN
_ANALYZER = text_analyzer(stoplist=None)
SNIPPET_WIDTH = 200


def token_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """Character spans of the words of `text` whose analysed (stemmed) form is in `terms`,
    in text order."""
    if not terms or not text:
        return []
    matches: dict[str, bool] = {}
    spans: list[tuple[int, int]] = []
    for found in _WORD.finditer(text):
        word = found.group()
        matched = matches.get(word)
        if matched is None:
            matched = matches[word] = any(token.text in terms for token in _ANALYZER(word))
        if matched:
            spans.append(found.span())
    return spans


def densest_window_start(spans: list[tuple[int, int]], width: int) -> int:
    """The start of the span that begins the `width`-character window holding the most
    whole spans (the first such window when several tie); 0 without spans.

    `spans` must be in text order (as `token_spans` returns them). Each span enters and
    leaves the window once, so this is linear in the number of spans.
    """
    best_count, best_start = 0, spans[0][0] if spans else 0
    # Spans in order of their ends: a window [start, start + width] holds the spans that
    # begin at or after `start` and end by `start + width`. Starts and ends are both
    # increasing for word spans, so one forward pointer `last` tracks the window's end.
    last = 0
    for first, (start, _) in enumerate(spans):
        last = max(last, first)
        while last < len(spans) and spans[last][1] <= start + width:
            last += 1
        count = last - first
        if count > best_count:
            best_count, best_start = count, start
    return best_start


def make_snippet(
    text: str, spans: list[tuple[int, int]], width: int = SNIPPET_WIDTH
) -> tuple[str, list[tuple[int, int]]]:
    """A window of about `width` characters holding as many matches as possible.

    Returns the snippet (with … where text was cut) and the match spans shifted into it.
    """
    flat = " ".join(text.split())
    if len(flat) != len(text):  # keep offsets valid: collapse whitespace one char at a time
        flat = "".join(" " if ch.isspace() else ch for ch in text)
    if len(flat) <= width:
        return flat, list(spans)
    start = 0
    if spans:
        start = max(0, densest_window_start(spans, width) - width // 4)
    end = min(len(flat), start + width)
    start = max(0, end - width)
    # Cut at word boundaries so no word is shown half.
    if start > 0:
        space = flat.find(" ", start, start + 20)
        start = space + 1 if space >= 0 else start
    if end < len(flat):
        space = flat.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    shift = len(prefix) - start
    inside = [(s + shift, e + shift) for s, e in spans if s >= start and e <= end]
    return prefix + flat[start:end] + suffix, inside
