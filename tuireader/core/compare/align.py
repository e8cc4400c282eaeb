"""Side-by-side comparison of two articles: aligned paragraphs, shared quotations, figures.

`align(a, b)` pairs each body paragraph of one article with the paragraphs of the other
that report the same thing. The score of a pair mixes three signals:

* lexical: cosine of TF-IDF vectors over stemmed content words, IDF taken over the
  paragraphs of both articles (so words every paragraph uses, like the story's country,
  weigh little), with variant spellings (Uyghur/Uighur) counted as shared;
* entities: IDF-weighted overlap of the names in the two paragraphs (canonical names from
  the entity engine when given, else runs of capitalised words);
* figures: the same number of the same kind in both paragraphs (1.6 million, 200,000);
* meaning, when sentence-model vectors are given (core/meaning.py): how far the pair's
  cosine stands above the other pairs of its two paragraphs. It lifts pairs that say the
  same thing in other words and vetoes pairs whose shared words hide different subjects,
  but never pairs two paragraphs that share no words at all: in a corpus on one story the
  model finds every paragraph somewhat alike.

A pair needs evidence of the same statement, not a shared token. It is never made by a
name, a number or a phrase alone (MIN_SHARED_WORDS content words that are not names, and
the words' own part at least half the threshold); two paragraphs that each name people or
places, none the same, are about other people; the same number counting different things
("1 million people" sent to camps, "1 million ethnic Kazakhs" resettled) counts against it
(CONTRADICTION_PENALTY); with meaning vectors, a pair whose meaning does not stand out
(MEANING_VETO) is dropped. Words common in the whole corpus weigh less when a
`background` is given (load_background): two match reports share "penalty" and "kick".

The threshold is one number (DEFAULT_THRESHOLD, `Alignment.threshold`): no pair scoring
under it is ever returned. A pair must also be among the best for one of its two
paragraphs, so a paragraph with one real partner does not also collect weak ones.
`compare(a, b)` adds shared quotations (quotes.py) and figures matched across the two
sources (figures.py). Nothing here imports Textual or spaCy.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tuireader.core.compare.claims import (
    ArticleNames,
    FigureClaim,
    figure_claim,
    match_figures,
    same_counted,
)
from tuireader.core.compare.figures import (
    MATCHED_KINDS,
    Figure,
    FigureMatch,
    extract_figures,
)
from tuireader.core.compare.passages import (
    STOPWORDS,
    TermVector,
    corpus_background,
    idf_weights,
    phrase_pairs,
    stem_word,
    term_runs,
    term_weight,
    tfidf_vector,
    variant_map,
    word_set,
)
from tuireader.core.compare.quotes import SharedQuote, shared_quotes
from tuireader.core.corpus import Article, Paragraph
from tuireader.core.text import opens_quotation, sentence_spans, starts_sentence

if TYPE_CHECKING:
    from tuireader.core.compare.meaning import Encoder, MeaningMap
    from tuireader.core.entities.index import EntityIndex
    from tuireader.core.workspace import Workspace

# (article id, paragraph number) → canonical entity names, as the entity engine builds it.
EntityMap = Mapping[tuple[str, int], Collection[str]]

DEFAULT_THRESHOLD = 0.15
LEXICAL_WEIGHT = 0.8
PHRASE_WEIGHT = 0.15
ENTITY_WEIGHT = 0.15
FIGURE_WEIGHT = 0.15
# A shared quotation is near-proof that two paragraphs report the same thing.
QUOTE_WEIGHT = 0.25
# A pair must reach this share of the best score of at least one of its paragraphs.
RELATIVE_CUTOFF = 0.6
# Distinct shared terms + shared figures a pair needs: one shared word is chance.
MIN_SHARED = 3
# Of those, distinct shared content words that are not names: a shared name, number or
# phrase alone ("Nursultan Nazarbayev", "1 million", "Minister of Foreign Affairs") says
# two paragraphs name the same thing, not that they report the same statement.
MIN_SHARED_WORDS = 2
# The same number counting different things ("1 million people sent to camps", "nearly 1
# million ethnic Kazakhs have resettled") is evidence against a pair: taken off its score.
CONTRADICTION_PENALTY = 0.15
# The cosine of two paragraphs counts fully once the words they share weigh this much:
# summed IDF (general words damped), in units of the IDF of a word found in one paragraph
# of each article. A one-line paragraph sharing two words with another has a high cosine
# and little evidence.
FULL_EVIDENCE = 2.3
# The best pair of sentences of two paragraphs stands in for the paragraphs' cosine at
# this weight, once the words they share weigh FULL_SENTENCE_EVIDENCE (same units).
SENTENCE_WEIGHT = 0.85
FULL_SENTENCE_EVIDENCE = 2.6
# Entity kinds that say what a paragraph is about (dates and numbers are scored elsewhere).
ENTITY_KINDS = frozenset({"PERSON", "ORG", "PLACE", "GROUP"})
# A figure given in both paragraphs with this many significant digits (1.46 million,
# 3,000) is evidence even where the words around it differ; a round "1 million" is not.
SPECIFIC_DIGITS = 2
SPECIFIC_FIGURE = 0.4
MAX_SHOWN_TERMS = 8
# A paragraph of at most this many words without closing punctuation is a heading.
HEADING_WORDS = 10
# Meaning: z is the pair's cosine in standard deviations above the mean of its row and of
# its column (the lower of the two), so a paragraph like every other ("Kazakhstan hesitates
# to criticise China") gains nothing. It starts to count at MEANING_FLOOR, fully at
# MEANING_FULL; under MEANING_VETO a pair is dropped unless a quotation ties it. Measured
# on the bundled articles: pairs read as right had z 1.35-3.3, false friends that words
# alone made -1.6 (001 ¶31 / 004 ¶6) to 0.9; two rugby reports of different games with the
# same England players, 1.1-1.2 (tests/test_compare_precision.py).
MEANING_WEIGHT = 0.12
MEANING_FLOOR = 0.8
MEANING_FULL = 2.0
MEANING_VETO = 1.2
# Strong meaning (part 1) lowers the shared-word weight a pair needs for full evidence
# (FULL_EVIDENCE) by this share.
MEANING_EVIDENCE = 0.5
# z needs a spread of cosines: with fewer paragraphs a side, meaning is left out.
MEANING_MIN_PARAGRAPHS = 3

_CAPITALISED = re.compile(r"[A-Z][\w'’.-]*[\w]|[A-Z]")
_NAME_CONNECTORS = frozenset({"of", "and", "the", "for", "de", "al", "van", "von", "bin"})
_NOT_NAMES = word_set(
    """i a an the in on at as by for from of to and but or if it its this that these those
    he she they we you his her their our my mr mrs ms dr january february march april may
    june july august september october november december monday tuesday wednesday thursday
    friday saturday sunday"""
)
# Words that belong to a number ("nearly 1 million", "tens of thousands"): figures are
# compared by their own rules, so two paragraphs giving numbers share no words by it.
_NUMBER_STEMS = frozenset(
    stem_word(word)
    for word in word_set(
        """million billion trillion thousand hundred dozen percent nearly estimated
        approximately roughly half tens"""
    )
)
_MONTH_STEMS = frozenset(
    stem_word(month)
    for month in word_set(
        "january february march april may june july august september october november december"
    )
)


@dataclass(frozen=True)
class ParagraphPair:
    """Paragraph `a` of the first article and paragraph `b` of the second report the same
    thing; the score and the shared words say how surely and why."""

    a: int  # 1-based paragraph numbers
    b: int
    score: float  # 0..1 combined score
    lexical: float  # TF-IDF cosine
    entity: float  # weighted entity overlap
    figure: float  # shared figures
    quotes: int  # shared quotations between the two paragraphs
    shared_terms: tuple[str, ...]  # the words that carry the match, as written in a
    shared_entities: tuple[str, ...]
    shared_figures: tuple[str, ...]  # figures both paragraphs give, as written in a
    phrase: float = 0.0  # weighted overlap of two-word phrases
    meaning: float | None = None  # 0..1 meaning part, None when no vectors were given

    def to_dict(self) -> dict[str, Any]:
        """The pair as a plain dict (for JSON output)."""
        return {
            "a": self.a,
            "b": self.b,
            "score": round(self.score, 3),
            "lexical": round(self.lexical, 3),
            "entity": round(self.entity, 3),
            "figure": round(self.figure, 3),
            "phrase": round(self.phrase, 3),
            "meaning": None if self.meaning is None else round(self.meaning, 3),
            "quotes": self.quotes,
            "shared_terms": list(self.shared_terms),
            "shared_entities": list(self.shared_entities),
            "shared_figures": list(self.shared_figures),
        }


@dataclass(frozen=True)
class Alignment:
    """The paragraph pairs of two articles plus what each side has alone.

    `best_b_for_a` / `best_a_for_b` give each paired paragraph its strongest partner, for
    synchronised scrolling; `scroll_target` extends that to every paragraph.
    """

    a_id: str
    b_id: str
    pairs: tuple[ParagraphPair, ...]  # sorted by (a, b)
    only_in_a: tuple[int, ...]  # body paragraphs of a with no partner
    only_in_b: tuple[int, ...]
    best_b_for_a: dict[int, int]
    best_a_for_b: dict[int, int]
    a_paragraphs: tuple[int, ...]  # body paragraph numbers considered
    b_paragraphs: tuple[int, ...]
    threshold: float
    entity_source: str  # "given" or "heuristic"
    meaning: bool = False  # whether sentence-model vectors took part

    def partners(self, number: int, side: str = "a") -> list[ParagraphPair]:
        """The pairs paragraph `number` of side "a" or "b" takes part in, best first."""
        _check_side(side)
        found = [pair for pair in self.pairs if (pair.a if side == "a" else pair.b) == number]
        return sorted(found, key=lambda pair: -pair.score)

    def scroll_target(self, number: int, side: str = "a") -> int:
        """The paragraph of the other article to show beside paragraph `number` of `side`.

        A paired paragraph's best partner. Between two paired paragraphs, the place between
        their partners in proportion (paragraph 5 halfway from 3↔10 to 7↔20 shows 15); before
        the first pair and after the last, the same between the pair and the start or end of
        both articles. Without pairs, the paragraph at the same relative position.
        """
        _check_side(side)
        best = self.best_b_for_a if side == "a" else self.best_a_for_b
        own = self.a_paragraphs if side == "a" else self.b_paragraphs
        other = self.b_paragraphs if side == "a" else self.a_paragraphs
        if number in best:
            return best[number]
        if not other:
            return 1
        if not own:
            return other[0]
        anchors = sorted(best.items())
        before = [(n, m) for n, m in anchors if n < number] or [(own[0], other[0])]
        after = [(n, m) for n, m in anchors if n > number] or [(own[-1], other[-1])]
        (own_0, other_0), (own_1, other_1) = before[-1], after[0]
        share = (number - own_0) / (own_1 - own_0) if own_1 > own_0 else 0.0
        share = min(max(share, 0.0), 1.0)
        place = other_0 + share * (other_1 - other_0)
        return min(other, key=lambda n: (abs(n - place), n))

    def to_dict(self) -> dict[str, Any]:
        """The alignment as a plain dict (for JSON output); mapping keys become strings."""
        return {
            "a": self.a_id,
            "b": self.b_id,
            "threshold": self.threshold,
            "entity_source": self.entity_source,
            "meaning": self.meaning,
            "pairs": [pair.to_dict() for pair in self.pairs],
            "only_in_a": list(self.only_in_a),
            "only_in_b": list(self.only_in_b),
            "best_b_for_a": {str(k): v for k, v in sorted(self.best_b_for_a.items())},
            "best_a_for_b": {str(k): v for k, v in sorted(self.best_a_for_b.items())},
        }


@dataclass(frozen=True)
class Comparison:
    """Everything the compare screen and `tuireader compare` show for two articles."""

    a: Article
    b: Article
    alignment: Alignment
    quotes: tuple[SharedQuote, ...]
    figures: tuple[FigureMatch, ...]
    timings: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def differing_figures(self) -> tuple[FigureMatch, ...]:
        """Matched figures whose values contradict each other."""
        return tuple(match for match in self.figures if not match.agree)

    def to_dict(self) -> dict[str, Any]:
        """The comparison as a plain dict (for JSON output)."""
        return {
            "a": {"id": self.a.id, "title": self.a.title},
            "b": {"id": self.b.id, "title": self.b.title},
            "alignment": self.alignment.to_dict(),
            "quotes": [quote.to_dict() for quote in self.quotes],
            "figures": [match.to_dict() for match in self.figures],
        }


def _check_side(side: str) -> None:
    if side not in ("a", "b"):
        raise ValueError(f"side must be 'a' or 'b', not {side!r}")


def heuristic_entities(article: Article) -> dict[int, set[str]]:
    """Names in each body paragraph when no entity engine is at hand: runs of capitalised
    words ("Human Rights Watch", "Ministry of Foreign Affairs"), lower-cased, possessive
    dropped. A capitalised first word of a sentence counts only if the article also
    capitalises it mid-sentence (so "Subsequent reports" gives no name)."""
    found: dict[int, list[tuple[str, bool]]] = {}
    mid_sentence: set[str] = set()
    for paragraph in article.body_paragraphs:
        runs = _capitalised_runs(paragraph.text)
        found[paragraph.number] = runs
        for name, initial in runs:
            if not initial:
                mid_sentence.update(name.split())
    entities: dict[int, set[str]] = {}
    for number, runs in found.items():
        names = set()
        for name, initial in runs:
            words = name.split()
            if initial and len(words) == 1 and words[0] not in mid_sentence:
                continue
            names.add(name)
        entities[number] = names
    return entities


def _capitalised_runs(text: str) -> list[tuple[str, bool]]:
    """(normalised name, starts a sentence) for each run of capitalised words."""
    runs: list[tuple[str, bool]] = []
    words: list[str] = []
    initial = False
    pending: list[str] = []  # connectors seen after a capitalised word
    last_end = 0

    def flush() -> None:
        nonlocal words, pending
        while words and words[0] in _NOT_NAMES:
            words = words[1:]
        for part in _split_listed_names(words):
            runs.append((" ".join(part), initial))
        words, pending = [], []

    for match in re.finditer(r"[^\W\d_]+(?:['’.-][^\W\d_]+)*", text):
        token = match.group()
        between = text[last_end : match.start()]
        last_end = match.end()
        if words and any(ch in between for ch in ',.;:!?()“”"—–'):
            flush()
        lower = token.lower()
        if lower.endswith(("'s", "’s")):
            lower = lower[:-2]
        if token[0].isupper():
            if not words:
                # A capital there may be only the sentence's or the quotation's.
                initial = starts_sentence(text, match.start()) or opens_quotation(
                    text, match.start()
                )
            words.extend(pending)
            pending = []
            words.append(lower)
        elif words and lower in _NAME_CONNECTORS and len(pending) < 2:
            pending.append(lower)
        elif words:
            flush()
    if words:
        flush()
    return [(name, initial) for name, initial in runs if name not in _NOT_NAMES]


def _split_listed_names(words: list[str]) -> list[list[str]]:
    """ "uzbek and kyrgyz" is two names, "belt and road initiative" one: split at "and" or
    "for" unless more than one word follows (then the connector is part of the name)."""
    parts: list[list[str]] = [[]]
    for position, word in enumerate(words):
        if word in ("and", "for") and len(words) - position - 1 < 2 and parts[-1]:
            parts.append([])
        else:
            parts[-1].append(word)
    return [part for part in parts if part]


def entity_map(index: EntityIndex, article_ids: Iterable[str]) -> dict[tuple[str, int], set[str]]:
    """(article id, paragraph) → canonical names of the people, organisations, places and
    groups the entity engine found there, for `align`/`compare`'s `entities`.

    `index` comes from `EntityIndex.load_cached(workspace)` (which never imports spaCy).
    Dates and figures are left out: figures are matched by their own rules, and a date
    ("August") names no subject.
    """
    found: dict[tuple[str, int], set[str]] = defaultdict(set)
    for article_id in article_ids:
        for item in index.for_article(article_id):
            if item.entity.kind not in ENTITY_KINDS:
                continue
            for number in item.paragraphs:
                found[article_id, number].add(item.entity.name)
    return dict(found)


def load_entity_map(
    workspace: Workspace, article_ids: Sequence[str]
) -> dict[tuple[str, int], set[str]] | None:
    """The entity map of some articles from the workspace's entity cache (spaCy is never
    imported), or None when there is no cache or it lacks one of the articles; compare()
    then falls back to capitalised words."""
    from tuireader.core.entities.index import EntityIndex

    try:
        index = EntityIndex.load_cached(workspace, allow_partial=True)
    except Exception:  # a damaged cache only costs the better names, never the comparison
        return None
    if index is None or any(article_id in index.missing for article_id in article_ids):
        return None
    return entity_map(index, article_ids)


def _paragraph_entities(
    article: Article, entities: EntityMap | None
) -> tuple[dict[int, set[str]], str]:
    if entities is None:
        return heuristic_entities(article), "heuristic"
    given = {
        p.number: {str(name).lower() for name in entities.get((article.id, p.number), ())}
        for p in aligned_paragraphs(article)
    }
    return given, "given"


def _significant_digits(value: float) -> int:
    """Digits of `value` without leading and trailing zeros: 1.46 million → 3, 200,000 → 1."""
    digits = f"{value:.6f}".replace(".", "").strip("0")
    return len(digits)


def _figure_keys(figures: Sequence[Figure]) -> dict[int, dict[tuple[str, float, float], str]]:
    """Per paragraph: specific figures as (kind, low, high) → the text as written.

    Only figures precise enough that two sources giving the same one is telling (1.46
    million, 58, 43.1 percent; not 1 million or 200,000), and never years, dates or bare
    counts under 10, which any two paragraphs may share by chance.
    """
    keys: dict[int, dict[tuple[str, float, float], str]] = defaultdict(dict)
    for figure in figures:
        if figure.kind not in MATCHED_KINDS:
            continue
        if figure.kind in ("count", "duration") and figure.value < 10 and figure.high is None:
            continue
        if figure.high is None and _significant_digits(figure.value) < SPECIFIC_DIGITS:
            continue
        high = figure.high if figure.high is not None else figure.value
        keys[figure.paragraph][(figure.kind, figure.value, high)] = figure.text
    return keys


@dataclass
class _Side:
    """Per-article working data for an alignment."""

    numbers: list[int]
    terms: dict[int, list[str]]
    surface: dict[int, dict[str, str]]
    names: set[str]  # terms only ever written with a capital
    phrases: dict[int, set[tuple[str, str]]]
    sentences: list[tuple[int, list[str]]]  # (paragraph number, terms) of every sentence
    vectors: dict[int, TermVector] = field(default_factory=dict)
    sentence_vectors: list[tuple[int, TermVector]] = field(default_factory=list)
    entities: dict[int, set[str]] = field(default_factory=dict)
    figures: dict[int, dict[tuple[str, float, float], str]] = field(default_factory=dict)
    claims: dict[int, list[FigureClaim]] = field(default_factory=dict)


def is_heading(text: str) -> bool:
    """A section heading ("Beginnings of the Crackdown"): a few words and no closing
    punctuation. Headings name a subject; aligning them to paragraphs would be noise."""
    stripped = text.strip()
    return len(stripped.split()) <= HEADING_WORDS and not stripped.endswith(tuple('.!?…:;"”’)'))


def aligned_paragraphs(article: Article) -> list[Paragraph]:
    """The paragraphs an alignment pairs: body paragraphs that are not headings."""
    return [p for p in article.body_paragraphs if not is_heading(p.text)]


def _side(article: Article) -> _Side:
    numbers, all_terms, surface, phrases = [], {}, {}, {}
    sentences: list[tuple[int, list[str]]] = []
    capitalised: set[str] = set()
    lower: set[str] = set()
    for paragraph in aligned_paragraphs(article):
        text = paragraph.text
        runs = []
        for start, end in sentence_spans(text):
            sentence_runs = _without_number_words(term_runs(text[start:end]))
            sentences.append((paragraph.number, [term for run in sentence_runs for term, _ in run]))
            runs.extend(sentence_runs)
        numbers.append(paragraph.number)
        all_terms[paragraph.number] = [term for run in runs for term, _ in run]
        phrases[paragraph.number] = _phrases(runs)
        words: dict[str, str] = {}
        for run in runs:
            for term, word in run:
                words.setdefault(term, word)
                (capitalised if word[:1].isupper() else lower).add(term)
        surface[paragraph.number] = words
    return _Side(numbers, all_terms, surface, capitalised - lower, phrases, sentences)


def _without_number_words(
    runs: list[list[tuple[str, str]]],
) -> list[list[tuple[str, str]]]:
    """The runs with the words of numbers (_NUMBER_STEMS) taken out; a run is split there,
    so no phrase spans a number ("million ethnic" is not a phrase)."""
    split: list[list[tuple[str, str]]] = []
    for run in runs:
        current: list[tuple[str, str]] = []
        for token in run:
            if token[0] in _NUMBER_STEMS:
                if current:
                    split.append(current)
                current = []
            else:
                current.append(token)
        if current:
            split.append(current)
    return split


def _phrases(runs: Sequence[Sequence[tuple[str, str]]]) -> set[tuple[str, str]]:
    """Two-word phrases of a paragraph (passages.phrase_pairs), as pairs of terms."""
    return {key for key, _ in phrase_pairs(runs)}


def _phrase_scale(phrase: tuple[str, str]) -> float:
    """A date phrase ("March 2019") is weaker evidence than a phrase of words: stories on
    one subject share months."""
    return 0.5 if any(word.isdigit() or word in _MONTH_STEMS for word in phrase) else 1.0


def _spell_like(side_a: _Side, side_b: _Side) -> None:
    """Spell b's words the way a does, so Uighur in b meets Uyghur in a and Oralman meets
    oralmen. Only where one side writes the word as a name: transliteration variants are
    names, and short common stems one letter apart (court/cours, wrote/write) are different
    words."""
    vocabulary_a = {t for ts in side_a.terms.values() for t in ts}
    vocabulary_b = {t for ts in side_b.terms.values() for t in ts}
    variants = variant_map(side_b.names, vocabulary_a)
    for term, spelling in variant_map(vocabulary_b, side_a.names).items():
        variants.setdefault(term, spelling)
    if not variants:
        return
    for number, ts in side_b.terms.items():
        side_b.terms[number] = [variants.get(t, t) for t in ts]
        side_b.surface[number] = {variants.get(t, t): w for t, w in side_b.surface[number].items()}
        side_b.phrases[number] = {
            (variants.get(x, x), variants.get(y, y)) for x, y in side_b.phrases[number]
        }
    side_b.sentences = [
        (number, [variants.get(t, t) for t in ts]) for number, ts in side_b.sentences
    ]


def align(
    a: Article,
    b: Article,
    entities: EntityMap | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    meaning: MeaningMap | None = None,
    background: Mapping[str, float] | None = None,
) -> Alignment:
    """Pair the body paragraphs of `a` and `b` that report the same thing.

    `entities` maps (article id, paragraph number) to canonical entity names (see
    `entity_map`); without it, capitalised-word runs stand in. `meaning` maps the same
    keys to sentence-model vectors (see `comparison_meaning`); without it, or when a
    paragraph lacks one, pairs rest on words, names and figures. `background` weighs
    down the words common in the whole corpus (see `load_background`). No pair scoring
    under `threshold` is ever returned, so unrelated paragraphs stay unpaired.
    """
    # The alignment uses the shared quotations and matched figures: compare() finds them.
    return compare(a, b, entities, threshold, meaning, background).alignment


@dataclass(frozen=True)
class _Found:
    """What compare() finds besides the alignment, which the alignment uses too."""

    quotes: Sequence[SharedQuote]
    figures_a: Sequence[Figure]
    figures_b: Sequence[Figure]
    matches: Sequence[FigureMatch]


def _align(
    a: Article,
    b: Article,
    entities: EntityMap | None,
    threshold: float,
    found: _Found,
    meaning: MeaningMap | None,
    background: Mapping[str, float] | None = None,
) -> Alignment:
    """`align` with the quotations and figures already found (compare() needs them too)."""
    side_a, side_b = _side(a), _side(b)
    _spell_like(side_a, side_b)
    idf = idf_weights([*side_a.terms.values(), *side_b.terms.values()])
    if background:
        idf = {term: weight * background.get(term, 1.0) for term, weight in idf.items()}
    for side in (side_a, side_b):
        side.vectors = {n: tfidf_vector(side.terms[n], idf) for n in side.numbers}
        side.sentence_vectors = [(n, tfidf_vector(ts, idf)) for n, ts in side.sentences]
    phrase_idf: dict[tuple[str, str], float] = idf_weights(
        [*side_a.phrases.values(), *side_b.phrases.values()]
    )

    entities_a, source = _paragraph_entities(a, entities)
    entities_b, _ = _paragraph_entities(b, entities)
    name_variants = variant_map(
        {e for es in entities_b.values() for e in es}, {e for es in entities_a.values() for e in es}
    )
    entities_b = {n: {name_variants.get(e, e) for e in es} for n, es in entities_b.items()}
    side_a.entities, side_b.entities = entities_a, entities_b
    entity_idf = idf_weights([*entities_a.values(), *entities_b.values()])
    side_a.figures, side_b.figures = _figure_keys(found.figures_a), _figure_keys(found.figures_b)
    side_a.claims, side_b.claims = _claims(a, found.figures_a), _claims(b, found.figures_b)
    contradictions = _contradictions(side_a, side_b)
    quote_counts: dict[tuple[int, int], int] = defaultdict(int)
    for quote in found.quotes:
        quote_counts[quote.a_paragraph, quote.b_paragraph] += 1
    figure_matches: dict[tuple[int, int], list[FigureMatch]] = defaultdict(list)
    for match in found.matches:
        key = (match.a.paragraph, match.b.paragraph)
        if key not in contradictions:  # the same number of other things is no support
            figure_matches[key].append(match)

    meaning_z = _meaning_z(a.id, b.id, side_a.numbers, side_b.numbers, meaning)
    signals = _Signals(
        idf, phrase_idf, entity_idf, quote_counts, figure_matches, meaning_z, contradictions
    )
    scores = _score_matrix(side_a, side_b, signals, threshold)
    common, _ = _rarity_scale(len(side_a.numbers) + len(side_b.numbers))
    distinctive = {name for name, weight in entity_idf.items() if weight > common}
    pairs = _select_pairs(scores, side_a, side_b, threshold, figure_matches, distinctive)
    return _alignment(a, b, pairs, side_a, side_b, threshold, source, meaning_z is not None)


def _claims(article: Article, figures: Sequence[Figure]) -> dict[int, list[FigureClaim]]:
    """Per paragraph: the claims (what is counted, whose, when) of the figures given."""
    names = ArticleNames.of(article)
    found: dict[int, list[FigureClaim]] = defaultdict(list)
    for figure in figures:
        claim = figure_claim(figure, names)
        if claim is not None:
            found[figure.paragraph].append(claim)
    return found


def _contradictions(side_a: _Side, side_b: _Side) -> set[tuple[int, int]]:
    """Pairs of paragraphs that give one number for different things: the same value of
    the same kind and unit, counting different nouns ("1 million people" sent to camps,
    "1 million ethnic Kazakhs" resettled), and no number both give for the same thing."""
    by_value: dict[tuple[str, str | None, float, float | None], list[FigureClaim]]
    by_value = defaultdict(list)
    for claims in side_b.claims.values():
        for claim in claims:
            figure = claim.figure
            by_value[figure.kind, figure.unit, figure.value, figure.high].append(claim)
    against: set[tuple[int, int]] = set()
    supported: set[tuple[int, int]] = set()
    for number, claims in side_a.claims.items():
        for claim in claims:
            figure = claim.figure
            for other in by_value.get((figure.kind, figure.unit, figure.value, figure.high), ()):
                key = (number, other.figure.paragraph)
                if same_counted(claim.counted, other.counted):
                    supported.add(key)
                else:
                    against.add(key)
    return against - supported


def _meaning_z(
    a_id: str,
    b_id: str,
    numbers_a: Sequence[int],
    numbers_b: Sequence[int],
    meaning: MeaningMap | None,
) -> dict[tuple[int, int], float] | None:
    """(a, b) → how many standard deviations the pair's cosine stands above the mean of
    its row and of its column (the lower of the two); None without usable vectors."""
    if meaning is None or min(len(numbers_a), len(numbers_b)) < MEANING_MIN_PARAGRAPHS:
        return None
    import numpy as np  # only here: the core's plain comparisons need no numpy

    try:
        vectors_a = np.stack([meaning[a_id, n] for n in numbers_a])
        vectors_b = np.stack([meaning[b_id, n] for n in numbers_b])
    except KeyError:
        return None
    cosines = vectors_a @ vectors_b.T
    row_z = (cosines - cosines.mean(1, keepdims=True)) / (cosines.std(1, keepdims=True) + 1e-6)
    column_z = (cosines - cosines.mean(0, keepdims=True)) / (cosines.std(0, keepdims=True) + 1e-6)
    z = np.minimum(row_z, column_z)
    return {
        (x, y): float(z[i, j]) for i, x in enumerate(numbers_a) for j, y in enumerate(numbers_b)
    }


def _meaning_part(z: float) -> float:
    """0..1: how much a pair's meaning z counts (MEANING_FLOOR → 0, MEANING_FULL → 1)."""
    return min(max((z - MEANING_FLOOR) / (MEANING_FULL - MEANING_FLOOR), 0.0), 1.0)


