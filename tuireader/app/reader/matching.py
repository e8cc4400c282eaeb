"""Finding a query's matches in the open article (no Textual): with the search index's own
analysis (stems and variant spellings) when it is ready, else — or when that finds nothing
in find-in-article — literally, ignoring case."""

from __future__ import annotations

import re

from tuireader.core.search.query_syntax import QueryError
from tuireader.core.workspace import Workspace

Span = tuple[int, int]
"""(start, end) offsets into the article text."""


def literal_spans(text: str, query: str) -> list[Span]:
    """Case-insensitive occurrences of `query` in `text` (the find fallback)."""
    needle = query.strip()
    if not needle:
        return []
    return [(m.start(), m.end()) for m in re.finditer(re.escape(needle), text, re.IGNORECASE)]


def match_spans(
    workspace: Workspace,
    index_ready: bool,
    text: str,
    query: str,
    exact: bool,
    literal_fallback: bool,
) -> tuple[list[Span], str]:
    """The spans `query` matches in `text`, and how they were found (or why none were),
    for the status line. `literal_fallback` (find-in-article) tries a literal search when
    the index finds nothing or cannot be used. Runs in a worker: the index may be read."""
    spans: list[Span] = []
    note = ""
    if index_ready:
        try:
            spans = workspace.index.match_spans(query, text, exact=exact)
        except QueryError as error:
            if not literal_fallback:
                note = str(error)
        except Exception as error:  # a damaged index must not take the reader down
            note = f"search failed: {error}"
    elif not literal_fallback:
        note = "the search index is not ready"
    if not spans and literal_fallback:
        spans = literal_spans(text, query)
        if spans:
            note = "literal matches"
    return spans, note
