"""The library's rows: what each column shows, how rows sort and how the filter matches.

Plain Python (no widgets) so sorting and filtering are easy to test and fast on 2,000 rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tuireader.app.shell.render import clean_text
from tuireader.core.corpus import Article
from tuireader.core.names import author_names

SORT_KEYS = ("title", "source", "authors", "date", "words")
"""The columns `s` cycles through, in order."""


@dataclass(frozen=True)
class LibraryRow:
    """One article as the library lists it (display strings already cleaned)."""

    id: str
    title: str
    source: str
    authors: str
    date: str
    words: int
    haystack: str  # lower-cased text the filter looks in

    @classmethod
    def from_article(cls, article: Article) -> LibraryRow:
        """The row for `article`; unknown fields show as an empty cell, never a guess."""
        meta = article.meta
        title = clean_text(article.title)
        source = clean_text(meta.container or "")
        authors = clean_text(author_names(meta.authors))
        date = clean_text(meta.issued or "")
        haystack = " ".join((title, source, authors, date, article.id)).lower()
        return cls(article.id, title, source, authors, date, article.word_count, haystack)


def build_rows(articles: Iterable[Article]) -> list[LibraryRow]:
    """Rows for every article."""
    return [LibraryRow.from_article(article) for article in articles]


def filter_rows(rows: Iterable[LibraryRow], text: str) -> list[LibraryRow]:
    """Rows containing every word of `text` (case-insensitive, any column or the id)."""
    words = text.lower().split()
    if not words:
        return list(rows)
    return [row for row in rows if all(word in row.haystack for word in words)]


def sort_rows(rows: Iterable[LibraryRow], key: str, reverse: bool = False) -> list[LibraryRow]:
    """Rows sorted by a column of SORT_KEYS; empty cells always go last, ties by title."""
    if key == "words":
        return sorted(rows, key=lambda row: (row.words, row.title.lower()), reverse=reverse)

    def value(row: LibraryRow) -> str:
        return str(getattr(row, key)).lower()

    filled = [row for row in rows if value(row)]
    empty = [row for row in rows if not value(row)]
    filled.sort(key=lambda row: (value(row), row.title.lower()), reverse=reverse)
    empty.sort(key=lambda row: row.title.lower())
    return filled + empty


def next_sort_key(key: str) -> str:
    """The column after `key` in SORT_KEYS (wrapping)."""
    return SORT_KEYS[(SORT_KEYS.index(key) + 1) % len(SORT_KEYS)] if key in SORT_KEYS else "title"
