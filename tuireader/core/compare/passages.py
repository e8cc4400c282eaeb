"""The lexical model behind comparison: content terms, TF-IDF weights, passage search.

A *term* is a stemmed, lower-cased content word (stop words and numbers dropped). Paragraphs
become sparse TF-IDF vectors over terms; `PassageIndex` holds an in-memory inverted index of
those weights for a whole corpus so that "who else says this?" is one pass over the postings
of the query's terms. Plain Python: the stemmer is whoosh's Porter implementation (pure
Python, imported in a few milliseconds), cached per word because corpora repeat words.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from rapidfuzz.distance import Levenshtein
from whoosh.lang.porter import stem as _porter_stem

from tuireader.core.corpus import Article

TermVector = dict[str, float]
T = TypeVar("T", bound=Hashable)

# Letters with inner apostrophes ("China's", "don’t"); digits are left to figures.py. A
# short prefix joined by a hyphen stays on its word, so "re-education" meets "reeducation".
# Years count as terms too ("March 2019" in two texts is evidence); other numbers are
# left to figures.py.
_WORD = re.compile(
    r"(?:(?:re|co|ex|non|pre)-(?=[^\W\d_]))?[^\W\d_]+(?:['’][^\W\d_]+)*"
    r"|(?<![\d.,])(?:1[89]|20)\d\d(?![\d.,]\d)",
    re.I,
)
_POSSESSIVE = re.compile(r"['’]s$")


# Standard English function words plus reporting verbs that every news paragraph has:
# "said" matching "said" is not evidence that two paragraphs report the same thing.
def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text` as a set (for word lists in the source)."""
    return frozenset(text.split())


STOPWORDS = word_set(
    """
    a about above after again against all almost also although am among an and another any
    are aren't around as at be became because been before being below between both but by
    can cannot could did didn't do does doesn't doing don't down during each either else
    even ever every few for from further had has hasn't have haven't having he her here hers
    herself him himself his how however i if in into is isn't it it's its itself just least
    less let like made make many may me might more most much must my myself neither no nor
    not now of off often on once one only onto or other others otherwise our ours ourselves
    out over own per perhaps quite rather re s same say said says she should since so some
    such t than that the their theirs them themselves then there these they this those
    though through thus to too toward towards under until up upon us very via was wasn't we
    well were weren't what when where whether which while who whom whose why will with
    within without won't would yet you your yours yourself yourselves mr mrs ms told tell
    told according still already another us
    """
)

# Stems common in news whatever the story is about: found in at least 1.5% of the paragraphs
# of each of the five sections (business, entertainment, politics, sport, tech) of the BBC
# corpus, less names and dates (london, bbc, british, 2003) and the words of court reports
# (court, charg), which say what a story is about. Two paragraphs sharing "people",
# "time" or "claim" are not therefore about the same thing: such words weigh GENERAL_DAMPING
# of their IDF. `python benchmarks/bench_compare.py --general-words` prints the raw list.
GENERAL_WORDS = word_set(
    """
    year new time two last take first add come week go number set work world dai end three
    back next see month good want look expect follow wai long move part five peopl countri
    call hope start get third show four record open right lead help believ put run big turn
    top action continu includ think nation past give chang recent face high line second
    given littl better major far support place remain try deal report despit close home
    current ask claim took six need sign head live hand later earlier best involv intern hit
    interest problem found director import reach monei find came term mean becom receiv
    bring seen success full life group thought forc offer huge left
    """
)
GENERAL_DAMPING = 0.35

# Variant spellings (Uyghur/Uighur): same first letter, long enough, close enough.
_VARIANT_MIN_LENGTH = 5
_VARIANT_MIN_SIMILARITY = 0.8

_stem_cache: dict[str, str] = {}


def stem_word(word: str) -> str:
    """The Porter stem of a lower-cased word, possessive dropped (cached)."""
    cached = _stem_cache.get(word)
    if cached is None:
        bare = _POSSESSIVE.sub("", word.replace("’", "'")).replace("'", "").replace("-", "")
        cached = _porter_stem(bare) if len(bare) > 2 else bare
        # The cache is bounded by the vocabulary of the texts seen, which is what we want.
        _stem_cache[word] = cached
    return cached


def term_tokens(text: str) -> list[tuple[str, str]]:
    """(term, surface word) for every content word of `text`, in order."""
    tokens = []
    for match in _WORD.finditer(text):
        word = match.group().lower()
        if word in STOPWORDS or len(word) < 2:
            continue
        term = stem_word(word)
        if term and term not in STOPWORDS:
            tokens.append((term, match.group()))
    return tokens


_JOINER = re.compile(r"[\s\-‐‑]*")


