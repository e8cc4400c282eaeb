"""The lexical model behind comparison: content terms, TF-IDF weights, passage search.

A *term* is a stemmed, lower-cased content word (stop words and numbers dropped). Paragraphs
become sparse TF-IDF vectors over terms; `PassageIndex` holds an in-memory inverted index of
those weights for a whole corpus so that "who else says this?" is one pass over the postings
of the query's terms. Plain Python: the stemmer is whoosh's Porter implementation (pure
Python, imported in a few milliseconds), cached per word because corpora repeat words.
"""

from __future__ import annotations

import itertools
import math
import re
import time
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from rapidfuzz.distance import Levenshtein
from whoosh.lang.porter import stem as _porter_stem

from tuireader.core.corpus import Article
from tuireader.core.text import opens_quotation, starts_sentence

if TYPE_CHECKING:
    from tuireader.core.workspace import Workspace

TermVector = dict[str, float]
# (article id, paragraph number) → unit-length meaning vector (a numpy array).
MeaningVectors = Mapping[tuple[str, int], Any]
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


def phrase_pairs(
    runs: Iterable[Sequence[tuple[str, str]]],
) -> Iterator[tuple[tuple[str, str], str]]:
    """The two-word phrases of runs of content words (term_runs), as ((term, term), "word
    word"): words side by side ("plea deal", "former detainees"), not two general words
    ("last year"), and not two capitalised words: a name ("Foreign Affairs") is evidence
    of its own, not to be counted twice."""
    for run in runs:
        for (first, word_1), (second, word_2) in itertools.pairwise(run):
            if first == second or (first in GENERAL_WORDS and second in GENERAL_WORDS):
                continue
            if word_1[:1].isupper() and word_2[:1].isupper():
                continue
            yield (first, second), f"{word_1} {word_2}"


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


# Background: how common a term is in the whole corpus, not only in the two texts compared.
# Two match reports of different games share "penalty", "kick" and "post": rare in their
# own paragraphs, but the vocabulary of every match report. A term in BACKGROUND_GENERIC of
# a corpus's paragraphs weighs GENERAL_DAMPING of its IDF; one in BACKGROUND_SPECIFIC or
# fewer weighs fully; log-linear between. Only a corpus of BACKGROUND_MIN_PARAGRAPHS says
# which words are common (five articles on one story do not).
BACKGROUND_GENERIC = 0.01
BACKGROUND_SPECIFIC = 0.001
BACKGROUND_MIN_PARAGRAPHS = 1000


def background_weights(
    document_frequency: Mapping[str, float], paragraphs: int
) -> dict[str, float]:
    """term → weight factor (GENERAL_DAMPING..1) for the terms common in a corpus of
    `paragraphs` paragraphs, from each term's number of paragraphs; terms left out weigh
    fully. Empty for a corpus too small to tell (BACKGROUND_MIN_PARAGRAPHS)."""
    if paragraphs < BACKGROUND_MIN_PARAGRAPHS:
        return {}
    generic, specific = -math.log(BACKGROUND_GENERIC), -math.log(BACKGROUND_SPECIFIC)
    weights = {}
    for term, frequency in document_frequency.items():
        if frequency <= 0:
            continue
        rarity = -math.log(frequency / paragraphs)
        if rarity < specific:
            share = (rarity - generic) / (specific - generic)
            weights[term] = min(max(share, GENERAL_DAMPING), 1.0)
    return weights


def corpus_background(articles: Iterable[Article]) -> dict[str, float]:
    """`background_weights` of a corpus's body paragraphs (about 3 s for 2,000 articles;
    a PassageIndex already built gives the same through `background()`)."""
    frequency: Counter[str] = Counter()
    count = 0
    for article in articles:
        for paragraph in article.body_paragraphs:
            found = set(terms(paragraph.text))
            if found:
                frequency.update(found)
                count += 1
    return background_weights(frequency, count)


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


# "Who else says this": a passage ranks by meaning first, words second. With meaning vectors
# (core/compare/meaning.py) a hit's score is MEANING_SHARE of its meaning part (the cosine
# of the two vectors, from MEANING_BASE, which unrelated news paragraphs reach, to 1) plus
# the rest of its TF-IDF cosine; without vectors, the TF-IDF cosine alone. Hits under the
# cut-off are never shown (MIN_SCORE, MIN_WORDS_SCORE: calibrated by reading the results
# for paragraphs of the bundled articles and of the BBC corpus; see bench_compare.py).
MEANING_SHARE = 0.7
MEANING_BASE = 0.3
MIN_SCORE = 0.25
MIN_WORDS_SCORE = 0.2
# Candidates taken by meaning alone, besides every paragraph sharing a word.
MEANING_CANDIDATES = 200
# Two passages that each name people or places, none the same, tell of other people: two
# match reports of different games read alike to the model. Their score is multiplied by
# OTHER_NAMES_FACTOR before the cut-off.
OTHER_NAMES_FACTOR = 0.6
# A hit is "the same meaning" from this meaning part on (MiniLM cosine 0.72), "related" under.
SAME_MEANING = 0.6
MAX_SHOWN_NAMES = 4