@dataclass(frozen=True)
class _Signals:
    """What the score matrix needs besides the two sides."""

    idf: Mapping[str, float]
    phrase_idf: Mapping[tuple[str, str], float]
    entity_idf: Mapping[str, float]
    quote_counts: Mapping[tuple[int, int], int]
    figure_matches: Mapping[tuple[int, int], list[FigureMatch]]
    meaning_z: Mapping[tuple[int, int], float] | None = None
    contradictions: Collection[tuple[int, int]] = ()


def _rare_idf(paragraphs: int) -> float:
    """The IDF of an item found in one paragraph of each article (idf_weights' formula)."""
    return math.log((paragraphs + 1) / 2.5)


def _rarity_scale(paragraphs: int) -> tuple[float, float]:
    """(common, full) for IDF-weighted overlaps of names and phrases on an absolute scale.

    An item in more than a tenth of the paragraphs (at least four) is the story's cast and
    counts for nothing; one in one paragraph of each article counts fully; two such items
    make a full score. A cosine would not do: two paragraphs naming only "China" and
    "Kazakhstan" would look identical.
    """
    common = math.log((paragraphs + 1) / (max(0.1 * paragraphs, 4.0) + 0.5))
    full = 2 * max(_rare_idf(paragraphs) - common, 1e-6)
    return common, full


