"""The one home of text rules (no Textual import): sentences, quote normalisation,
folding and tags.

Every place that asks "where do the sentences of this paragraph end?", "are these two
spellings the same name?" or "what tags did the user type?" asks here, so the reader, the
annotations, the comparison and the entity views cannot drift apart.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# ---------------------------------------------------------------------------- sentences

# A sentence ends with . ! ? or … (possibly several, then closing quotes or brackets),
# followed by blank space and something that can start a sentence.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]*[A-Z0-9À-ÖØ-Þ])")
_ABBREVIATIONS_TEXT = (
    "mr mrs ms dr prof st jr sr vs gen col sen rep gov lt sgt capt mt no nos fig jan feb mar "
    "apr jun jul aug sep sept oct nov dec inc ltd co corp dept est approx e.g i.e u.s u.k u.n"
)
_ABBREVIATIONS = frozenset(_ABBREVIATIONS_TEXT.split())
"""Lower-case words (without their final dot) whose dot does not end a sentence."""
_OPENING = "\"'“‘«(["
"""Marks that may stand before the first word of a sentence or a quotation."""
_CLOSING = "\"'”’»)]"
"""Marks that may follow the end of a sentence and still belong to it."""
_ENDS = ".!?…"


def _is_abbreviation(word: str) -> bool:
    """Whether the dot ending `word` ("Mr.", "U.S.", "J.") is an abbreviation's or an
    initial's rather than a full stop."""
    last = word.rstrip(".").lstrip(_OPENING).lower()
    return last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The sentences of one paragraph's text as (start, end) offsets into it.

    A plain heuristic (no NLP): a sentence ends at . ! ? or … followed by a capital, a
    digit or an opening quote; abbreviations (Mr., U.S., e.g.) and initials (J. K.) do not
    end one. Closing quotes and brackets after the end belong to the sentence; blank space
    between sentences belongs to neither.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        words_before = text[start : match.start() + 1].split()
        if match.group().startswith(".") and words_before and _is_abbreviation(words_before[-1]):
            continue
        spans.append((start, match.end()))
        rest = text[match.end() :]
        start = match.end() + len(rest) - len(rest.lstrip())
    if text[start:].strip():
        stripped = text.rstrip()
        spans.append((start, len(stripped)))
    # Leading blank space of the paragraph is not part of its first sentence.
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in spans if e > s]


def starts_sentence(text: str, position: int) -> bool:
    """Whether the word at `position` opens a sentence: only blank space and opening quotes
    or brackets lie between it and the start of `text`, the end of a sentence (. ! ? or …,
    perhaps followed by closing quotes) or a colon.

    The same ends as `sentence_spans`, seen from the word's side: "Mr. Smith" and "the
    U.S. Army" open no sentence. A colon counts although `sentence_spans` does not split
    there: what follows one is often a sentence of its own ("The toll: Three hundred
    dead"), so a capital after it says nothing about the word.
    """
    index = position - 1
    while index >= 0 and (text[index].isspace() or text[index] in _OPENING):
        index -= 1
    if index < 0:
        return True
    end = index
    while end >= 0 and text[end] in _CLOSING:
        end -= 1
    if end < 0 or text[end] not in _ENDS + ":":
        return False
    if text[end] != ".":
        return True
    word_start = end
    while word_start > 0 and not text[word_start - 1].isspace():
        word_start -= 1
    return not _is_abbreviation(text[word_start : end + 1])


def opens_quotation(text: str, position: int) -> bool:
    """Whether the word at `position` comes right after an opening quotation mark or
    bracket (“Three, (Later, "Some).

    A quotation's first word is capitalised whatever it is, so, like a sentence's, its
    capital says nothing about whether the word is a name. A straight quote opens only
    when nothing is glued before it: in `said "no" Then` and `the boys' Three` it closes.
    A square bracket is not counted: "[Uyghur]" is an editor's insertion, capitalised
    because it is a name.
    """
    index = position - 1
    while index >= 0 and text[index].isspace():
        index -= 1
    if index < 0 or text[index] not in _OPENING or text[index] == "[":
        return False
    if text[index] in "\"'":
        return index == 0 or text[index - 1].isspace() or text[index - 1] in _OPENING
    return True


# ---------------------------------------------------------------------------- quotes

# Typographic variants a user typing a quote on a plain keyboard will not reproduce. Each
# maps to one character, so straightening keeps every offset (anchoring relies on it).
_QUOTE_TABLE = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
    }
)


def straighten_quotes(text: str) -> str:
    """`text` with typographic single and double quotes (and primes) made straight ' and ".

    One character for one, so offsets into the result are offsets into `text`.
    """
    return text.translate(_QUOTE_TABLE)


# ---------------------------------------------------------------------------- folding


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """The comparison form of a spelling: no accents, casefolded, straight quotes and
    dashes, no dots ("U.S." = "US"), runs of blank space as one space.

    Both sides of a comparison must go through it (entity grouping keys, the entity
    filter and what is typed into it).
    """
    # Quotes first: NFKD would turn a double prime into two primes.
    text = unicodedata.normalize("NFKD", straighten_quotes(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("–", "-").replace("—", "-")
    text = text.replace(".", "").casefold()
    return " ".join(text.split())


# Letters that carry no combining accent under NFKD yet are read as plain Latin letters by
# a reader who types on an English keyboard.
_LETTER_TABLE = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "ı": "i",
        "ħ": "h",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Ð": "D",
        "‐": "-",
        "‑": "-",
    }
)


@lru_cache(maxsize=65536)
def fold_letters(word: str) -> str:
    """`word` with accents and letter forms folded to plain Latin letters (café → cafe,
    Ürümqi → Urumqi, Łódź → Lodz, straße → strasse) and typographic quotes straightened;
    case is kept. Meant for one word at a time (the search analyzer); `fold` also
    casefolds and drops dots, for comparing whole spellings."""
    if word.isascii():
        return word
    word = unicodedata.normalize("NFKD", straighten_quotes(word).translate(_LETTER_TABLE))
    return "".join(ch for ch in word if not unicodedata.combining(ch))


# ---------------------------------------------------------------------------- tags


def parse_tags(text: str) -> list[str]:
    """Tags as typed in the note or export dialog.

    Commas separate tags. A part that uses '#'-style tags (one of its words starts with
    '#') is split at blank space too, so "#a #b" is two tags; any other part is one tag,
    spaces kept ("human rights"), runs of blank space collapsed. A leading '#' is dropped;
    blanks and repeats are dropped, order kept.
    """
    tags: list[str] = []
    for part in text.split(","):
        words = part.split()
        if any(word.startswith("#") for word in words):
            tags.extend(word.lstrip("#") for word in words)
        else:
            tags.append(" ".join(words).lstrip("#"))
    return list(dict.fromkeys(tag for tag in tags if tag))


def plural(count: int, word: str, many: str | None = None) -> str:
    """The count and a noun that agrees with it: "1 hit", "2 hits", "1,234 articles"
    (`many` for a plural that is not `word` + "s": "1 match", "3 matches")."""
    return f"{count:,} {word if count == 1 else (many or word + 's')}"
