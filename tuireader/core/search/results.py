"""What an index update and a search return: plain data for the CLI, the app and --json."""

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

    def to_dict(self) -> dict[str, Any]:
        """The results as plain data (the `search --json` shape)."""
        return {
            "query": self.query,
            "total": self.total,
            "exact": self.exact,
            "variants": self.variants,
            "messages": self.messages,
            "hits": [hit.to_dict() for hit in self.hits],
        }