def _overlap_scores(
    items_a: Mapping[int, Collection[Hashable]],
    items_b: Mapping[int, Collection[Hashable]],
    idf: Mapping[Any, float],
    common: float,
    full: float,
    scale: Callable[[Any], float] | None = None,
) -> dict[tuple[int, int], float]:
    """(a, b) → summed rarity of the items both paragraphs have, through an inverted index."""
    postings: dict[Hashable, list[int]] = defaultdict(list)
    for number, items in items_b.items():
        for item in items:
            postings[item].append(number)
    scores: dict[tuple[int, int], float] = defaultdict(float)
    for number, items in items_a.items():
        for item in items:
            weight = max(idf.get(item, 0.0) - common, 0.0) / full
            if weight and scale is not None:
                weight *= scale(item)
            if weight == 0:
                continue
            for other in postings.get(item, ()):
                scores[number, other] += weight
    return scores


# score, lexical, phrase, entity, figure, quotes, meaning (None without vectors)
_Score = tuple[float, float, float, float, float, int, float | None]


def _score_matrix(
    side_a: _Side, side_b: _Side, signals: _Signals, threshold: float = DEFAULT_THRESHOLD
) -> dict[tuple[int, int], _Score]:
    """(a, b) → (score, lexical, phrase, entity, figure, quotes, meaning) for every pair
    sharing anything, computed through inverted indexes of b so unrelated pairs cost
    nothing."""
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for number, vector in side_b.vectors.items():
        for term, weight in vector.items():
            postings[term].append((number, weight))
    idf = signals.idf
    names = side_a.names | side_b.names
    lexical: dict[tuple[int, int], float] = {}
    evidence: dict[tuple[int, int], float] = {}
    shared_count: dict[tuple[int, int], int] = defaultdict(int)
    word_count: dict[tuple[int, int], int] = {}
    for number, vector in side_a.vectors.items():
        # Per paragraph of a, sums keyed by b's paragraph number (cheaper than pair keys).
        dots: dict[int, float] = {}
        masses: dict[int, float] = {}
        counts: dict[int, int] = {}
        words: dict[int, int] = {}
        for term, weight in vector.items():
            found = postings.get(term)
            if not found:
                continue
            mass = term_weight(term, idf)
            word = 0 if term in names else 1
            for other, other_weight in found:
                if other in dots:
                    dots[other] += weight * other_weight
                    masses[other] += mass
                    counts[other] += 1
                    words[other] += word
                else:
                    dots[other] = weight * other_weight
                    masses[other] = mass
                    counts[other] = 1
                    words[other] = word
        for other, dot in dots.items():
            key = (number, other)
            lexical[key] = dot
            evidence[key] = masses[other]
            shared_count[key] = counts[other]
            word_count[key] = words[other]

    paragraphs = len(side_a.numbers) + len(side_b.numbers)
    rare = _rare_idf(paragraphs)
    full_evidence = FULL_EVIDENCE * rare
    sentence = _sentence_scores(
        side_a, side_b, idf, FULL_SENTENCE_EVIDENCE * rare, signals.meaning_z
    )
    common, full = _rarity_scale(paragraphs)
    entity = _overlap_scores(side_a.entities, side_b.entities, signals.entity_idf, common, full)
    phrase = _overlap_scores(
        side_a.phrases, side_b.phrases, signals.phrase_idf, common, full, _phrase_scale
    )

    figure: dict[tuple[int, int], float] = defaultdict(float)
    for key, matches in signals.figure_matches.items():
        figure[key] = max(match.score for match in matches)
        shared_count[key] += len(matches)
    figure_postings: dict[tuple[str, float, float], list[int]] = defaultdict(list)
    for number, keys in side_b.figures.items():
        for figure_key in keys:
            figure_postings[figure_key].append(number)
    for number, keys in side_a.figures.items():
        for figure_key in keys:
            for other in figure_postings.get(figure_key, ()):
                if (number, other) in signals.contradictions:
                    continue
                if figure[number, other] < SPECIFIC_FIGURE:
                    figure[number, other] = SPECIFIC_FIGURE
                    shared_count[number, other] += 1

    scores: dict[tuple[int, int], _Score] = {}
    numbers_a, numbers_b = set(side_a.numbers), set(side_b.numbers)
    for key in set(lexical) | set(entity) | set(figure) | set(signals.quote_counts):
        if key[0] not in numbers_a or key[1] not in numbers_b:
            continue  # a heading: its figures and quotations are not aligned
        quotes = signals.quote_counts.get(key, 0)
        if not quotes and (
            shared_count.get(key, 0) < MIN_SHARED or word_count.get(key, 0) < MIN_SHARED_WORDS
        ):
            continue  # a name, a number or a phrase alone
        names_a, names_b = side_a.entities.get(key[0]), side_b.entities.get(key[1])
        if not quotes and names_a and names_b and names_a.isdisjoint(names_b):
            continue  # each names who it is about, and not the same: other people, other event
        meaning: float | None = None
        needed = full_evidence
        if signals.meaning_z is not None:
            z = signals.meaning_z[key]
            if z < MEANING_VETO and not quotes:
                continue  # the words are shared, the statement is not
            meaning = _meaning_part(z)
            # Two paragraphs that mean the same need fewer shared words to show it: a
            # paraphrase shares the telling words ("existence", "vocational", "camps")
            # and says the rest otherwise.
            needed *= 1.0 - MEANING_EVIDENCE * meaning
        lex = min(lexical.get(key, 0.0), 1.0) * min(1.0, evidence.get(key, 0.0) / needed)
        lex = max(lex, SENTENCE_WEIGHT * sentence.get(key, 0.0))
        # Names, phrases, figures and meaning can at most double the words' part, so the
        # words must reach half the threshold: players named in two match reports of
        # different games do not make a pair. Meaning relieves it as it does the evidence.
        if not quotes and LEXICAL_WEIGHT * lex < 0.5 * threshold * needed / full_evidence:
            continue
        phr = min(phrase.get(key, 0.0), 1.0)
        ent = min(entity.get(key, 0.0), 1.0)
        fig = figure.get(key, 0.0)
        score = _combine(lex, phr, ent, fig, quotes)
        if meaning is not None:
            # Like names and figures, meaning corroborates the words two paragraphs share:
            # it can at most double them, so a near-miss on words alone is lifted but two
            # paragraphs sharing three words and a topic are not.
            score = min(1.0, score + min(MEANING_WEIGHT * meaning, LEXICAL_WEIGHT * lex))
        if key in signals.contradictions:
            score = max(score - CONTRADICTION_PENALTY, 0.0)
        scores[key] = (score, lex, phr, ent, fig, quotes, meaning)
    return scores


