"""Spelling normalisation for joining full names across articles.

Three comparison forms, each answering one question about two folded spellings (see
`tuireader.core.text.fold`: case, accents and dots already gone):

- `name_key`: are they the same name written with other punctuation, a leading "the" or a
  company suffix? "Marks & Spencer" = "Marks and Spencer", "Daimler-Chrysler" =
  "DaimlerChrysler", "The Arcadia Group" = "Arcadia". Company suffixes are dropped only
  when asked (`company=True`): "Virgin Group" is Virgin, but a person is never shortened.
- `translit_key`: are they two romanisations of one name? The rules are the ones English
  news uses for Russian, Central Asian and Arabic names: zh/dzh = j, kh = h, q = k, y = i,
  ou = u, doubled letters as one, a final -ev as -ov ("Nazarbayev" = "Nazarbaev",
  "Khodorkovsky" = "Hodorkovski", "Gorbachev" = "Gorbachov", "Mohammed" = "Mohamed").
- `is_typo`: is one a slip of the pen for the other? One letter changed, added, dropped or
  two neighbours swapped ("DaimlerChrylser" for "DaimlerChrysler"), in a long spelling.

Whether two spellings that pass one of these tests are then joined is decided by the
grouping (`groups`), from the corpus: how often each is written, where, and as what.
This module only knows letters.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA

from tuireader.core.entities.types import COMPANY_SUFFIXES

# Words that end a company's name without naming it: the type table's suffixes, and the
# longer words business news drops as freely ("MCI Communications" is MCI).
NAME_SUFFIXES = COMPANY_SUFFIXES | frozenset({"company", "communications", "and co", "& co"})
MIN_TYPO_LETTERS = 7  # shorter spellings are too close to other names (Brown/Browne)
MIN_LONE_TYPO_LETTERS = 10  # a lone word shorter than this slips only by a swap

_NOT_LETTER = re.compile(r"[^a-z0-9]")
_AND = re.compile(r"\s*&\s*")
_DOUBLED = re.compile(r"([a-z])\1+")
_TRANSLIT = (
    (re.compile(r"dzh|zh|dj"), "j"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"q"), "k"),
    (re.compile(r"ou"), "u"),
    (re.compile(r"y"), "i"),
)
_YEV_ENDING = re.compile(r"(?<=[aeiou])iev$")  # Nazarbaiev (from -ayev) = Nazarbaev
_EV_ENDING = re.compile(r"ev$")


@lru_cache(maxsize=65536)
def strip_company_suffix(folded: str) -> str:
    """The folded spelling without its trailing company words ("yukos oil co" ->
    "yukos oil", "arcadia group" -> "arcadia"); never down to nothing."""
    words = folded.replace(",", " ").split()
    while len(words) > 1:
        if len(words) > 2 and " ".join(words[-2:]) in NAME_SUFFIXES:
            words = words[:-2]
        elif words[-1] in NAME_SUFFIXES:
            words = words[:-1]
        else:
            break
    return " ".join(words)


@lru_cache(maxsize=65536)
def name_key(folded: str, *, company: bool = False) -> str:
    """The letters and digits of a folded spelling, with "&" read as "and" and a leading
    "the" dropped; with `company`, trailing company words too. Punctuation and spaces go:
    "al-qaeda" = "al qaeda", "marks & spencer" = "marks and spencer"."""
    text = _AND.sub(" and ", folded)
    if text.startswith("the ") and len(text.split()) > 1:
        text = text[4:]
    if company:
        text = strip_company_suffix(text)
    return _NOT_LETTER.sub("", text)


@lru_cache(maxsize=65536)
def translit_token(token: str, *, doubled: bool = True) -> str:
    """One folded word in the common form of its romanisations (see the module docstring);
    `doubled=False` keeps doubled letters (Gerrard/Gerard are two English names)."""
    token = _NOT_LETTER.sub("", token)
    for pattern, replacement in _TRANSLIT:
        token = pattern.sub(replacement, token)
    if doubled:
        token = _DOUBLED.sub(r"\1", token)
    token = _YEV_ENDING.sub("ev", token)
    return _EV_ENDING.sub("ov", token)


def translit_key(folded: str, *, doubled: bool = True) -> tuple[str, ...]:
    """A folded spelling's words, each in the common form of its romanisations."""
    return tuple(translit_token(token, doubled=doubled) for token in folded.split())


def is_typo(a: str, b: str, *, one_word: bool = False) -> bool:
    """Two different name keys (`name_key`) one edit apart (a letter changed, added or
    dropped, or two neighbours swapped), both long and starting alike: a slip of the pen,
    if the corpus agrees (which the caller decides). Never a letter added at the end
    (Kashmir/Kashmiri, Kenya/Kenyan are two words). A lone word (`one_word`) shorter than
    `MIN_LONE_TYPO_LETTERS` only by two neighbours swapped ("Cheslea"): a letter more or less
    in a short word is as often another name (McIntosh/Macintosh)."""
    if a == b or min(len(a), len(b)) < MIN_TYPO_LETTERS or a[0] != b[0]:
        return False
    if a.isdigit() or b.isdigit() or a.startswith(b) or b.startswith(a):
        return False
    if OSA.distance(a, b, score_cutoff=1) > 1:
        return False
    if one_word and min(len(a), len(b)) < MIN_LONE_TYPO_LETTERS:
        return len(a) == len(b) and sorted(a) == sorted(b)  # two neighbours swapped
    return True


def typo_buckets(key: str) -> tuple[str, str]:
    """Two bucket labels for a name key: any two keys one edit apart (`is_typo`, at least
    `MIN_TYPO_LETTERS` long) share at least one, so candidates need not be compared all
    against all. The first three letters, or the last three."""
    return (f"<{key[:3]}", f">{key[-3:]}")
