"""Side-by-side comparison of two articles: aligned paragraphs, shared quotations, figures.

`align(a, b)` pairs each body paragraph of one article with the paragraphs of the other
that report the same thing. The score of a pair mixes three signals:

* lexical: cosine of TF-IDF vectors over stemmed content words, IDF taken over the
  paragraphs of both articles (so words every paragraph uses, like the story's country,
  weigh little), with variant spellings (Uyghur/Uighur) counted as shared;
* entities: IDF-weighted overlap of the names in the two paragraphs (canonical names from
  the entity engine when given, else runs of capitalised words);
* figures: the same number of the same kind in both paragraphs (1.6 million, 200,000).

A pair is kept when its score passes a threshold and it is among the best for one of its
two paragraphs, so a paragraph with one real partner does not also collect weak ones.
`compare(a, b)` adds shared quotations (quotes.py) and figures matched across the two
sources (figures.py). Nothing here imports Textual or spaCy.
"""

from __future__ import annotations

import math
import re
import time
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tuireader.core.corpus import Article
from tuireader.core.figures import (
    MATCHED_KINDS,
    Figure,
    FigureMatch,
    extract_figures,
    match_figures,
)
from tuireader.core.passages import (
    STOPWORDS,
    TermVector,
    idf_weights,
    term_tokens,
    tfidf_vector,
    variant_map,
    word_set,
)
from tuireader.core.quotes import SharedQuote, shared_quotes

# (article id, paragraph number) → canonical entity names, as the entity engine builds it.
EntityMap = Mapping[tuple[str, int], Collection[str]]

DEFAULT_THRESHOLD = 0.15
LEXICAL_WEIGHT = 0.75
ENTITY_WEIGHT = 0.15
FIGURE_WEIGHT = 0.10
# A shared quotation is near-proof that two paragraphs report the same thing.
QUOTE_WEIGHT = 0.25
# A pair must reach this share of the best score of at least one of its paragraphs.
RELATIVE_CUTOFF = 0.6
# Distinct shared terms + shared figures a pair needs: one shared word is chance.
MIN_SHARED = 3
MAX_SHOWN_TERMS = 8

