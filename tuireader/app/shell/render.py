"""Safe display text: article text is data, never markup and never terminal control.

Everything taken from an article (titles, paragraphs, snippets, metadata) goes through
`safe_content`, which builds a Textual `Content` from a plain string — so `[bold]` or
`[@click=app.quit]` shows literally — after stripping control characters (ESC, C0/C1), while
keeping highlight spans pointing at the same characters.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from rich.text import Text
from textual.content import Content, Span

# The same set tuireader.core.corpus.clean_for_display strips, plus CR: the reader shows
# whitespace as spaces, so a lone CR must not reach the terminal either.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Whitespace inside a paragraph (hard-wrapped lines, tabs) is shown as single spaces; the
# replacement keeps the length so highlight offsets stay valid.
_SOFT_BREAK = str.maketrans({"\n": " ", "\t": " ", "\r": " "})

MATCH_STYLE = "reverse"
"""How a matched word looks: reverse video is legible in 16 colours and under NO_COLOR."""
CURRENT_MATCH_STYLE = "bold reverse underline"
"""The match `n`/`N` last moved to: like the others, plus bold and underline."""


def clean_text(text: str) -> str:
    """`text` without control characters, whitespace shown as spaces (no offset mapping)."""
    return _CONTROL.sub("", text.translate(_SOFT_BREAK))


def safe_content(
    text: str,
    spans: Sequence[tuple[int, int]] = (),
    style: str = MATCH_STYLE,
    current: tuple[int, int] | None = None,
) -> Content:
    """Plain `text` as Content with `spans` (offsets into `text`) styled as matches.

    `current`, if given, is one of the spans and gets CURRENT_MATCH_STYLE.
    """
    text = text.translate(_SOFT_BREAK)
    removed = [match.start() for match in _CONTROL.finditer(text)]
    if removed:
        text = _CONTROL.sub("", text)

    def shift(offset: int) -> int:
        # Each removed character before `offset` moves it one to the left.
        return offset - bisect_left(removed, offset) if removed else offset

    content_spans: list[Span] = []
    for start, end in spans:
        new_start, new_end = shift(start), shift(end)
        if new_end > new_start:
            chosen = CURRENT_MATCH_STYLE if (start, end) == current else style
            content_spans.append(Span(new_start, new_end, chosen))
    # strip_control_codes=False: already done above, and doing it again would move spans.
    return Content(text, content_spans, strip_control_codes=False)


def safe_text(text: str, style: str = "", ellipsis: bool = False) -> Text:
    """A Rich Text (for DataTable cells) from plain `text`, never parsed as markup."""
    cleaned = clean_text(text)
    if ellipsis:
        return Text(cleaned, style=style, no_wrap=True, overflow="ellipsis", end="")
    return Text(cleaned, style=style, end="")