@dataclass(frozen=True)
class PassageHit:
    """One paragraph similar to a query passage, with where it is and why it matched."""

    article_id: str
    paragraph: int  # 1-based paragraph number in that article
    start: int  # character offsets of the paragraph in the article text
    end: int
    score: float  # 0..1: meaning first, words second (see MEANING_SHARE)
    shared_terms: tuple[str, ...]  # words of the hit paragraph that carry the match
    text: str
    lexical: float = 0.0  # cosine of TF-IDF vectors, 0..1
    meaning: float | None = None  # cosine of meaning vectors; None without them
    shared_names: tuple[str, ...] = ()  # names both passages give, as written in the hit
    shared_phrases: tuple[str, ...] = ()  # two-word phrases both use, as written in the hit
    why: str = ""  # one line saying why the passage is listed

    def to_dict(self) -> dict[str, object]:
        """The hit as a plain dict (for JSON output)."""
        return {
            "article_id": self.article_id,
            "paragraph": self.paragraph,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 4),
            "lexical": round(self.lexical, 4),
            "meaning": None if self.meaning is None else round(self.meaning, 4),
            "shared_terms": list(self.shared_terms),
            "shared_names": list(self.shared_names),
            "shared_phrases": list(self.shared_phrases),
            "why": self.why,
        }


def _meaning_part(cosine: float) -> float:
    """0..1: a meaning cosine from MEANING_BASE (unrelated news) up to 1."""
    return min(max((cosine - MEANING_BASE) / (1.0 - MEANING_BASE), 0.0), 1.0)


def passage_score(lexical: float, meaning: float | None) -> float:
    """A hit's score from its TF-IDF cosine and its meaning cosine (None: words only)."""
    if meaning is None:
        return lexical
    return MEANING_SHARE * _meaning_part(meaning) + (1.0 - MEANING_SHARE) * lexical


def _flat(text: str) -> str:
    return " ".join(text.split())


