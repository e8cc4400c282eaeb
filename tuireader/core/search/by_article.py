"""Search results by article: matching paragraphs grouped under their article, each article
ranked by its best evidence.

The evidence for an article:

- its *passages*: the body paragraphs the query matches, best first;
- its *title*: the query with its text words moved to the title field, run on the article's
  bookkeeping document (which carries the article's title and metadata, see documents.py).
  A title match adds its score, so an article titled with the query's words leads;
- the *headline*, the paragraph that repeats the title, is not a passage: it says the title's
  words, so it matched exactly when the title did, and it is counted once, as the title.

An article's score is its best passage's score plus TITLE_WEIGHT times its title's score
(BM25 scores of the two fields; the weight is BM25F's usual boost for a title, and makes up
for the title's idf being counted over paragraphs, each of which carries the title: a long
article's title words look common). Articles found only through close spellings of the
query's words come after those with exact evidence.

A query that names no words of the text (`author:`, `source:`, `date:`, `title:` alone) is
run on the bookkeeping documents only: one document per article, so each article is listed
once and has no passages.

How a paragraph finds its article: `SearchIndex` writes an article's documents together,
its bookkeeping document first, and Whoosh keeps documents in the order they were added
(merging segments too), so the article of a paragraph is the nearest bookkeeping document
before it. Whoosh groups the hits (`groupedby`) with that as the key. A `FieldFacet` on
`doc_id` would give the same groups, but that field has no column, so Whoosh first reads
every posting of it (100 ms on the BBC corpus, in every new process); the bisect costs
microseconds. Each passage shown is checked against its article's id, and a mismatch is
reported as damage (the index is then rebuilt).
"""

from __future__ import annotations

import copy
from bisect import bisect_right
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from whoosh.query import Query
from whoosh.sorting import FunctionFacet

from tuireader.core.search.results import ArticleHit, SearchHit
from tuireader.core.search.snippets import token_spans
from tuireader.core.search.storage import IndexDamaged

BODY_FIELD = "body"
TITLE_FIELD = "title"
PASSAGES_PER_ARTICLE = 3
TITLE_WEIGHT = 2.0
_GROUP = "article"

# Builds a passage from a Whoosh hit: (hit, terms to highlight, found through a variant).
MakeHit = Callable[[Any, set[str], bool], SearchHit]


def names_text(query: Query) -> bool:
    """Whether the query searches the text of paragraphs (not only title and metadata)."""
    return any(getattr(leaf, "fieldname", None) == BODY_FIELD for leaf in query.leaves())


def in_title(query: Query) -> Query:
    """The query with every word it seeks in the text sought in the title instead (the
    other fields unchanged): what the article's title, and so its headline, matches."""

    def move(node: Query) -> Query:
        if node.is_leaf() and getattr(node, "fieldname", None) == BODY_FIELD:
            node = copy.copy(node)
            node.fieldname = TITLE_FIELD  # type: ignore[attr-defined]
        return node

    return query.accept(move)


@dataclass
class _Evidence:
    """What the query matched of one article, while the articles are being ranked."""

    start: int  # document number of the article's bookkeeping document
    exact: list[int] = field(default_factory=list)  # passage docnums, best first
    variant: list[int] = field(default_factory=list)  # matched only through variants
    best: float = 0.0
    title_score: float = 0.0
    title_exact: bool = False
    title_variant: bool = False
    headline: int | None = None  # the headline's paragraph number, when it matched

    @property
    def passages(self) -> list[int]:
        """Exact passages first, then variant ones, each best first."""
        return self.exact + self.variant

    @property
    def only_variant(self) -> bool:
        """Found only through close spellings of the query's words."""
        return not self.exact and not self.title_exact

    @property
    def score(self) -> float:
        """The article's rank score: its best passage plus its weighted title."""
        return self.best + TITLE_WEIGHT * self.title_score


class _Hits:
    """The scored hits of one search, by document number (for building passages)."""

    def __init__(self) -> None:
        self._where: dict[int, tuple[Any, int, bool]] = {}  # docnum -> results, rank, variant

    def add(self, results: Any, variant: bool) -> dict[int, float]:
        """Remember the hits of `results`; returns their scores by document number."""
        scores: dict[int, float] = {}
        for rank, (score, docnum) in enumerate(results.top_n):
            self._where[docnum] = (results, rank, variant)
            scores[docnum] = float(score or 0.0)
        return scores

    def hit(self, docnum: int) -> tuple[Any, bool]:
        """Whoosh's hit for this document and whether it matched only through variants."""
        results, rank, variant = self._where[docnum]
        return results[rank], variant


