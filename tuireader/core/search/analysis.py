"""How the search index reads words: one analyzer for indexing, queries and highlights.

A reader forgives spelling that does not change the word, so the analyzer folds it away:

- **accents and letter forms** (café = cafe, Ürümqi = Urumqi, Łódź = Lodz) and curly
  apostrophes (O’Reilly = O'Reilly), by `fold_letters` in core/text.py;
- **hyphens and apostrophes inside a word** (e-mail = email, re-education = reeducation,
  O'Reilly = OReilly): in the text such a word is indexed as its closed form *and* as each
  of its parts, all at the word's one position, so `mail`, `email` and `e-mail` all find
  "e-mail", and a phrase around the word still matches. In a query the word is its closed
  form only (an AND of the parts would miss the closed spelling). A trailing possessive
  's is dropped (Blair's = Blair);
- **word families** by the Porter2 (Snowball English) stemmer: Porter's original split
  nominated/nominations, virus/viruses, operated/operation and generated/generation,
  and merged Arsenal, Arsene and arsenic, which Porter2 keeps apart.

Stop words are dropped as before (they take no position, so phrases skip them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.analysis import (
    STOP_WORDS,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
)
from whoosh.lang.porter2 import stem

from tuireader.core.text import fold_letters

# A word: letters, digits (and * for wildcards in queries), possibly joined by dots (U.S.),
# hyphens or apostrophes (e-mail, O'Reilly). Combining accents belong to the word (text in
# decomposed form).
_LETTERS = r"[\w*\u0300-\u036f]+"
WORD_PATTERN = re.compile(rf"{_LETTERS}(?:[.'’‘\-‐‑]{_LETTERS})*")
_JOINERS = re.compile(r"['\-]")
MIN_WORD = 2  # shorter words (and parts of words) are not indexed


class FoldFilter(Filter):
    """Folds accents and letter forms (see `fold_letters`)."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:  # type: ignore[override]
        for token in tokens:
            token.text = fold_letters(token.text)
            yield token


class CompoundFilter(Filter):
    """A word with inner hyphens or apostrophes: its closed form, plus (when indexing) each
    part at the same position. Runs after the stop filter, which renumbers positions."""

    def __init__(self, stoplist: frozenset[str] = STOP_WORDS) -> None:
        self.stoplist = stoplist

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:  # type: ignore[override]
        for token in tokens:
            text = token.text
            if "-" not in text and "'" not in text:
                yield token
                continue
            parts = [part for part in _JOINERS.split(text) if part]
            if len(parts) > 1 and parts[-1] == "s" and text.endswith("'s"):
                parts.pop()  # a possessive: Blair's is Blair
            closed = "".join(parts)
            if len(closed) < MIN_WORD:
                continue
            token.text = closed
            if getattr(token, "mode", "") == "query" or len(parts) == 1:
                yield token
                continue
            seen = {closed}
            yield token.copy()
            for part in parts:
                if len(part) >= MIN_WORD and part not in self.stoplist and part not in seen:
                    seen.add(part)
                    token.text = part
                    yield token.copy()


def stem_word(word: str) -> str:
    """The Porter2 stem of a word; abbreviations with dots (U.S., e.g.) are kept whole
    (Porter2 would cut "u.s" to "u.")."""
    return word if "." in word else stem(word)


def text_analyzer(stoplist: frozenset[str] | None = STOP_WORDS) -> Any:
    """The analyzer of the text fields (body, title, names); `stoplist=None` keeps stop
    words (highlighting, where every word of the text is looked at)."""
    stops = stoplist or frozenset()
    return (
        RegexTokenizer(WORD_PATTERN)
        | FoldFilter()
        | LowercaseFilter()
        | StopFilter(stoplist=stops, minsize=MIN_WORD)
        | CompoundFilter(stops)
        | StemFilter(stemfn=stem_word, cachesize=100_000)
    )


def word_forms(analyzer: Any, word: str) -> set[str]:
    """Every index term one word of text is indexed as (its closed form and parts)."""
    return {token.text for token in analyzer(word)}