class PassageIndex:
    """An in-memory inverted index of TF-IDF term weights over the body paragraphs of a
    corpus, plus their meaning vectors when given; built once, then each `search` touches
    only the postings of the query's terms (and one product with the vectors)."""

    def __init__(self, articles: Iterable[Article], meaning: MeaningVectors | None = None) -> None:
        started = time.perf_counter()
        self.articles: dict[str, Article] = {article.id: article for article in articles}
        self._documents: list[tuple[str, int]] = []  # (article id, paragraph number)
        self._by_text: dict[str, int] = {}  # flattened paragraph text → document number
        per_document: list[list[str]] = []
        for article in self.articles.values():
            for paragraph in article.body_paragraphs:
                document_terms = terms(paragraph.text)
                if document_terms:
                    self._by_text.setdefault(_flat(paragraph.text), len(self._documents))
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
        self._vectors: Any = None  # numpy matrix, one row per document (zeros: no vector)
        self._has_vector: Any = None
        if meaning is not None:
            self.set_meaning(meaning)
        self.build_seconds = time.perf_counter() - started

    def set_meaning(self, meaning: MeaningVectors) -> int:
        """Use meaning vectors ((article id, paragraph) → unit vector) from now on, e.g.
        once a background job has computed them; returns how many documents have one."""
        import numpy as np  # only with vectors: the words-only index needs no numpy

        rows = [meaning.get(document) for document in self._documents]
        dimensions = next((len(row) for row in rows if row is not None), 0)
        if not dimensions:
            self._vectors = self._has_vector = None
            return 0
        matrix = np.zeros((len(rows), dimensions), dtype=np.float32)
        present = np.zeros(len(rows), dtype=bool)
        for number, row in enumerate(rows):
            if row is not None:
                matrix[number] = row
                present[number] = True
        self._vectors, self._has_vector = matrix, present
        return int(present.sum())

    @property
    def has_meaning(self) -> bool:
        """Whether meaning vectors take part in the ranking."""
        return self._vectors is not None

    def background(self) -> dict[str, float]:
        """The corpus's `background_weights`, read back from the IDF the index holds."""
        count = len(self._documents)
        frequency = {term: (count + 1) / math.exp(idf) - 0.5 for term, idf in self.idf.items()}
        return background_weights(frequency, count)

    @property
    def paragraph_count(self) -> int:
        """How many paragraphs the index holds."""
        return len(self._documents)

    def search(
        self,
        text: str,
        exclude_article: str | None = None,
        limit: int = 10,
        vector: Any = None,
        min_score: float | None = None,
    ) -> list[PassageHit]:
        """The paragraphs most like `text` that pass the cut-off, best first, at most
        `limit`, leaving out the paragraphs of `exclude_article` (the query's own).

        Ranked by meaning first when the index has meaning vectors and the query has
        one: `vector`, or the vector of the indexed paragraph whose text `text` is.
        `min_score` overrides the calibrated cut-off (0 lists everything)."""
        if limit <= 0:
            return []
        query = tfidf_vector(terms(text), self.idf)
        lexical: dict[int, float] = {}
        get = lexical.get
        for term, query_weight in query.items():
            numbers, weights = self._postings[term]
            for number, weight in zip(numbers, weights, strict=True):
                lexical[number] = get(number, 0.0) + query_weight * weight
        cosines = self._meaning_cosines(text, vector)
        candidates = set(lexical)
        if cosines is not None:
            import numpy as np

            count = min(MEANING_CANDIDATES, len(cosines))
            if count:
                best = np.argpartition(-cosines, count - 1)[:count]
                candidates.update(int(number) for number in best if self._has_vector[number])
        if min_score is None:
            min_score = MIN_SCORE if cosines is not None else MIN_WORDS_SCORE
        documents = self._documents
        scored = []
        for number in candidates:
            if documents[number][0] == exclude_article:
                continue
            words = min(lexical.get(number, 0.0), 1.0)
            meaning = None
            if cosines is not None and self._has_vector[number]:
                meaning = float(cosines[number])
            score = passage_score(words, meaning)
            if score >= min_score and score > 0:
                scored.append((score, number, words, meaning))
        scored.sort(key=lambda item: (-item[0], item[1]))
        # Names are read only for the hits that may be shown: best first, until `limit`
        # hits keep a score over the cut-off after OTHER_NAMES_FACTOR.
        query_names = name_terms(text)
        kept: list[tuple[float, int, float, float | None]] = []
        for score, number, words, meaning in scored:
            if len(kept) >= limit and score < kept[-1][0]:
                break
            names = name_terms(self._text(documents[number]))
            if query_names and names and query_names.isdisjoint(names):
                score *= OTHER_NAMES_FACTOR
                if score < min_score:
                    continue
            kept.append((score, number, words, meaning))
            kept.sort(key=lambda item: (-item[0], item[1]))
            del kept[limit:]
        return [
            self._hit(documents[number], score, words, meaning, query, text)
            for score, number, words, meaning in kept
        ]

    def _text(self, document: tuple[str, int]) -> str:
        return self.articles[document[0]].paragraph(document[1]).text

    def _meaning_cosines(self, text: str, vector: Any) -> Any:
        """The query's meaning cosine with every document, or None (no vectors)."""
        if self._vectors is None:
            return None
        if vector is None:
            own = self._by_text.get(_flat(text))
            if own is None or not self._has_vector[own]:
                return None
            vector = self._vectors[own]
        return self._vectors @ vector

    def similar_to(self, article_id: str, paragraph: int, limit: int = 10) -> list[PassageHit]:
        """Paragraphs in other articles most similar to paragraph `paragraph` of `article_id`.

        Raises KeyError for an unknown article and IndexError for a paragraph out of range.
        """
        source = self.articles[article_id].paragraph(paragraph)
        return self.search(source.text, exclude_article=article_id, limit=limit)

    def _hit(
        self,
        document: tuple[str, int],
        score: float,
        lexical: float,
        meaning: float | None,
        query: TermVector,
        query_text: str,
    ) -> PassageHit:
        article_id, paragraph_number = document
        paragraph = self.articles[article_id].paragraph(paragraph_number)
        contributions: dict[str, float] = {}
        surface: dict[str, str] = {}
        for term, word in term_tokens(paragraph.text):
            if term in query:
                contributions[term] = query[term] * self.idf.get(term, 0.0)
                surface.setdefault(term, word)
        best = sorted(contributions, key=lambda term: -contributions[term])[:8]
        names, phrases = _shared_names_and_phrases(query_text, paragraph.text)
        return PassageHit(
            article_id=article_id,
            paragraph=paragraph_number,
            start=paragraph.start,
            end=paragraph.end,
            score=min(score, 1.0),
            shared_terms=tuple(surface[term] for term in best),
            text=paragraph.text,
            lexical=lexical,
            meaning=meaning,
            shared_names=names,
            shared_phrases=phrases,
            why=_why(meaning, names, phrases, tuple(surface[term] for term in best)),
        )


