"""A "did you mean" for a query with few hits, rewritten with better-attested spellings.

The candidates for each word come from the index's own terms (`SpellingTables.suggest`,
compared as stems); this module finds the words of the query string that need one, looks
up how the text spells each candidate, and keeps the spelling closest to the word typed
(`electon` → election, not electronic, though the stem `electron` is nearer to `electon`
than `elect`). The word is written back as the text spells it, so the suggestion can be
searched as it stands.
"""

from __future__ import annotations

from typing import Any

from whoosh.query import Phrase, Query, Term

from tuireader.core.search.analysis import WORD_PATTERN, text_analyzer, word_forms
from tuireader.core.search.variants import BODY_FIELD, LONG_WORD, SpellingTables

# A query with fewer matching paragraphs than this is offered a "did you mean".
FEW_HITS = 3
TEXT_FIELDS = ("body", "title")
PARAGRAPHS_LOOKED_AT = 3  # per candidate, for its spellings in the text
_ANALYZER = text_analyzer()


def _query_words(parsed: Query) -> set[str]:
    """The analysed words the query seeks in the text fields (terms and phrase words)."""
    words: set[str] = set()
    for leaf in parsed.leaves():
        if getattr(leaf, "fieldname", None) not in TEXT_FIELDS:
            continue
        if isinstance(leaf, Term) and isinstance(leaf.text, str):
            words.add(leaf.text)
        elif isinstance(leaf, Phrase):
            words.update(w for w in leaf.words if isinstance(w, str))
    return words


def _spellings(searcher: Any, term: str) -> set[str]:
    """How the text spells an index term: the words of a few paragraphs holding it whose
    closed form is the term (not a compound that only holds it as a part)."""
    found: set[str] = set()
    for count, docnum in enumerate(searcher.docs_for_query(Term(BODY_FIELD, term))):
        if count >= PARAGRAPHS_LOOKED_AT:
            break
        text = searcher.stored_fields(docnum).get("body", "")
        for match in WORD_PATTERN.finditer(text):
            word = match.group()
            forms = [token.text for token in _ANALYZER(word, mode="query")]
            if forms == [term] and term in word_forms(_ANALYZER, word):
                found.add(word)
    return found


def _best_spelling(
    searcher: Any, tables: SpellingTables, typed: str, candidates: list[str]
) -> str | None:
    """The text's spelling of a candidate term closest to the word typed (one edit, two
    in long words), lower-case unless the corpus writes the term as a name."""
    from rapidfuzz.distance import DamerauLevenshtein

    typed_lower = typed.lower()
    limit = 2 if len(typed) >= LONG_WORD else 1
    vocabulary = tables.vocabulary()
    best: tuple[int, int, str] | None = None
    for term in candidates:
        for word in _spellings(searcher, term):
            shown = word if tables.is_name(term) else word.lower()
            distance = DamerauLevenshtein.distance(typed_lower, shown.lower())
            # Equally close: the more frequent word (minster → minister, not monster).
            rank = (distance, -vocabulary.get(term, 0), shown)
            if distance <= limit and (best is None or rank < best):
                best = rank
    return best[2] if best else None


def did_you_mean(
    query: str, parsed: Query, searcher: Any, tables: SpellingTables, matched: int
) -> list[str]:
    """The query with its rare words replaced by a much more frequent close spelling, when
    it matched fewer than FEW_HITS paragraphs; [] when nothing better is known."""
    if matched >= FEW_HITS:
        return []
    reader = searcher.reader()
    wanted = _query_words(parsed)
    parts: list[str] = []
    position = 0
    chosen: dict[str, str | None] = {}
    for found in WORD_PATTERN.finditer(query):
        typed = found.group()
        forms = [token.text for token in _ANALYZER(typed, mode="query")]
        if len(forms) != 1 or forms[0] not in wanted:
            continue
        term = forms[0]
        if typed not in chosen:
            candidates = tables.suggest(term, reader.doc_frequency(BODY_FIELD, term))
            chosen[typed] = _best_spelling(searcher, tables, typed, candidates)
        better = chosen[typed]
        if better:
            parts += [query[position : found.start()], better]
            position = found.end()
    parts.append(query[position:])
    corrected = "".join(parts)
    return [corrected] if corrected != query else []
