"""Locating matched words in text and cutting a snippet around them."""

from __future__ import annotations

from whoosh.analysis import StemmingAnalyzer

_ANALYZER = StemmingAnalyzer(stoplist=None)
SNIPPET_WIDTH = 200


def token_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """Character spans of the words of `text` whose analysed (stemmed) form is in `terms`."""
    if not terms or not text:
        return []
    return [
        (token.startchar, token.endchar)
        for token in _ANALYZER(text, chars=True, positions=False)
        if token.text in terms
    ]


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
        best_count = -1
        for candidate, _ in spans:
            count = sum(1 for s, e in spans if candidate <= s and e <= candidate + width)
            if count > best_count:
                best_count, start = count, candidate
        start = max(0, start - width // 4)
    end = min(len(flat), start + width)
    start = max(0, end - width)
    # Cut at word boundaries so no word is shown half.
    if start > 0:
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    if end < len(flat):
        space = flat.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    shift = len(prefix) - start
    inside = [(s + shift, e + shift) for s, e in spans if s >= start and e <= end]
    return prefix + flat[start:end] + suffix, inside