def term_runs(text: str) -> list[list[tuple[str, str]]]:
    """The content words of `text` as (term, surface word), in runs of words that stand
    next to each other: a function word, a number or punctuation ends a run. "Bilash struck
    a plea deal" → [[bilash, struck], [plea, deal]]. Two-word phrases come from runs."""
    runs: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    previous_end = -1
    for match in _WORD.finditer(text):
        word = match.group().lower()
        term = "" if word in STOPWORDS or len(word) < 2 else stem_word(word)
        if not term or term in STOPWORDS:
            previous_end = -1
            continue
        joined = previous_end >= 0 and _JOINER.fullmatch(text, previous_end, match.start())
        if not joined and current:
            runs.append(current)
            current = []
        current.append((term, match.group()))
        previous_end = match.end()
    if current:
        runs.append(current)
    return runs


def terms(text: str) -> list[str]:
    """The terms (stemmed content words) of `text`, in order, repeats kept."""
    return [term for term, _ in term_tokens(text)]


def idf_weights(documents: Iterable[Iterable[T]]) -> dict[T, float]:
    """Smoothed inverse document frequency of every term over `documents` (sets of terms,
    or of anything hashable: phrases, names)."""
    frequency: Counter[T] = Counter()
    count = 0
    for document in documents:
        frequency.update(set(document))
        count += 1
    return {term: math.log((count + 1) / (df + 0.5)) for term, df in frequency.items()}


def term_weight(term: str, idf: Mapping[str, float]) -> float:
    """A term's IDF, damped for GENERAL_WORDS (0 for terms `idf` does not know)."""
    weight = idf.get(term, 0.0)
    return weight * GENERAL_DAMPING if term in GENERAL_WORDS else weight


def tfidf_vector(document_terms: Iterable[str], idf: Mapping[str, float]) -> TermVector:
    """A TF-IDF vector (sublinear tf: 1 + log tf) over known terms, general news words
    (GENERAL_WORDS) damped, scaled to unit length as if they were not: so a text made of
    general words has a short vector and matches nothing strongly, while in a text of topic
    words they merely count less."""
    counts = Counter(document_terms)
    vector: TermVector = {}
    length = 0.0
    for term, tf in counts.items():
        weight = idf.get(term, 0.0)
        if weight <= 0:
            continue
        weight *= 1.0 + math.log(tf)
        length += weight * weight
        vector[term] = weight * GENERAL_DAMPING if term in GENERAL_WORDS else weight
    if length == 0:
        return {}
    norm = math.sqrt(length)
    return {term: weight / norm for term, weight in vector.items()}


