"""The Whoosh search index: one document per paragraph, carrying its article's fields.

Derived and disposable: it lives in `indexes/search/`, is updated incrementally by article
checksum, and is rebuilt (with a message, never a crash) when missing, built with another
schema version, or corrupt, also when the damage is met in the middle of a search
(`storage.py` owns the files, the writers' lock and the read-only case). Furniture
paragraphs are not indexed, so page furniture never ranks. Query syntax is Whoosh's:
phrases, AND/OR/NOT, wildcards, `title:`, `author:`, `source:`, `date:` (years or ranges
such as `date:[2018 to 2019]`) and `entity:"Name"`.

Two ways to search: `search` gives the flat list of matching paragraphs, `search_articles`
the matching articles, each with its best passages (`by_article.py`). Totals never count the
per-article bookkeeping documents.

Spelling is forgiven in the analyzer (accents, apostrophes, compounds, Porter2 stems:
analysis.py) and, unless `exact`, by variants of names and a "did you mean" learned from the
corpus (variants.py, spelling.py), whose tables are written beside the index with each
commit so a search never reads the whole lexicon. Wildcards, ranges and phrases are bounded
(query_syntax.py): a pathological query gets a QueryError, never a hang.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from whoosh.fields import Schema
from whoosh.qparser import QueryParser
from whoosh.qparser.dateparse import DateParserPlugin
from whoosh.query import And, MultiTerm, Not, Or, Query, Term

from tuireader.core.corpus import Article, clean_for_display
from tuireader.core.search.by_article import (
    PASSAGES_PER_ARTICLE,
    TITLE_FIELD,
    ArticleRanking,
    in_title,
)
from tuireader.core.search.documents import (
    SCHEMA_VERSION,
    TEXT_FIELDS,
    article_documents,
    build_schema,
    index_fingerprint,
)
from tuireader.core.search.query_syntax import (
    MAX_EXPANDED_TERMS,
    QueryError,
    check_query_syntax,
    expansion_error,
    only_negative_error,
    rewrite_entity_terms,
)
from tuireader.core.search.results import (
    ArticleHit,
    ArticleResults,
    IndexReport,
    SearchHit,
    SearchResults,
)
from tuireader.core.search.segments import SegmentTerms
from tuireader.core.search.snippets import make_snippet, token_spans
from tuireader.core.search.spelling import did_you_mean
from tuireader.core.search.storage import (
    READ_ERRORS,
    UNUSABLE,
    IndexDamaged,
    IndexFolder,
    ReadOnlyFolder,
    SearchIndexError,
    build_in_memory,
    toc_generation,
)
from tuireader.core.search.variants import SpellingTables, expand_with_variants
from tuireader.core.text import plural

__all__ = [
    "ArticleHit",
    "ArticleResults",
    "IndexReport",
    "QueryError",
    "SearchHit",
    "SearchIndex",
    "SearchIndexError",
    "SearchResults",
]

ProgressCallback = Callable[[int, int, str], None]
EntitySpellings = Callable[[str], list[str]]
ArticleSource = Callable[[], Mapping[str, "Article"]]
T = TypeVar("T")


@dataclass(frozen=True)
class _Changes:
    """What an update is given: every article (`gone` None), or the articles that may have
    changed with the ids of those that are gone."""

    articles: Mapping[str, Article]
    gone: frozenset[str] | None


class SearchIndex:
    """A Whoosh index in one folder, kept in step with a set of articles.

    It repairs itself: a read error while opening or searching is checked again under the
    writers' lock (another process may be committing) and, when the files really are
    damaged, the index is rebuilt from the articles with a message in the results
    (`storage.py` holds the rules). The articles come from `articles` when given, else from
    the last `update` or `is_current` call; without either, the damaged index is forgotten
    (the next update rebuilds it) and SearchIndexError says so.
    """

    def __init__(
        self,
        folder: Path,
        entity_spellings: EntitySpellings | None = None,
        articles: ArticleSource | None = None,
    ) -> None:
        self.folder = folder
        self.entity_spellings = entity_spellings
        self.articles = articles
        self._files = IndexFolder(folder, SCHEMA_VERSION)
        self._known_articles: Mapping[str, Article] | None = None
        self._index: Any = None  # read-only handle on the folder's index
        self._memory: Any = None  # the in-memory index of a read-only workspace, if built
        self._searcher: Any = None
        self._searcher_state: tuple[int, int, int] | None = None
        self._spelling: SpellingTables | None = None
        self._bookkeeping_docs: set[int] | None = None
        self._lock = threading.RLock()  # one searcher shared by the app's worker threads

    # ----------------------------------------------------------------------------- opening
    def _open(self) -> Any:
        """The index to read: the in-memory one if built, else the folder's (cached).
        Raises IndexDamaged or one of READ_ERRORS when the folder's index is unusable."""
        if self._memory is not None:
            return self._memory
        if self._index is None:
            self._index = self._files.open_for_reading()
        return self._index

    def close(self) -> None:
        """Release the searcher and index handles (an in-memory index is kept)."""
        with self._lock:
            self._refresh_searcher()

    def _article_source(self) -> Mapping[str, Article] | None:
        if self.articles is not None:
            return self.articles()
        return self._known_articles

    def _reading(self, action: Callable[[], T], messages: list[str]) -> T:
        """Run `action` (a read of the index); on a read error look again under the
        writers' lock, then repair the index (messages say so) and run it once more."""
        with self._lock:
            try:
                return action()
            except UNUSABLE:
                pass  # maybe a commit or a rebuild in another process: look again
            self.close()
            try:
                with self._files.write_lock():
                    try:
                        return action()
                    except UNUSABLE as error:
                        self._repair(error, messages)
            except ReadOnlyFolder:
                try:
                    return action()
                except UNUSABLE as error:
                    self._repair_in_memory(error, messages)
            return action()

    def _damage_reason(self, error: BaseException) -> str:
        """What is wrong with the index. Re-raises `error` when every file still matches
        the record of the last commit: the error then has another cause than damage, and a
        rebuild would not help."""
        if isinstance(error, IndexDamaged):
            return self._files.damage_reason(error)
        try:
            intact = self._files.verify(deep=True)
        except IndexDamaged as damage:
            return self._files.damage_reason(damage if str(damage) else error)
        if intact:
            raise error
        return self._files.damage_reason(error)

    def _repair(self, error: BaseException, messages: list[str]) -> None:
        """Rebuild the damaged index from the articles (the writers' lock is held)."""
        reason = self._damage_reason(error)
        articles = self._article_source()
        if articles is None:
            self._files.forget()
            raise SearchIndexError(f"{reason}; run `tuireader index` to rebuild it") from error
        messages.append(f"{reason}; rebuilding it from the articles")
        self._rebuild(articles, IndexReport(added=list(articles), rebuilt=True), None)

    def _repair_in_memory(self, error: BaseException, messages: list[str]) -> None:
        """A read-only workspace with a damaged or missing index: build one in memory."""
        if self._memory is not None:
            raise error  # the in-memory index itself failed: not damage on disk
        reason = self._damage_reason(error)
        articles = self._article_source()
        if articles is None:
            raise SearchIndexError(f"{reason}, and the workspace is read-only") from error
        self._build_in_memory(articles)
        messages.append(self._in_memory_message(reason))

    def _in_memory_message(self, reason: str) -> str:
        return (
            f"{reason}; searching an index built in memory for this session "
            f"({self.folder} cannot be written: the workspace is read-only)"
        )

    # ----------------------------------------------------------------------------- updating
    def generation(self) -> int | None:
        """The index's commit generation (changes with every update), None if unusable."""
        with self._lock:
            if self._memory is not None:
                return None
            try:
                self._open()
            except UNUSABLE:
                return None
            generation = toc_generation(self.folder)
            return generation if generation >= 0 else None

    def stored_checksums(self) -> dict[str, str]:
        """Article id → fingerprint (text checksum + metadata) of what is indexed."""
        return self._reading(lambda: self._read_checksums(self._open()), [])

    @staticmethod
    def _read_checksums(index: Any) -> dict[str, str]:
        with index.searcher() as searcher:
            return {
                fields["doc_id"]: fields["checksum"]
                for fields in searcher.documents(kind="article")
            }

    def is_current(self, articles: Mapping[str, Article]) -> bool:
        """Whether the index holds exactly these articles' current texts (which a repair
        after damage is then built from)."""
        with self._lock:
            self._known_articles = articles
            try:
                stored = self._read_checksums(self._open())
            except UNUSABLE:
                return False
            return stored == {a.id: index_fingerprint(a) for a in articles.values()}

    def update(
        self,
        articles: Mapping[str, Article],
        rebuild: bool = False,
        progress: ProgressCallback | None = None,
    ) -> IndexReport:
        """Index added and changed articles, drop removed ones; rebuild when asked, when the
        index is missing, from another version or damaged (every file is checked).

        In a read-only workspace nothing is written: the index is searched as it was last
        built, or built in memory when it is missing or damaged (a message says which).
        SearchIndexError when writing fails (disk full) or another writer holds the lock too
        long; the previous index is then kept."""
        return self._update(_Changes(articles, None), rebuild, progress)

    def update_changed(
        self,
        articles: Mapping[str, Article],
        gone: Collection[str],
        progress: ProgressCallback | None = None,
    ) -> IndexReport:
        """`update` for the articles known to have changed: index these where their
        fingerprint differs from the indexed one, drop the `gone` ids, and leave every other
        article as indexed, so that one edit costs one article, not the corpus (the report's
        `unchanged` counts the given articles found unchanged). The index's files are
        checked by size and time (`update` digests every one). An index that is missing,
        from another version or damaged is rebuilt from every article (the `articles`
        source given to the constructor; without it, SearchIndexError)."""
        return self._update(_Changes(articles, frozenset(gone)), False, progress)

    def _update(
        self, changes: _Changes, rebuild: bool, progress: ProgressCallback | None
    ) -> IndexReport:
        """What `update` and `update_changed` share: the lock, the read-only case, the
        errors of writing."""
        started = time.perf_counter()
        report = IndexReport()
        with self._lock:
            if changes.gone is None:
                self._known_articles = changes.articles
            self.close()
            try:
                with self._files.write_lock():
                    self._files.remove_leftovers()
                    self._memory = None
                    self._update_locked(changes, rebuild, report, progress)
            except ReadOnlyFolder:
                self._update_read_only(changes, report, progress)
            except OSError as error:  # disk full, I/O error: the old index is untouched
                raise SearchIndexError(self._files.write_failed_message(error)) from error
            finally:
                self._refresh_searcher()
        report.seconds = time.perf_counter() - started
        return report

    def _update_locked(
        self,
        changes: _Changes,
        rebuild: bool,
        report: IndexReport,
        progress: ProgressCallback | None,
    ) -> None:
        stored: dict[str, str] | None = None
        if rebuild:
            report.messages.append("rebuilding the search index")
        else:
            try:
                # Every file digested when every article is looked at anyway; by size and
                # time when only changed ones are (opening checks no more than that).
                if not self._files.verify(deep=changes.gone is None):
                    raise IndexDamaged(
                        f"the search index in {self.folder} has no record of its files "
                        "(an older tuireader or an interrupted update)"
                    )
                stored = self._stored(self._files.open_for_reading(), changes)
            except UNUSABLE as error:
                if not isinstance(error, IndexDamaged) or str(error):  # absent: no message
                    report.messages.append(f"{self._files.damage_reason(error)}; rebuilding it")
        if stored is None:
            articles = self._every_article(changes)
            report.added = list(articles)
            report.rebuilt = True
            self._rebuild(articles, report, progress)
            return
        self._classify(changes, stored, report)
        if report.touched:
            self._write(self._files.open_for_writing(), changes.articles, report, progress)
            self._files.write_record()

    def _every_article(self, changes: _Changes) -> Mapping[str, Article]:
        """Every article, for a (re)build: the changes when they are all of them, else the
        article source."""
        if changes.gone is None:
            return changes.articles
        articles = self._article_source()
        if articles is None:
            raise SearchIndexError(
                f"the search index in {self.folder} must be rebuilt; run `tuireader index`"
            )
        self._known_articles = articles
        return articles

    @staticmethod
    def _stored(index: Any, changes: _Changes) -> dict[str, str]:
        """The indexed fingerprints `changes` are compared with, by article id: of every
        article, or of the changed and gone ones only."""
        if changes.gone is None:
            return SearchIndex._read_checksums(index)
        checksums = {}
        with index.searcher() as searcher:
            for article_id in [*changes.articles, *changes.gone]:
                fields = searcher.document(uid=f"{article_id}#article")
                if fields is not None:
                    checksums[article_id] = fields["checksum"]
        return checksums

    @staticmethod
    def _classify(changes: _Changes, stored: Mapping[str, str], report: IndexReport) -> None:
        """Sort the articles into added, changed and unchanged, and the ids to drop."""
        for article_id, article in changes.articles.items():
            if article_id not in stored:
                report.added.append(article_id)
            elif stored[article_id] != index_fingerprint(article):
                report.changed.append(article_id)
            else:
                report.unchanged += 1
        if changes.gone is None:
            report.removed = sorted(set(stored) - set(changes.articles))
        else:
            report.removed = sorted(set(stored) & changes.gone)

    def _rebuild(
        self,
        articles: Mapping[str, Article],
        report: IndexReport,
        progress: ProgressCallback | None,
    ) -> None:
        """A fresh index of every article, swapped in whole (the writers' lock is held)."""
        try:
            self._files.rebuild(
                build_schema(), lambda index: self._write(index, articles, report, progress)
            )
        except OSError as error:
            raise SearchIndexError(self._files.write_failed_message(error)) from error
        self.close()

    def _update_read_only(
        self,
        changes: _Changes,
        report: IndexReport,
        progress: ProgressCallback | None,
    ) -> None:
        """Search the index as last built; build one in memory if it is missing or damaged."""
        if self._memory is not None:
            self._memory = None
        try:
            stored = self._stored(self._open(), changes)
        except UNUSABLE as error:
            self._build_in_memory(self._every_article(changes), progress)
            report.rebuilt = True
            report.messages.append(self._in_memory_message(self._files.damage_reason(error)))
            return
        found = IndexReport()
        self._classify(changes, stored, found)
        report.unchanged = found.unchanged
        if found.touched:
            report.messages.append(
                f"{self.folder} cannot be written (the workspace is read-only): searching the "
                f"index as it was last built ({plural(found.touched, 'article')} added, "
                "changed or removed since are not in it)"
            )

    def _build_in_memory(
        self, articles: Mapping[str, Article], progress: ProgressCallback | None = None
    ) -> None:
        report = IndexReport(added=list(articles), rebuilt=True)
        self.close()
        self._memory = build_in_memory(
            build_schema(), lambda index: self._write(index, articles, report, progress)
        )

    def _write(
        self,
        index: Any,
        articles: Mapping[str, Article],
        report: IndexReport,
        progress: ProgressCallback | None,
    ) -> None:
        to_index = report.added + report.changed
        total = len(to_index)
        before = SegmentTerms.of_index(index)
        # An article's documents are added together, its bookkeeping document first:
        # by_article.py finds a paragraph's article by that order.
        # A big batch is faster with a larger buffer. Our lock is held, so Whoosh's own
        # lock is only contended by a writer that is not tuireader.
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
            if report.rebuilt:
                writer.commit(optimize=True)
            else:
                # Whoosh's own policy (small segments merged), noting what it merges.
                writer.commit(mergetype=before.merge_policy())
        except BaseException:
            with contextlib.suppress(Exception):
                writer.cancel()
            raise
        self._save_spelling(index, None if report.rebuilt else before)

    @staticmethod
    def _save_spelling(index: Any, before: SegmentTerms | None = None) -> None:
        """Store the spelling tables beside the index just committed: the last commit's
        tables updated for the terms whose counts the commit may have changed (`before`
        says which segments there were), or computed from the whole index when there are
        none to update (a rebuild, or tables from another generation). An index in memory
        has none on disk: they are computed when first searched."""
        folder = getattr(index.storage, "folder", None)
        if not folder:  # Whoosh's RamStorage has folder "": Path("") would be the cwd
            return
        generation = toc_generation(Path(folder))
        previous = None
        if before is not None:
            previous = SpellingTables.load(Path(folder), before.generation, complete=True)
        with index.reader() as reader:
            terms = None if before is None else before.changed_terms(reader)
            if previous is None or terms is None:
                tables = SpellingTables.build(reader, generation)
            else:
                tables = previous.updated(reader, terms, generation)
        tables.save(Path(folder))

    def _refresh_searcher(self) -> None:
        """Drop the searcher and the handles cached with it; the next read opens afresh."""
        # Not Searcher.refresh(): its reader reuse keeps serving documents deleted in a
        # reused segment. A fresh searcher is cheap and always right. Closing a searcher
        # over damaged or vanished files may itself fail: it is being dropped anyway.
        if self._searcher is not None:
            with contextlib.suppress(*READ_ERRORS):
                self._searcher.close()
            self._searcher = None
        self._searcher_state = None
        self._index = None
        self._spelling = None
        self._bookkeeping_docs = None

    # ----------------------------------------------------------------------------- searching
    def parse(self, query: str) -> Query:
        """Parse a query string; QueryError with a readable message when it is malformed
        (too long, too many words, unbalanced, unknown fields: see query_syntax)."""
        check_query_syntax(query)
        rewritten = rewrite_entity_terms(query, self.entity_spellings)
        parser = QueryParser("body", _query_schema())
        parser.add_plugin(DateParserPlugin(free=False))
        try:
            parsed = parser.parse(rewritten)
        except Exception as error:  # the parser's own errors are not user-friendly
            raise QueryError(f"cannot understand the query: {error}") from error
        errors = [node for node in parsed.leaves() if type(node).__name__ == "ErrorQuery"]
        if errors:
            raise QueryError("cannot understand part of the query (check dates and ranges)")
        if _only_negative(parsed):
            raise only_negative_error()
        return parsed

    def _get_searcher(self) -> Any:
        """The shared searcher, reopened when the folder's index changed on disk since it
        was opened (another process updated, rebuilt or deleted it)."""
        state = None if self._memory is not None else self._files.state()
        if self._searcher is not None and state != self._searcher_state:
            self._refresh_searcher()
        if self._searcher is None:
            self._searcher = self._open().searcher()
            self._searcher_state = state
        return self._searcher

    def _tables(self, searcher: Any) -> SpellingTables:
        """The spelling tables of the index searched: read from the folder (written with
        the index), else computed from the index (in memory, or written by an older
        tuireader) and kept for this searcher."""
        if self._spelling is None:
            tables = None
            if self._memory is None:
                generation = self._searcher_state[0] if self._searcher_state else -1
                tables = SpellingTables.load(self.folder, generation)
            self._spelling = tables or SpellingTables.build(searcher.reader(), -1)
        return self._spelling

    def _check_expansion(self, parsed: Query, messages: list[str]) -> None:
        """QueryError when the query's wildcards and ranges over words expand to more than
        MAX_EXPANDED_TERMS index terms (counted lazily, so the check stops there)."""

        def count() -> tuple[str, int] | None:
            reader = self._get_searcher().reader()
            total = 0
            for leaf in parsed.leaves():
                if not isinstance(leaf, MultiTerm) or leaf.field() == "date":
                    continue
                left = MAX_EXPANDED_TERMS + 1 - total
                total += sum(1 for _ in itertools.islice(leaf._btexts(reader), left))
                if total > MAX_EXPANDED_TERMS:
                    return str(leaf), total
            return None

        # Counted inside `_reading` (a read of the index) but raised outside it: QueryError
        # is a ValueError, which `_reading` would take for damage.
        if not any(isinstance(leaf, MultiTerm) for leaf in parsed.leaves()):
            return
        too_many = self._reading(count, messages)
        if too_many:
            raise expansion_error(*too_many)

    @staticmethod
    def _in_corpus(searcher: Any) -> Callable[[str, str], bool]:
        """Whether the index holds a term in a field (a term it lacks gets the names its
        spelling relates to as variants)."""
        reader = searcher.reader()
        return lambda fieldname, term: bool(reader.doc_frequency(fieldname, term))

    def search(self, query: str, limit: int = 10, exact: bool = False) -> SearchResults:
        """Ranked paragraph hits; close spellings of query terms match too unless `exact`.
        A repair made on the way is reported in the results' `messages`."""
        parsed = self.parse(query)
        messages: list[str] = []
        self._check_expansion(parsed, messages)
        results = self._reading(lambda: self._search(query, parsed, limit, exact), messages)
        results.messages = messages
        return results

    def _search(self, query: str, parsed: Query, limit: int, exact: bool) -> SearchResults:
        searcher = self._get_searcher()
        # Masking the few bookkeeping documents is far cheaper than filtering to the
        # many paragraph documents (which builds a set of every paragraph per search).
        not_paragraphs = self._article_docnums(searcher)
        results = searcher.search(parsed, limit=limit, mask=not_paragraphs, terms=True)
        termset = self._query_terms(parsed, searcher)
        hits = [self._hit(hit, termset, variant=False) for hit in results]
        total = self._count_paragraphs(searcher, parsed, not_paragraphs)
        variants: dict[str, list[str]] = {}
        suggestions: list[str] = []
        if not exact:
            tables = self._tables(searcher)
            expanded, variants = expand_with_variants(
                parsed, tables, TEXT_FIELDS, self._in_corpus(searcher)
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
            suggestions = did_you_mean(query, parsed, searcher, tables, total)
        return SearchResults(query, total, hits[:limit], exact, variants, suggestions=suggestions)

    @staticmethod
    def _count_paragraphs(searcher: Any, parsed: Query, masked: set[int]) -> int:
        """The exact number of paragraphs matched. Not len(results): with a limit Whoosh
        counts the query again without the mask, and with terms=True its count includes
        masked documents (title:puff counted 25 where 24 paragraphs match)."""
        return sum(1 for docnum in searcher.docs_for_query(parsed) if docnum not in masked)

    def search_articles(
        self,
        query: str,
        limit: int = 10,
        exact: bool = False,
        passages: int = PASSAGES_PER_ARTICLE,
    ) -> ArticleResults:
        """The `limit` best matching articles, each with its best `passages` paragraphs and
        its count of matching paragraphs (the rules are in by_article.py); close spellings
        of query terms match too unless `exact`. A repair made on the way is reported in
        the results' `messages`."""
        parsed = self.parse(query)
        messages: list[str] = []
        self._check_expansion(parsed, messages)
        results = self._reading(
            lambda: self._search_articles(query, parsed, limit, exact, passages), messages
        )
        results.messages = messages
        return results

    def _search_articles(
        self, query: str, parsed: Query, limit: int, exact: bool, passages: int
    ) -> ArticleResults:
        searcher = self._get_searcher()
        widened: Query = parsed
        variants: dict[str, list[str]] = {}
        if not exact:
            widened, variants = expand_with_variants(
                parsed, self._tables(searcher), TEXT_FIELDS, self._in_corpus(searcher)
            )
        ranking = ArticleRanking(searcher, sorted(self._article_docnums(searcher)))
        ranked = ranking.run(parsed, widened if variants else None)
        terms = self._query_terms(parsed, searcher)
        variant_terms = terms | self._query_terms(widened, searcher) if variants else terms
        title_terms = self._query_terms(in_title(widened), searcher, (TITLE_FIELD,))
        suggestions: list[str] = []
        if not exact:
            passages_found = sum(len(article.passages) for article in ranked)
            suggestions = did_you_mean(
                query, parsed, searcher, self._tables(searcher), passages_found or len(ranked)
            )
        return ArticleResults(
            query=query,
            total_articles=len(ranked),
            total_passages=sum(len(article.passages) for article in ranked),
            articles=[
                ranking.describe(article, self._hit, terms, variant_terms, title_terms, passages)
                for article in ranked[:limit]
            ],
            exact=exact,
            metadata_only=ranking.metadata_only,
            variants=variants,
            suggestions=suggestions,
        )

    def _article_docnums(self, searcher: Any) -> set[int]:
        """Document numbers of the per-article bookkeeping documents (cached per searcher)."""
        if self._bookkeeping_docs is None:
            self._bookkeeping_docs = set(searcher.docs_for_query(Term("kind", "article")))
        return self._bookkeeping_docs

    @staticmethod
    def _query_terms(
        parsed: Query, searcher: Any, fields: tuple[str, ...] = TEXT_FIELDS
    ) -> set[str]:
        """Terms (stemmed) the query seeks in `fields`, wildcards expanded against the
        index."""
        terms = parsed.existing_terms(searcher.reader(), expand=True)
        return {text.decode() for name, text in terms if name in fields}

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
        self._check_expansion(parsed, [])

        def terms() -> set[str]:
            searcher = self._get_searcher()
            termset = self._query_terms(parsed, searcher)
            if not exact:
                expanded, _ = expand_with_variants(
                    parsed, self._tables(searcher), TEXT_FIELDS, self._in_corpus(searcher)
                )
                termset |= self._query_terms(expanded, searcher)
            return termset

        return token_spans(text, self._reading(terms, []))


def _only_negative(query: Query) -> bool:
    """Whether the query only excludes (NOT a, or an AND/OR of such parts)."""
    if isinstance(query, Not):
        return True
    if isinstance(query, And | Or) and query.subqueries:
        return all(_only_negative(sub) for sub in query.subqueries)
    return False


@functools.cache
def _query_schema() -> Schema:
    """The schema queries are parsed with, built once: SCHEMA_VERSION fixes it (an index
    built otherwise is rebuilt), so parsing never reads the index."""
    return build_schema()
