"""Links back to a quoted passage: URL text fragments (`URL#:~:text=…`).

A text fragment makes a browser scroll to and highlight the quoted words on the live page
(WICG Scroll-to-Text-Fragment, supported by Chromium browsers and Safari; others open the
page). A quote longer than a few words is given as its first and last words
(`textStart,textEnd`) so the link survives small edits in between; `prefix-` and `-suffix`
(a few words around it) pick the right occurrence when the words are common.
"""

from __future__ import annotations

from urllib.parse import quote

WORDS_AT_EACH_END = 4
"""A quote of more than twice this many words is linked by its first and last words."""

CONTEXT_WORDS = 3
"""Words of the text around the quote put in `prefix-` / `-suffix`."""

# Besides what `quote` escapes, the fragment syntax gives `-`, `,` and `&` a meaning.
_SAFE = ""


def _encode(text: str) -> str:
    """One fragment part, percent-encoded (the syntax characters included)."""
    return quote(" ".join(text.split()), safe=_SAFE).replace("-", "%2D")


def text_fragment_url(url: str, exact: str, prefix: str = "", suffix: str = "") -> str:
    """`url` with a text fragment selecting `exact` (`prefix`/`suffix`: the text around it,
    trimmed here to a few words); `url` unchanged when there is no quote."""
    words = exact.split()
    if not url or not words:
        return url
    if len(words) > 2 * WORDS_AT_EACH_END:
        start = " ".join(words[:WORDS_AT_EACH_END])
        end = " ".join(words[-WORDS_AT_EACH_END:])
        directive = f"{_encode(start)},{_encode(end)}"
    else:
        directive = _encode(" ".join(words))
    before = " ".join(prefix.split()[-CONTEXT_WORDS:])
    after = " ".join(suffix.split()[:CONTEXT_WORDS])
    if before:
        directive = f"{_encode(before)}-,{directive}"
    if after:
        directive = f"{directive},-{_encode(after)}"
    base, _, existing = url.partition("#")
    # A page's own fragment (#section) is kept before the directive, as the spec allows.
    anchor = f"#{existing.split(':~:')[0]}" if existing else "#"
    return f"{base}{anchor}:~:text={directive}"