def _combine(lexical: float, phrase: float, entity: float, figure: float, quotes: int) -> float:
    """One score from the signals. Phrases, names and figures corroborate the words two
    paragraphs share: they can at most double the lexical part, so two paragraphs naming
    the same people in different contexts ("Tony Blair in Sedgefield") stay apart. A shared
    quotation adds QUOTE_WEIGHT on its own."""
    words = LEXICAL_WEIGHT * lexical
    support = PHRASE_WEIGHT * phrase + ENTITY_WEIGHT * entity + FIGURE_WEIGHT * figure
    return min(1.0, words + min(support, words) + (QUOTE_WEIGHT if quotes else 0.0))


def _sentence_scores(
    side_a: _Side,
    side_b: _Side,
    idf: Mapping[str, float],
    full_evidence: float,
    meaning_z: Mapping[tuple[int, int], float] | None = None,
) -> dict[tuple[int, int], float]:
    """(a, b) → the best cosine of a sentence of paragraph a with a sentence of paragraph b,
    scaled down when the words they share weigh little (FULL_SENTENCE_EVIDENCE).

    Long paragraphs cover several things; when one sentence of each reports the same
    thing ("up to 2 million Uighurs have been detained" and "among 1.5 million detainees"),
    the paragraphs' cosine is diluted by the rest, but the sentences' is not. With
    `meaning_z`, paragraphs that mean the same need fewer shared words (MEANING_EVIDENCE).
    """
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    owner_b = [number for number, _ in side_b.sentence_vectors]
    for position, (_, vector) in enumerate(side_b.sentence_vectors):
        for term, weight in vector.items():
            postings[term].append((position, weight))
    best: dict[tuple[int, int], float] = {}
    for number, vector in side_a.sentence_vectors:
        dots: dict[int, float] = defaultdict(float)
        mass: dict[int, float] = defaultdict(float)
        shared: dict[int, int] = defaultdict(int)
        for term, weight in vector.items():
            found = postings.get(term)
            if not found:
                continue
            term_mass = term_weight(term, idf)
            for position, other_weight in found:
                dots[position] += weight * other_weight
                mass[position] += term_mass
                shared[position] += 1
        for position, dot in dots.items():
            if shared[position] < MIN_SHARED:
                continue  # two short sentences sharing two words ("fulfil his promise")
            key = (number, owner_b[position])
            needed = full_evidence
            if meaning_z is not None:
                needed *= 1.0 - MEANING_EVIDENCE * _meaning_part(meaning_z.get(key, 0.0))
            value = min(dot, 1.0) * min(1.0, mass[position] / needed)
            if value > best.get(key, 0.0):
                best[key] = value
    return best