_CAPITALISED = re.compile(r"[A-Z][\w'’.-]*[\w]|[A-Z]")
_NAME_CONNECTORS = frozenset({"of", "and", "the", "for", "de", "al", "van", "von", "bin"})
_NOT_NAMES = word_set(
    """i a an the in on at as by for from of to and but or if it its this that these those
    he she they we you his her their our my mr mrs ms dr january february march april may
    june july august september october november december monday tuesday wednesday thursday
    friday saturday sunday"""
)
_OPENERS = frozenset('.!?:;"“‘(')


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
    shared_figures: tuple[str, ...]  # numbers both paragraphs give, as written in a

    def to_dict(self) -> dict[str, Any]:
        """The pair as a plain dict (for JSON output)."""
        return {
            "a": self.a,
            "b": self.b,
            "score": round(self.score, 3),
            "lexical": round(self.lexical, 3),
            "entity": round(self.entity, 3),
            "figure": round(self.figure, 3),
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

    def partners(self, number: int, side: str = "a") -> list[ParagraphPair]:
        """The pairs paragraph `number` of side "a" or "b" takes part in, best first."""
        _check_side(side)
        found = [pair for pair in self.pairs if (pair.a if side == "a" else pair.b) == number]
        return sorted(found, key=lambda pair: -pair.score)

    def scroll_target(self, number: int, side: str = "a") -> int:
        """The paragraph of the other article to show beside paragraph `number` of `side`.

        A paired paragraph's best partner; otherwise the partner of the nearest paired
        paragraph before it (after it at the top); with no pairs at all, the paragraph at
        the same relative position.
        """
        _check_side(side)
        best = self.best_b_for_a if side == "a" else self.best_a_for_b
        own = self.a_paragraphs if side == "a" else self.b_paragraphs
        other = self.b_paragraphs if side == "a" else self.a_paragraphs
        if number in best:
            return best[number]
        if best:
            before = [n for n in best if n < number]
            anchor = max(before) if before else min(best)
            return best[anchor]
        if not other:
            return 1
        if not own:
            return other[0]
        position = sum(1 for n in own if n < number) / max(1, len(own))
        return other[min(len(other) - 1, int(position * len(other)))]

    def to_dict(self) -> dict[str, Any]:
        """The alignment as a plain dict (for JSON output); mapping keys become strings."""
        return {
            "a": self.a_id,
            "b": self.b_id,
            "threshold": self.threshold,
            "entity_source": self.entity_source,
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
                initial = _starts_sentence(text, match.start())
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


def _starts_sentence(text: str, position: int) -> bool:
    """Whether the word at `position` opens a sentence (or a quotation, or the text)."""
    position -= 1
    while position >= 0 and text[position].isspace():
        position -= 1
    return position < 0 or text[position] in _OPENERS


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


def _paragraph_entities(
    article: Article, entities: EntityMap | None
) -> tuple[dict[int, set[str]], str]:
    if entities is None:
        return heuristic_entities(article), "heuristic"
    given = {
        p.number: {str(name).lower() for name in entities.get((article.id, p.number), ())}
        for p in article.body_paragraphs
    }
    return given, "given"


def _figure_keys(figures: Sequence[Figure]) -> dict[int, dict[tuple[str, float, float], str]]:
    """Per paragraph: distinctive figures as (kind, low, high) → the text as written.

    Years and dates are left out, and so are small bare counts (under 10), which any two
    paragraphs may share by chance.
    """
    keys: dict[int, dict[tuple[str, float, float], str]] = defaultdict(dict)
    for figure in figures:
        if figure.kind not in MATCHED_KINDS:
            continue
        if figure.kind in ("count", "duration") and figure.value < 10 and figure.high is None:
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
    vectors: dict[int, TermVector] = field(default_factory=dict)
    entities: dict[int, set[str]] = field(default_factory=dict)
    figures: dict[int, dict[tuple[str, float, float], str]] = field(default_factory=dict)


def _side(article: Article) -> _Side:
    numbers, all_terms, surface = [], {}, {}
    capitalised: set[str] = set()
    lower: set[str] = set()
    for paragraph in article.body_paragraphs:
        tokens = term_tokens(paragraph.text)
        numbers.append(paragraph.number)
        all_terms[paragraph.number] = [term for term, _ in tokens]
        words: dict[str, str] = {}
        for term, word in tokens:
            words.setdefault(term, word)
            (capitalised if word[:1].isupper() else lower).add(term)
        surface[paragraph.number] = words
    return _Side(numbers, all_terms, surface, capitalised - lower)


def align(
    a: Article,
    b: Article,
    entities: EntityMap | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> Alignment:
    """Pair the body paragraphs of `a` and `b` that report the same thing.

    `entities` maps (article id, paragraph number) to canonical entity names; without it,
    capitalised-word runs stand in. Pairs scoring under `threshold` are dropped, so
    unrelated paragraphs stay unpaired.
    """
    return _align(
        a, b, entities, threshold, shared_quotes(a, b), extract_figures(a), extract_figures(b)
    )


def _align(
    a: Article,
    b: Article,
    entities: EntityMap | None,
    threshold: float,
    quotes: Sequence[SharedQuote],
    figures_a: Sequence[Figure],
    figures_b: Sequence[Figure],
) -> Alignment:
    """`align` with the quotations and figures already found (compare() needs them too)."""
    side_a, side_b = _side(a), _side(b)
    # Spell b's names the way a does, so Uighur in b meets Uyghur in a. Only capitalised
    # words: transliteration variants are names, and short common stems one letter apart
    # (court/cours, wrote/write) are different words.
    variants = variant_map(side_b.names, side_a.names)
    if variants:
        for number, ts in side_b.terms.items():
            side_b.terms[number] = [variants.get(t, t) for t in ts]
            side_b.surface[number] = {
                variants.get(t, t): w for t, w in side_b.surface[number].items()
            }
    idf = idf_weights([*side_a.terms.values(), *side_b.terms.values()])
    for side in (side_a, side_b):
        side.vectors = {n: tfidf_vector(side.terms[n], idf) for n in side.numbers}

    entities_a, source = _paragraph_entities(a, entities)
    entities_b, _ = _paragraph_entities(b, entities)
    name_variants = variant_map(
        {e for es in entities_b.values() for e in es}, {e for es in entities_a.values() for e in es}
    )
    entities_b = {n: {name_variants.get(e, e) for e in es} for n, es in entities_b.items()}
    side_a.entities, side_b.entities = entities_a, entities_b
    entity_idf = idf_weights([*entities_a.values(), *entities_b.values()])
    side_a.figures, side_b.figures = _figure_keys(figures_a), _figure_keys(figures_b)
    quote_counts: dict[tuple[int, int], int] = defaultdict(int)
    for quote in quotes:
        quote_counts[quote.a_paragraph, quote.b_paragraph] += 1

    scores = _score_matrix(side_a, side_b, entity_idf, quote_counts)
    pairs = _select_pairs(scores, side_a, side_b, threshold)
    return _alignment(a, b, pairs, side_a, side_b, threshold, source)


def _score_matrix(
    side_a: _Side,
    side_b: _Side,
    entity_idf: Mapping[str, float],
    quote_counts: Mapping[tuple[int, int], int],
) -> dict[tuple[int, int], tuple[float, float, float, float, int]]:
    """(a, b) → (score, lexical, entity, figure, quotes) for every pair sharing anything,
    computed through inverted indexes of b so unrelated pairs cost nothing."""
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for number, vector in side_b.vectors.items():
        for term, weight in vector.items():
            postings[term].append((number, weight))
    lexical: dict[tuple[int, int], float] = defaultdict(float)
    shared_count: dict[tuple[int, int], int] = defaultdict(int)
    for number, vector in side_a.vectors.items():
        for term, weight in vector.items():
            for other, other_weight in postings.get(term, ()):
                lexical[number, other] += weight * other_weight
                shared_count[number, other] += 1

    # Entities score by the summed IDF of the names both paragraphs give, on an absolute
    # scale: two names rare in both articles make a full score, while the names every
    # paragraph carries (the story's countries) add next to nothing. A cosine would not do:
    # two paragraphs naming only "China" and "Kazakhstan" would look identical.
    # A name in more than a tenth of the paragraphs (at least four) is the story's cast and
    # counts for nothing; a name in one paragraph of each article counts fully; two such
    # names make a full score.
    paragraphs = len(side_a.numbers) + len(side_b.numbers)
    common = math.log((paragraphs + 1) / (max(0.1 * paragraphs, 4.0) + 0.5))
    full = 2 * max(math.log((paragraphs + 1) / 2.5) - common, 1e-6)
    entity_postings: dict[str, list[int]] = defaultdict(list)
    for number, names in side_b.entities.items():
        for name in names:
            entity_postings[name].append(number)
    entity: dict[tuple[int, int], float] = defaultdict(float)
    for number, names in side_a.entities.items():
        for name in names:
            weight = max(entity_idf.get(name, 0.0) - common, 0.0) / full
            if weight == 0:
                continue
            for other in entity_postings.get(name, ()):
                entity[number, other] += weight

    figure_postings: dict[tuple[str, float, float], list[int]] = defaultdict(list)
    for number, keys in side_b.figures.items():
        for figure_key in keys:
            figure_postings[figure_key].append(number)
    figure: dict[tuple[int, int], float] = defaultdict(float)
    for number, keys in side_a.figures.items():
        for figure_key in keys:
            for other in figure_postings.get(figure_key, ()):
                figure[number, other] = min(1.0, figure[number, other] + 0.5)
                shared_count[number, other] += 1

    scores: dict[tuple[int, int], tuple[float, float, float, float, int]] = {}
    for key in set(lexical) | set(entity) | set(figure) | set(quote_counts):
        quotes = quote_counts.get(key, 0)
        if shared_count.get(key, 0) < MIN_SHARED and not quotes:
            continue
        lex = min(lexical.get(key, 0.0), 1.0)
        ent = min(entity.get(key, 0.0), 1.0)
        fig = figure.get(key, 0.0)
        score = LEXICAL_WEIGHT * lex + ENTITY_WEIGHT * ent + FIGURE_WEIGHT * fig
        score = min(1.0, score + (QUOTE_WEIGHT if quotes else 0.0))
        scores[key] = (score, lex, ent, fig, quotes)
    return scores


def _select_pairs(
    scores: dict[tuple[int, int], tuple[float, float, float, float, int]],
    side_a: _Side,
    side_b: _Side,
    threshold: float,
) -> list[ParagraphPair]:
    best_for_a: dict[int, float] = defaultdict(float)
    best_for_b: dict[int, float] = defaultdict(float)
    for (x, y), (score, *_rest) in scores.items():
        best_for_a[x] = max(best_for_a[x], score)
        best_for_b[y] = max(best_for_b[y], score)
    pairs = []
    for (x, y), (score, lex, ent, fig, quotes) in scores.items():
        if score < threshold:
            continue
        if score < RELATIVE_CUTOFF * best_for_a[x] and score < RELATIVE_CUTOFF * best_for_b[y]:
            continue
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
                    sorted(side_a.entities.get(x, set()) & side_b.entities.get(y, set()))
                ),
                shared_figures=tuple(
                    text
                    for key, text in side_a.figures.get(x, {}).items()
                    if key in side_b.figures.get(y, {})
                ),
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
    )


def compare(
    a: Article,
    b: Article,
    entities: EntityMap | None = None,
    threshold: float = DEFAULT_THRESHOLD,
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
    alignment = _align(a, b, entities, threshold, quotes, figures_a, figures_b)
    timings["align"] = time.perf_counter() - started
    return Comparison(a, b, alignment, quotes, matches, timings)