def cosine(a: TermVector, b: TermVector) -> float:
    """Dot product of two L2-normalised vectors (their cosine similarity)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(weight * b[term] for term, weight in a.items() if term in b)


def variant_map(vocabulary_a: Iterable[str], vocabulary_b: Iterable[str]) -> dict[str, str]:
    """Terms of one text that are variant spellings of terms of the other, mapped together.

    Only terms found in one text and not the other are considered: a transliterated name
    spelled two ways (uyghur/uighur, abdrakhmanov/abdurakhmanov) then counts as shared.
    A prefix extension (kazakh/kazakhstan) is another word, not a variant. Returns a mapping
    from each side's term to the spelling used by the other side (apply to one side only).
    """
    set_a, set_b = set(vocabulary_a), set(vocabulary_b)
    only_b_by_letter: dict[str, list[str]] = {}
    for term in set_b - set_a:
        if len(term) >= _VARIANT_MIN_LENGTH and term.replace(" ", "").isalpha():
            only_b_by_letter.setdefault(term[0], []).append(term)
    mapping: dict[str, str] = {}
    for term in set_a - set_b:
        if len(term) < _VARIANT_MIN_LENGTH or not term.replace(" ", "").isalpha():
            continue
        best, best_score = None, _VARIANT_MIN_SIMILARITY
        for candidate in only_b_by_letter.get(term[0], ()):
            if abs(len(candidate) - len(term)) > 2:
                continue
            if candidate.startswith(term) or term.startswith(candidate):
                continue
            score = Levenshtein.normalized_similarity(term, candidate)
            if score >= best_score:
                best, best_score = candidate, score
        if best is not None:
            mapping[term] = best
    return mapping


@dataclass(frozen=True)
class PassageHit:
    """One paragraph similar to a query passage, with where it is and why it matched."""

    article_id: str
    paragraph: int  # 1-based paragraph number in that article
    start: int  # character offsets of the paragraph in the article text
    end: int
    score: float  # cosine similarity of TF-IDF vectors, 0..1
    shared_terms: tuple[str, ...]  # words of the hit paragraph that carry the match
    text: str

    def to_dict(self) -> dict[str, object]:
        """The hit as a plain dict (for JSON output)."""
        return {
            "article_id": self.article_id,
            "paragraph": self.paragraph,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 4),
            "shared_terms": list(self.shared_terms),
        }


class PassageIndex:
    """An in-memory inverted index of TF-IDF term weights over the body paragraphs of a
    corpus; built once, then each `search` touches only the postings of the query's terms."""

    def __init__(self, articles: Iterable[Article]) -> None:
        started = time.perf_counter()
        self.articles: dict[str, Article] = {article.id: article for article in articles}
        self._documents: list[tuple[str, int]] = []  # (article id, paragraph number)
        per_document: list[list[str]] = []
        for article in self.articles.values():
            for paragraph in article.body_paragraphs:
                document_terms = terms(paragraph.text)
                if document_terms:
                    self._documents.append((article.id, paragraph.number))
                    per_document.append(document_terms)
        self.idf = idf_weights(per_document)
        # Postings as two parallel lists per term: document numbers and normalised weights.
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for number, document_terms in enumerate(per_document):
            for term, weight in tfidf_vector(document_terms, self.idf).items():
                entry = postings.get(term)
                if entry is None:
                    entry = postings[term] = ([], [])
                entry[0].append(number)
                entry[1].append(weight)
        self._postings = postings
        self.build_seconds = time.perf_counter() - started

    @property
    def paragraph_count(self) -> int:
        """How many paragraphs the index holds."""
        return len(self._documents)

    def search(
        self, text: str, exclude_article: str | None = None, limit: int = 10
    ) -> list[PassageHit]:
        """The `limit` paragraphs most similar to `text`, best first, leaving out the
        paragraphs of `exclude_article` (the one the query comes from)."""
        if limit <= 0:
            return []
        query = tfidf_vector(terms(text), self.idf)
        if not query:
            return []
        scores: dict[int, float] = {}
        get = scores.get
        for term, query_weight in query.items():
            numbers, weights = self._postings[term]
            for number, weight in zip(numbers, weights, strict=True):
                scores[number] = get(number, 0.0) + query_weight * weight
        documents = self._documents
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        hits: list[PassageHit] = []
        for number, score in ranked:
            article_id, paragraph_number = documents[number]
            if article_id == exclude_article:
                continue
            hits.append(self._hit(article_id, paragraph_number, score, query))
            if len(hits) >= limit:
                break
        return hits

    def similar_to(self, article_id: str, paragraph: int, limit: int = 10) -> list[PassageHit]:
        """Paragraphs in other articles most similar to paragraph `paragraph` of `article_id`.

        Raises KeyError for an unknown article and IndexError for a paragraph out of range.
        """
        source = self.articles[article_id].paragraph(paragraph)
        return self.search(source.text, exclude_article=article_id, limit=limit)

    def _hit(
        self, article_id: str, paragraph_number: int, score: float, query: TermVector
    ) -> PassageHit:
        paragraph = self.articles[article_id].paragraph(paragraph_number)
        contributions: dict[str, float] = {}
        surface: dict[str, str] = {}
        for term, word in term_tokens(paragraph.text):
            if term in query:
                contributions[term] = query[term] * self.idf.get(term, 0.0)
                surface.setdefault(term, word)
        best = sorted(contributions, key=lambda term: -contributions[term])[:8]
        return PassageHit(
            article_id=article_id,
            paragraph=paragraph_number,
            start=paragraph.start,
            end=paragraph.end,
            score=min(score, 1.0),
            shared_terms=tuple(surface[term] for term in best),
            text=paragraph.text,
        )


# One cached index for `similar_passages`: keyed by the identity of the Article objects,
# which the index keeps alive (so an id cannot be reused while the key is held).
_cached_index: tuple[tuple[tuple[str, int], ...], PassageIndex] | None = None


def similar_passages(
    articles: Mapping[str, Article] | Iterable[Article],
    article_id: str,
    text: str,
    limit: int = 10,
) -> list[PassageHit]:
    """Paragraphs in articles other than `article_id` most similar to `text`, best first.

    The index is built on the first call and reused while the same Article objects are
    passed; hold a `PassageIndex` yourself to control when it is built.
    """
    global _cached_index
    pool = list(articles.values()) if isinstance(articles, Mapping) else list(articles)
    key = tuple((article.id, id(article)) for article in pool)
    if _cached_index is None or _cached_index[0] != key:
        _cached_index = (key, PassageIndex(pool))
    return _cached_index[1].search(text, exclude_article=article_id, limit=limit)