def _select_pairs(
    scores: dict[tuple[int, int], _Score],
    side_a: _Side,
    side_b: _Side,
    threshold: float,
    figure_matches: Mapping[tuple[int, int], list[FigureMatch]],
    distinctive: Collection[str],
) -> list[ParagraphPair]:
    """The pairs worth showing, each with the shared words, `distinctive` names and figures
    that explain it."""
    best_for_a: dict[int, float] = defaultdict(float)
    best_for_b: dict[int, float] = defaultdict(float)
    for (x, y), (score, *_rest) in scores.items():
        best_for_a[x] = max(best_for_a[x], score)
        best_for_b[y] = max(best_for_b[y], score)
    pairs = []
    for (x, y), (score, lex, phr, ent, fig, quotes, meaning) in scores.items():
        if score < threshold:
            continue  # the one threshold: no pair under it is ever shown
        if score < RELATIVE_CUTOFF * best_for_a[x] and score < RELATIVE_CUTOFF * best_for_b[y]:
            continue
        figures = [match.a.text for match in figure_matches.get((x, y), ())]
        figures += [
            text
            for key, text in side_a.figures.get(x, {}).items()
            if key in side_b.figures.get(y, {}) and text not in figures
        ]
        pairs.append(
            ParagraphPair(
                a=x,
                b=y,
                score=score,
                lexical=lex,
                entity=ent,
                figure=fig,
                quotes=quotes,
                shared_terms=_shared_terms(side_a, side_b, x, y),
                shared_entities=tuple(
                    sorted(
                        name
                        for name in side_a.entities.get(x, set()) & side_b.entities.get(y, set())
                        if name in distinctive
                    )
                ),
                shared_figures=tuple(figures),
                phrase=phr,
                meaning=meaning,
            )
        )
    return sorted(pairs, key=lambda pair: (pair.a, pair.b))


