"""The Whoosh search index: one document per paragraph, carrying its article's fields.

Derived and disposable: it lives in `indexes/search/`, is updated incrementally by article
checksum, and is rebuilt (with a message, never a crash) when missing, built with another
schema version, or corrupt. Furniture paragraphs are not indexed, so page furniture never
ranks. Query syntax is Whoosh's: phrases, AND/OR/NOT, wildcards, `title:`, `author:`,
`source:`, `date:` (years or ranges such as `date:[2018 to 2019]`) and `entity:"Name"`.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema
from whoosh.qparser import QueryParser
from whoosh.qparser.dateparse import DateParserPlugin
from whoosh.query import Query, Term

from tuireader.core.corpus import Article, clean_for_display
from tuireader.core.search.query_syntax import QueryError, check_query_syntax, rewrite_entity_terms
from tuireader.core.search.snippets import make_snippet, token_spans
from tuireader.core.search.variants import VariantFinder, expand_with_variants

__all__ = ["IndexReport", "QueryError", "SearchHit", "SearchIndex", "SearchResults"]

# Bump when the schema or the analysis changes: an index with another version is rebuilt.
SCHEMA_VERSION = 2
TEXT_FIELDS = ("body", "title")
ProgressCallback = Callable[[int, int, str], None]
EntitySpellings = Callable[[str], list[str]]


def build_schema() -> Schema:
    """The index schema: paragraph documents plus one bookkeeping document per article."""
    stemming = StemmingAnalyzer()
    return Schema(
        uid=ID(unique=True, stored=True),  # "<doc_id>#<paragraph>" or "<doc_id>#article"
        doc_id=ID(stored=True),
        kind=ID(stored=True),  # "para" (searchable) or "article" (checksum bookkeeping)
        para=NUMERIC(stored=True),
        title=TEXT(analyzer=stemming, stored=True),
        author=TEXT(analyzer=StandardAnalyzer(stoplist=None)),
        source=TEXT(analyzer=StandardAnalyzer(stoplist=None)),
        date=DATETIME(),
        body=TEXT(analyzer=stemming, stored=True),
        checksum=STORED(),
    )


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

    def to_dict(self) -> dict[str, Any]:
        """The results as plain data (the `search --json` shape)."""
        return {
            "query": self.query,
            "total": self.total,
            "exact": self.exact,
            "variants": self.variants,
            "hits": [hit.to_dict() for hit in self.hits],
        }


def issued_datetime(issued: str | None) -> datetime | None:
    """The issued date (YYYY, YYYY-MM or YYYY-MM-DD) as a datetime, for date: queries."""
    if not issued:
        return None
    for pattern in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return datetime.strptime(issued.strip(), pattern)
        except ValueError:
            continue
    return None


def index_fingerprint(article: Article) -> str:
    """What the indexed documents depend on: the text, the metadata and which paragraphs are
    furniture. A catalog edit changes it as much as a text edit."""
    parts = [article.checksum, json.dumps(article.meta.to_dict(), sort_keys=True)]
    parts += [str(p.number) for p in article.paragraphs if p.furniture]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def article_documents(article: Article) -> Iterable[dict[str, Any]]:
    """The Whoosh documents for one article: its bookkeeping doc and its body paragraphs."""
    meta = article.meta
    shared: dict[str, Any] = {"doc_id": article.id, "title": article.title}
    if meta.authors:
        shared["author"] = " ; ".join(meta.authors)
    if meta.container:
        shared["source"] = meta.container
    issued = issued_datetime(meta.issued)
    if issued is not None:
        shared["date"] = issued
    yield {
        **shared,
        "uid": f"{article.id}#article",
        "kind": "article",
        "checksum": index_fingerprint(article),
    }
    for paragraph in article.body_paragraphs:
        yield {
            **shared,
            "uid": f"{article.id}#{paragraph.number}",
            "kind": "para",
            "para": paragraph.number,
            "body": paragraph.text,
        }


class SearchIndex:
    """A Whoosh index in one folder, kept in step with a set of articles."""

    def __init__(self, folder: Path, entity_spellings: EntitySpellings | None = None) -> None:
        self.folder = folder
        self.entity_spellings = entity_spellings
        self._index: Any = None
        self._searcher: Any = None
        self._variants: VariantFinder | None = None
        self._bookkeeping_docs: set[int] | None = None
        self._lock = threading.RLock()  # one searcher shared by the app's worker threads

    # ----------------------------------------------------------------------------- opening
    def _meta_path(self) -> Path:
        return self.folder / "tuireader-index.json"

    def _open(self, messages: list[str]) -> Any:
        """Open the index, or create it fresh when missing, stale or corrupt."""
        if self._index is not None:
            return self._index
        problem = self._problem()
        if problem is None:
            try:
                index = whoosh_index.open_dir(str(self.folder))
                index.doc_count()  # touches the segment files: corrupt ones fail here
                self._index = index
                return index
            except Exception as error:  # Whoosh raises many types for damaged files
                problem = f"the search index is damaged ({type(error).__name__}); rebuilding it"
        if problem:
            messages.append(problem)
        return self._create()

    def _problem(self) -> str | None:
        """Why the index on disk cannot be used as is ("" when simply absent)."""
        try:
            if not whoosh_index.exists_in(str(self.folder)):
                return ""
        except Exception as error:  # exists_in reads the TOC, which may itself be damaged
            return f"the search index is damaged ({type(error).__name__}); rebuilding it"
        try:
            version = json.loads(self._meta_path().read_text(encoding="utf-8"))["schema_version"]
        except (OSError, ValueError, KeyError, TypeError):
            return "the search index has no version record; rebuilding it"
        if version != SCHEMA_VERSION:
            return "the search index was built by another version of tuireader; rebuilding it"
        return None

    def _create(self) -> Any:
        self.close()
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True)
        self._index = whoosh_index.create_in(str(self.folder), build_schema())
        self._meta_path().write_text(json.dumps({"schema_version": SCHEMA_VERSION}), "utf-8")
        return self._index

    def close(self) -> None:
        """Release the searcher and index handles."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = None
            self._index = None
            self._variants = None
            self._bookkeeping_docs = None

    # ----------------------------------------------------------------------------- updating
    def generation(self) -> int | None:
        """The index's commit generation (changes with every update), None if unusable."""
        if self._problem() is not None:
            return None
        try:
            return int(self._open([]).latest_generation())
        except Exception:
            return None

    def stored_checksums(self) -> dict[str, str]:
        """Article id → fingerprint (text checksum + metadata) of what is indexed."""
        index = self._open([])
        with index.searcher() as searcher:
            return {
                fields["doc_id"]: fields["checksum"]
                for fields in searcher.documents(kind="article")
            }

    def is_current(self, articles: Mapping[str, Article]) -> bool:
        """Whether the index holds exactly these articles' current texts."""
        if self._problem() is not None:
            return False
        try:
            stored = self.stored_checksums()
        except Exception:
            return False
        return stored == {a.id: index_fingerprint(a) for a in articles.values()}

    def update(
        self,
        articles: Mapping[str, Article],
        rebuild: bool = False,
        progress: ProgressCallback | None = None,
    ) -> IndexReport:
        """Index added and changed articles, drop removed ones; rebuild when asked or needed."""
        started = time.perf_counter()
        report = IndexReport()
        with self._lock:
            if rebuild:
                self._create()
                report.rebuilt = True
                report.messages.append("rebuilding the search index")
            index = self._open(report.messages)
            report.rebuilt = report.rebuilt or bool(report.messages)
            stored = {} if report.rebuilt else self.stored_checksums()
            for article_id, article in articles.items():
                if article_id not in stored:
                    report.added.append(article_id)
                elif stored[article_id] != index_fingerprint(article):
                    report.changed.append(article_id)
                else:
                    report.unchanged += 1
            report.removed = sorted(set(stored) - set(articles))
            if report.touched:
                self._write(index, articles, report, progress)
            self._refresh_searcher()
        report.seconds = time.perf_counter() - started
        return report

    def _write(
        self,
        index: Any,
        articles: Mapping[str, Article],
        report: IndexReport,
        progress: ProgressCallback | None,
    ) -> None:
        to_index = report.added + report.changed
        total = len(to_index)
        # A big batch is faster with a larger buffer; Whoosh waits for another writer's lock.
        writer = index.writer(timeout=30.0, limitmb=256 if total > 200 else 64)
        try:
            for article_id in report.changed + report.removed:
                writer.delete_by_term("doc_id", article_id)
            step = max(1, total // 100)
            for done, article_id in enumerate(to_index, start=1):
                for document in article_documents(articles[article_id]):
                    writer.add_document(**document)
                if progress and (done % step == 0 or done == total):
                    progress(done, total, f"indexing {article_id}")
            if progress:
                progress(total, total, "saving the index")
            writer.commit(optimize=report.rebuilt)
        except BaseException:
            writer.cancel()
            raise

    def _refresh_searcher(self) -> None:
        # Not Searcher.refresh(): its reader reuse keeps serving documents deleted in a
        # reused segment. A fresh searcher is cheap and always right.
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._variants = None
        self._bookkeeping_docs = None

    # ----------------------------------------------------------------------------- searching
    def _parser(self, schema: Schema) -> QueryParser:
        parser = QueryParser("body", schema)
        parser.add_plugin(DateParserPlugin(free=False))
        return parser

    def parse(self, query: str) -> Query:
        """Parse a query string; QueryError with a readable message when it is malformed."""
        check_query_syntax(query)
        rewritten = rewrite_entity_terms(query, self.entity_spellings)
        with self._lock:  # a concurrent rebuild replaces the index folder
            schema = self._open([]).schema
        try:
            parsed = self._parser(schema).parse(rewritten)
        except Exception as error:  # the parser's own errors are not user-friendly
            raise QueryError(f"cannot understand the query: {error}") from error
        errors = [node for node in parsed.leaves() if type(node).__name__ == "ErrorQuery"]
        if errors:
            raise QueryError("cannot understand part of the query (check dates and ranges)")
        return parsed

    def _get_searcher(self) -> Any:
        if self._searcher is None:
            self._searcher = self._open([]).searcher()
        return self._searcher

    def _variant_finder(self, searcher: Any) -> VariantFinder:
        if self._variants is None:
            self._variants = VariantFinder(
                {name: [t.decode() for t in searcher.lexicon(name)] for name in TEXT_FIELDS}
            )
        return self._variants

    def search(self, query: str, limit: int = 10, exact: bool = False) -> SearchResults:
        """Ranked paragraph hits; close spellings of query terms match too unless `exact`."""
        parsed = self.parse(query)
        with self._lock:
            searcher = self._get_searcher()
            # Masking the few bookkeeping documents is far cheaper than filtering to the
            # many paragraph documents (which builds a set of every paragraph per search).
            not_paragraphs = self._article_docnums(searcher)
            results = searcher.search(parsed, limit=limit, mask=not_paragraphs, terms=True)
            termset = self._query_terms(parsed, searcher)
            hits = [self._hit(hit, termset, variant=False) for hit in results]
            total = len(results)
            variants: dict[str, list[str]] = {}
            if not exact:
                expanded, variants = expand_with_variants(
                    parsed, self._variant_finder(searcher), TEXT_FIELDS
                )
                if variants:
                    excluded = not_paragraphs | set(results.docs())
                    variant_results = searcher.search(
                        expanded, limit=max(limit - len(hits), 1), mask=excluded, terms=True
                    )
                    # len() of masked results can count masked documents: count them apart.
                    total += len(set(variant_results.docs()) - excluded)
                    termset |= self._query_terms(expanded, searcher)
                    hits += [self._hit(hit, termset, variant=True) for hit in variant_results]
            return SearchResults(query, total, hits[:limit], exact, variants)

    def _article_docnums(self, searcher: Any) -> set[int]:
        """Document numbers of the per-article bookkeeping documents (cached per searcher)."""
        if self._bookkeeping_docs is None:
            self._bookkeeping_docs = set(searcher.docs_for_query(Term("kind", "article")))
        return self._bookkeeping_docs

    def _query_terms(self, parsed: Query, searcher: Any) -> set[str]:
        """Body terms (stemmed) the query matches, wildcards expanded against the index."""
        terms = parsed.existing_terms(searcher.reader(), expand=True)
        return {text.decode() for name, text in terms if name in TEXT_FIELDS}

    def _hit(self, hit: Any, termset: set[str], variant: bool) -> SearchHit:
        body = clean_for_display(hit.get("body", ""))
        spans = token_spans(body, termset)
        snippet, snippet_spans = make_snippet(body, spans)
        matched = sorted(
            {text.decode() for name, text in hit.matched_terms() if name in TEXT_FIELDS}
        )
        return SearchHit(
            doc_id=hit["doc_id"],
            title=hit.get("title", hit["doc_id"]),
            paragraph=hit["para"],
            score=float(hit.score or 0.0),
            snippet=snippet,
            snippet_spans=snippet_spans,
            variant=variant,
            matched_terms=matched,
        )

    def match_spans(self, query: str, text: str, exact: bool = False) -> list[tuple[int, int]]:
        """Character spans of the words in `text` that the query matches (for highlighting
        hits in the reader), including close spellings unless `exact`."""
        parsed = self.parse(query)
        with self._lock:
            searcher = self._get_searcher()
            termset = self._query_terms(parsed, searcher)
            if not exact:
                expanded, _ = expand_with_variants(
                    parsed, self._variant_finder(searcher), TEXT_FIELDS
                )
                termset |= self._query_terms(expanded, searcher)
        return token_spans(text, termset)