class ArticleRanking:
    """Runs a query over one searcher and ranks the matching articles.

    `starts` are the bookkeeping documents' numbers in increasing order. The query is
    run as is and, when `widened` is given (the query with variant spellings), again for
    what only the variants match."""

    def __init__(self, searcher: Any, starts: Sequence[int]) -> None:
        self.searcher = searcher
        self.starts = list(starts)
        self.bookkeeping = set(self.starts)
        self.hits = _Hits()
        self.articles: dict[int, _Evidence] = {}
        self.metadata_only = False

    def article_of(self, docnum: int) -> int:
        """The bookkeeping document of the article this paragraph belongs to."""
        position = bisect_right(self.starts, docnum) - 1
        if position < 0:
            raise IndexDamaged("the search index has a paragraph before any article")
        return self.starts[position]

    def run(self, query: Query, widened: Query | None) -> list[_Evidence]:
        """Collect the evidence and return the matching articles, best first."""
        if names_text(query):
            self._passages(query, variant=False)
            self._titles(in_title(query), variant=False)
            if widened is not None:
                self._passages(widened, variant=True)
                self._titles(in_title(widened), variant=True)
            self._drop_headlines()
        else:
            self.metadata_only = True
            self._titles(query, variant=False)
            if widened is not None:
                self._titles(widened, variant=True)
        found = [
            a for a in self.articles.values() if a.passages or a.title_exact or a.title_variant
        ]
        return sorted(found, key=lambda a: (a.only_variant, -a.score, -len(a.passages), a.start))

    def _evidence(self, start: int) -> _Evidence:
        article = self.articles.get(start)
        if article is None:
            article = self.articles[start] = _Evidence(start)
        return article

    def _passages(self, query: Query, variant: bool) -> None:
        """Every paragraph the query matches (not one already found), grouped by article."""
        already = {d for a in self.articles.values() for d in a.passages}
        facet = FunctionFacet(lambda _searcher, docnum: self.article_of(docnum))
        results = self.searcher.search(
            query,
            limit=None,
            mask=self.bookkeeping | already,
            groupedby={_GROUP: facet},
            terms=True,
        )
        scores = self.hits.add(results, variant)
        for start, docnums in results.groups(_GROUP).items():
            article = self._evidence(start)
            (article.variant if variant else article.exact).extend(docnums)
            if not article.best:
                article.best = scores[docnums[0]]

    def _titles(self, query: Query, variant: bool) -> None:
        """The articles whose title and metadata match, by their bookkeeping document."""
        already = {a.start for a in self.articles.values() if a.title_exact or a.title_variant}
        results = self.searcher.search(query, limit=None, filter=self.bookkeeping - already)
        for score, start in results.top_n:
            article = self._evidence(start)
            article.title_score = float(score or 0.0)
            if variant:
                article.title_variant = True
            else:
                article.title_exact = True

    def _drop_headlines(self) -> None:
        """Remove each title-matching article's headline from its passages.

        Only an article whose title matched can have its headline among its passages (the
        headline says the title's words). The candidates are its passages as long as the
        title in the index's words; the stored text of each settles it."""
        reader = self.searcher.reader()
        analyzer = self.searcher.schema[BODY_FIELD].analyzer
        for article in self.articles.values():
            if not (article.title_exact or article.title_variant) or not article.passages:
                continue
            length = reader.doc_field_length(article.start, TITLE_FIELD)
            for docnum in article.passages:
                if reader.doc_field_length(docnum, BODY_FIELD) != length:
                    continue
                fields = self.searcher.stored_fields(docnum)
                if _words(analyzer, fields.get("body", "")) == _words(
                    analyzer, fields.get("title", "")
                ):
                    self._remove(article, docnum)
                    article.headline = fields.get("para")
                    break

    def _remove(self, article: _Evidence, docnum: int) -> None:
        for docnums in (article.exact, article.variant):
            if docnum in docnums:
                docnums.remove(docnum)
        best = article.passages[:1]
        article.best = self._score(best[0]) if best else 0.0

    def _score(self, docnum: int) -> float:
        hit, _ = self.hits.hit(docnum)
        return float(hit.score or 0.0)

    def describe(
        self,
        article: _Evidence,
        make_hit: MakeHit,
        terms: set[str],
        variant_terms: set[str],
        title_terms: Collection[str],
        passages: int = PASSAGES_PER_ARTICLE,
    ) -> ArticleHit:
        """The article as shown: its id, title, score and best `passages` passages."""
        stored = self.searcher.stored_fields(article.start)
        doc_id = stored["doc_id"]
        title = stored.get("title", doc_id)
        shown: list[SearchHit] = []
        for docnum in article.passages[:passages]:
            hit, variant = self.hits.hit(docnum)
            if hit["doc_id"] != doc_id:
                raise IndexDamaged(
                    "the search index's paragraphs are out of order (a paragraph of "
                    f"{hit['doc_id']} lies among those of {doc_id})"
                )
            shown.append(make_hit(hit, variant_terms if variant else terms, variant))
        matched = article.title_exact or article.title_variant
        return ArticleHit(
            doc_id=doc_id,
            title=title,
            score=article.score,
            metadata_match=matched,
            paragraph=shown[0].paragraph if shown else article.headline,
            title_spans=token_spans(title, set(title_terms)) if matched else [],
            variant=article.only_variant,
            matching_paragraphs=len(article.passages),
            passages=shown,
        )


def _words(analyzer: Any, text: str) -> list[str]:
    """The words of `text` as the index analyses them (case, quotes and stems aside)."""
    return [token.text for token in analyzer(text)]