def _shared_terms(side_a: _Side, side_b: _Side, x: int, y: int) -> tuple[str, ...]:
    """The shared words that contribute most to a pair's lexical score, as written in a."""
    vector_a, vector_b = side_a.vectors[x], side_b.vectors[y]
    weight = {term: value * vector_b[term] for term, value in vector_a.items() if term in vector_b}
    ranked = sorted(weight, key=lambda term: (-weight[term], term))
    surface = side_a.surface[x]
    return tuple(surface[t] for t in ranked if t in surface and t not in STOPWORDS)[
        :MAX_SHOWN_TERMS
    ]


def _alignment(
    a: Article,
    b: Article,
    pairs: list[ParagraphPair],
    side_a: _Side,
    side_b: _Side,
    threshold: float,
    source: str,
    meaning: bool,
) -> Alignment:
    best_b: dict[int, tuple[float, int]] = {}
    best_a: dict[int, tuple[float, int]] = {}
    for pair in pairs:
        if pair.a not in best_b or pair.score > best_b[pair.a][0]:
            best_b[pair.a] = (pair.score, pair.b)
        if pair.b not in best_a or pair.score > best_a[pair.b][0]:
            best_a[pair.b] = (pair.score, pair.a)
    return Alignment(
        a_id=a.id,
        b_id=b.id,
        pairs=tuple(pairs),
        only_in_a=tuple(n for n in side_a.numbers if n not in best_b),
        only_in_b=tuple(n for n in side_b.numbers if n not in best_a),
        best_b_for_a={n: partner for n, (_, partner) in best_b.items()},
        best_a_for_b={n: partner for n, (_, partner) in best_a.items()},
        a_paragraphs=tuple(side_a.numbers),
        b_paragraphs=tuple(side_b.numbers),
        threshold=threshold,
        entity_source=source,
        meaning=meaning,
    )