def name_terms(text: str) -> frozenset[str]:
    """The terms of the names in `text`: capitalised words that do not open a sentence or
    a quotation (whose capital says nothing)."""
    found = set()
    for match in _WORD.finditer(text):
        word = match.group()
        if not word[:1].isupper() or word.lower() in STOPWORDS:
            continue
        if starts_sentence(text, match.start()) or opens_quotation(text, match.start()):
            continue
        found.add(stem_word(word.lower()))
    return frozenset(found)


def _shared_names_and_phrases(query: str, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Names (capitalised words, runs joined) and two-word phrases of content words that
    `query` and `text` both have, as written in `text`."""

    def names_of(value: str) -> dict[tuple[str, ...], str]:
        # Capitalised words side by side make one name ("Human Rights Watch").
        found: dict[tuple[str, ...], str] = {}
        for run in term_runs(value):
            name: list[tuple[str, str]] = []
            for token in [*run, ("", "")]:
                if token[1][:1].isupper():
                    name.append(token)
                    continue
                if name:
                    key = tuple(term for term, _ in name)
                    found.setdefault(key, " ".join(word for _, word in name))
                name = []
        return found

    def phrases_of(value: str) -> dict[tuple[str, str], str]:
        found: dict[tuple[str, str], str] = {}
        for key, written in phrase_pairs(term_runs(value)):
            found.setdefault(key, written)
        return found

    query_names, text_names = names_of(query), names_of(text)
    names = tuple(text_names[term] for term in text_names if term in query_names)
    query_phrases, text_phrases = phrases_of(query), phrases_of(text)
    phrases = tuple(text_phrases[key] for key in text_phrases if key in query_phrases)
    return names[:MAX_SHOWN_NAMES], phrases[:MAX_SHOWN_NAMES]


def _why(
    meaning: float | None,
    names: tuple[str, ...],
    phrases: tuple[str, ...],
    words: tuple[str, ...],
) -> str:
    """ "same meaning (0.78); names: Sauytbay; phrase: plea deal" — why a hit is listed."""
    parts = []
    if meaning is not None:
        kind = "same meaning" if _meaning_part(meaning) >= SAME_MEANING else "related meaning"
        parts.append(f"{kind} ({meaning:.2f})")
    if names:
        parts.append("names: " + ", ".join(names))
    if phrases:
        parts.append(("phrase: " if len(phrases) == 1 else "phrases: ") + ", ".join(phrases))
    if not names and not phrases and words:
        parts.append("words: " + ", ".join(words[:4]))
    return "; ".join(parts)


def cached_meaning(workspace: Workspace) -> dict[tuple[str, int], Any]:
    """The meaning vectors of the workspace's body paragraphs already in its cache
    (indexes/meaning, filled in the background or by `compare`); never loads the model.
    Paragraphs without a cached vector are left out."""
    from tuireader.core.compare.meaning import VectorStore, text_key

    keys = {
        (article.id, paragraph.number): text_key(paragraph.text)
        for article in workspace.articles.values()
        for paragraph in article.body_paragraphs
    }
    found = VectorStore.for_workspace(workspace).lookup(set(keys.values()), read_only=True)
    return {place: found[key] for place, key in keys.items() if key in found}


# One cached index for `similar_passages`: keyed by the identity of the Article objects,
# which the index keeps alive (so an id cannot be reused while the key is held).
_cached_index: tuple[tuple[tuple[str, int], ...], PassageIndex] | None = None


def similar_passages(
    articles: Mapping[str, Article] | Iterable[Article],
    article_id: str,
    text: str,
    limit: int = 10,
) -> list[PassageHit]:
    """Paragraphs in articles other than `article_id` most similar to `text`, best first,
    those above the cut-off only (see PassageIndex.search).

    The index is built on the first call and reused while the same Article objects are
    passed; hold a `PassageIndex` yourself to control when it is built.
    """
    global _cached_index
    pool = list(articles.values()) if isinstance(articles, Mapping) else list(articles)
    key = tuple((article.id, id(article)) for article in pool)
    if _cached_index is None or _cached_index[0] != key:
        _cached_index = (key, PassageIndex(pool))
    return _cached_index[1].search(text, exclude_article=article_id, limit=limit)
