"""Spelling variants: a query term also matches close spellings present in the corpus.

Transliterated names are spelled many ways (Uyghur/Uighur, Abdrakhmanov/Abdurakhmanov). A
variant is a corpus term of similar length, same first letter, high normalised Levenshtein
similarity and not a mere prefix extension (which would be another inflection or word).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from whoosh.query import Or, Query, Term

MIN_TERM_LENGTH = 5
MIN_SIMILARITY = 0.8
MAX_VARIANTS = 8


class VariantFinder:
    """Finds close spellings of a term among the terms of each indexed field."""

    def __init__(self, lexicons: dict[str, Iterable[str]]) -> None:
        # Bucket by first letter: variants share it, and buckets keep look-ups fast.
        self._buckets: dict[str, dict[str, list[str]]] = {}
        for fieldname, terms in lexicons.items():
            buckets: dict[str, list[str]] = defaultdict(list)
            for term in terms:
                if len(term) >= MIN_TERM_LENGTH - 1 and term.isalpha():
                    buckets[term[0]].append(term)
            self._buckets[fieldname] = dict(buckets)
        self._cache: dict[tuple[str, str], list[str]] = {}

    def find(self, fieldname: str, term: str) -> list[str]:
        """Close spellings of `term` in `fieldname`, best first (never `term` itself)."""
        key = (fieldname, term)
        if key not in self._cache:
            self._cache[key] = self._search(fieldname, term)
        return self._cache[key]

    def _search(self, fieldname: str, term: str) -> list[str]:
        if len(term) < MIN_TERM_LENGTH or not term.isalpha():
            return []
        candidates = [
            candidate
            for candidate in self._buckets.get(fieldname, {}).get(term[0], [])
            if abs(len(candidate) - len(term)) <= max(2, len(term) // 4)
            and candidate != term
            and not candidate.startswith(term)
            and not term.startswith(candidate)
        ]
        matches = process.extract(
            term,
            candidates,
            scorer=Levenshtein.normalized_similarity,
            score_cutoff=MIN_SIMILARITY,
            limit=MAX_VARIANTS,
        )
        return [match[0] for match in matches]


def expand_with_variants(
    query: Query, finder: VariantFinder, fields: Iterable[str]
) -> tuple[Query, dict[str, list[str]]]:
    """The query with each term in `fields` widened to an OR of its close spellings.

    Returns the new query and the variants used, by term. Phrases stay exact.
    """
    wanted = set(fields)
    used: dict[str, list[str]] = {}

    def widen(node: Query) -> Query:
        if isinstance(node, Term) and node.fieldname in wanted and isinstance(node.text, str):
            spellings = finder.find(node.fieldname, node.text)
            if not spellings:
                return node
            used[node.text] = spellings
            return Or([node, *(Term(node.fieldname, s) for s in spellings)])
        if node.is_leaf():
            return node
        return node.apply(widen)

    return widen(query), used