def compare(
    a: Article,
    b: Article,
    entities: EntityMap | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    meaning: MeaningMap | None = None,
    background: Mapping[str, float] | None = None,
) -> Comparison:
    """Align `a` and `b`, find their shared quotations and match their figures.

    `timings` on the result records seconds spent in each step (quotes, figures, align).
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()
    quotes = tuple(shared_quotes(a, b))
    timings["quotes"] = time.perf_counter() - started
    started = time.perf_counter()
    figures_a, figures_b = extract_figures(a), extract_figures(b)
    matches = tuple(match_figures(figures_a, figures_b))
    timings["figures"] = time.perf_counter() - started
    started = time.perf_counter()
    found = _Found(quotes, figures_a, figures_b, matches)
    alignment = _align(a, b, entities, threshold, found, meaning, background)
    timings["align"] = time.perf_counter() - started
    return Comparison(a, b, alignment, quotes, matches, timings)


BACKGROUND_FILE = "background.json"


def load_background(workspace: Workspace) -> dict[str, float]:
    """The workspace's corpus background for `align` (passages.background_weights): read
    from indexes/compare/background.json while the articles are unchanged, else computed
    (about 3 s for 2,000 articles) and saved. Empty for a small workspace."""
    articles = workspace.articles
    digest = hashlib.sha256()
    for article_id in sorted(articles):
        digest.update(f"{article_id}\0{articles[article_id].checksum}\0".encode())
    key = digest.hexdigest()
    path = workspace.indexes_dir / "compare" / BACKGROUND_FILE
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        if saved.get("key") == key and isinstance(saved.get("weights"), dict):
            return {str(term): float(weight) for term, weight in saved["weights"].items()}
    except (OSError, ValueError, TypeError, AttributeError):
        pass  # missing or damaged: computed again
    weights = corpus_background(articles.values())
    from tuireader.core.fileio import atomic_write_text

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps({"key": key, "weights": weights}))
    except OSError:
        pass  # a read-only workspace computes it each time
    return weights


def comparison_passages(*articles: Article) -> dict[tuple[str, int], str]:
    """(article id, paragraph) → text of the paragraphs an alignment of `articles` pairs:
    what `comparison_meaning` needs vectors for."""
    return {(a.id, p.number): p.text for a in articles for p in aligned_paragraphs(a)}


def comparison_meaning(
    workspace: Workspace, articles: Sequence[Article], encoder: Encoder | None = None
) -> dict[tuple[str, int], Any] | None:
    """Meaning vectors for comparing `articles`, from the workspace's cache, encoding the
    missing ones with `encoder`; without one (the app), None unless all are cached."""
    from tuireader.core.compare.meaning import VectorStore, meaning_vectors

    store = VectorStore.for_workspace(workspace)
    return meaning_vectors(store, comparison_passages(*articles), encoder)
