"""What an index update and a search return: plain data for the CLI, the app and --json.

Two shapes of search result: `SearchResults`, the flat list of matching paragraphs, and
`ArticleResults`, the same evidence grouped by article (`by_article.py` builds it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class IndexReport:
    """What an index update did, for the CLI, the app and benchmarks."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    rebuilt: bool = False
    messages: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def touched(self) -> int:
        """How many articles had their documents written or deleted."""
        return len(self.added) + len(self.changed) + len(self.removed)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data (for --json)."""
        return {
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "rebuilt": self.rebuilt,
            "messages": self.messages,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class SearchHit:
    """One matching paragraph."""

    doc_id: str
    title: str
    paragraph: int
    score: float
    snippet: str  # plain text, control characters stripped
    snippet_spans: list[tuple[int, int]]  # matched words, as offsets into `snippet`
    variant: bool  # matched only through a close spelling of a query term
    matched_terms: list[str]

    def marked_snippet(self, before: str = "**", after: str = "**") -> str:
        """The snippet with each matched word wrapped in markers."""
        parts: list[str] = []
        position = 0
        for start, end in self.snippet_spans:
            parts += [self.snippet[position:start], before, self.snippet[start:end], after]
            position = end
        parts.append(self.snippet[position:])
        return "".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """The hit as plain data; `snippet` carries `**` marks around matched words."""
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "paragraph": self.paragraph,
            "score": round(self.score, 4),
            "snippet": self.marked_snippet(),
            "snippet_text": self.snippet,
            "snippet_spans": [list(span) for span in self.snippet_spans],
            "variant": self.variant,
            "matched_terms": self.matched_terms,
        }


@dataclass
class SearchResults:
    """Ranked hits: exact matches first, then variant-spelling matches."""

    query: str
    total: int
    hits: list[SearchHit]
    exact: bool
    variants: dict[str, list[str]] = field(default_factory=dict)  # term -> close spellings used
    messages: list[str] = field(default_factory=list)  # what the index did on the way (repairs)
    suggestions: list[str] = field(default_factory=list)  # "did you mean" queries, best first

    def to_dict(self) -> dict[str, Any]:
        """The results as plain data (the `search --json` shape)."""
        return {
            "query": self.query,
            "mode": "paragraphs",
            "total": self.total,
            "exact": self.exact,
            "variants": self.variants,
            "suggestions": self.suggestions,
            "messages": self.messages,
            "hits": [hit.to_dict() for hit in self.hits],
        }


@dataclass
class ArticleHit:
    """One matching article: its rank, why it matched and its best passages."""

    doc_id: str
    title: str
    score: float  # best passage score + weighted title score (see `by_article.py`)
    metadata_match: bool  # title and metadata match (the query's text words in the title)
    title_spans: list[tuple[int, int]]  # matched words, as offsets into `title`
    variant: bool  # found only through close spellings of the query's terms
    matching_paragraphs: int  # body paragraphs the query matches (never the headline)
    passages: list[SearchHit]  # the best few of them, best first
    paragraph: int | None  # where to open it: the best passage, else the matched headline

    def to_dict(self) -> dict[str, Any]:
        """The article as plain data (one entry of `articles` in `search --json`)."""
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "score": round(self.score, 4),
            "metadata_match": self.metadata_match,
            "title_spans": [list(span) for span in self.title_spans],
            "variant": self.variant,
            "matching_paragraphs": self.matching_paragraphs,
            "paragraph": self.paragraph,
            "passages": [passage.to_dict() for passage in self.passages],
        }


@dataclass
class ArticleResults:
    """Ranked articles with their best passages; totals count every match, not only the
    articles shown, and never the index's bookkeeping documents."""

    query: str
    total_articles: int
    total_passages: int  # matching body paragraphs over all matching articles
    articles: list[ArticleHit]
    exact: bool
    metadata_only: bool  # the query names no words of the text (author:, title:, ...)
    variants: dict[str, list[str]] = field(default_factory=dict)  # term -> spellings used
    messages: list[str] = field(default_factory=list)  # what the index did on the way
    suggestions: list[str] = field(default_factory=list)  # "did you mean" queries, best first

    def to_dict(self) -> dict[str, Any]:
        """The results as plain data (the `search --json` shape, documented in
        `tuireader.cli.searching`)."""
        return {
            "query": self.query,
            "mode": "articles",
            "total": self.total_articles,
            "total_articles": self.total_articles,
            "total_passages": self.total_passages,
            "exact": self.exact,
            "metadata_only": self.metadata_only,
            "variants": self.variants,
            "suggestions": self.suggestions,
            "messages": self.messages,
            "articles": [article.to_dict() for article in self.articles],
        }
