"""The by-article view of search results: which rows the list shows, where each row opens
and what the totals line says (the ranking itself is the core's, see
tuireader/core/search/by_article.py)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from tuireader.core.text import plural

if TYPE_CHECKING:
    from tuireader.core.search.results import ArticleResults, SearchResults

VIEWS = ("articles", "paragraphs")
"""The two ways the search screen lists results: by article (the default) or flat."""


@dataclass(frozen=True)
class Row:
    """One row of the by-article list: an article (`passage` None) or one of its passages.

    `article` and `passage` are positions in `ArticleResults.articles` and in that
    article's `passages`."""

    article: int
    passage: int | None = None


def article_rows(results: ArticleResults, collapsed: Collection[str]) -> list[Row]:
    """Every article in rank order, each followed by its passages unless its id is in
    `collapsed` (the articles whose passages the user hid)."""
    rows: list[Row] = []
    for number, article in enumerate(results.articles):
        rows.append(Row(number))
        if article.doc_id not in collapsed:
            rows.extend(Row(number, passage) for passage in range(len(article.passages)))
    return rows


def row_target(results: ArticleResults, row: Row) -> tuple[str, int | None]:
    """Where a row opens: (article id, paragraph). An article opens at its best passage
    (or its matched headline; None: where the reader would open it anyway)."""
    article = results.articles[row.article]
    if row.passage is None:
        return article.doc_id, article.paragraph
    return article.doc_id, article.passages[row.passage].paragraph


def totals_text(results: ArticleResults) -> str:
    """The count of everything that matched: "12 articles, 31 passages" (all matches, not
    only those shown)."""
    return (
        f"{plural(results.total_articles, 'article')}, {plural(results.total_passages, 'passage')}"
    )


class SearchAnswered(Message):
    """A search worker finished: the same query answered by article and as flat paragraphs
    (both kept, so switching views needs no new search)."""

    def __init__(
        self,
        generation: int,
        articles: ArticleResults | None,
        paragraphs: SearchResults | None,
        error: str | None,
    ) -> None:
        super().__init__()
        self.generation = generation
        """Which query this answers (older answers are dropped)."""
        self.articles = articles
        """The matching articles, or None when the query failed."""
        self.paragraphs = paragraphs
        """The flat paragraph hits, or None when the query failed."""
        self.error = error
        """A user-facing message for a malformed query or a failed search."""
