"""Figures in articles: numbers with what they count, and the same figure across sources.

A *figure* is a number expression ("1.6 million", "2,000", "$1m", "20%", "tens of
thousands", "three to nine") with a normalised value, a kind (count, percent, money,
duration, year, date), the words right after it ("ethnic Kazakhs": what is counted), an
optional qualifier ("nearly", "up to") and the content words around it. Two sources give the
same figure when those words agree; their values then agree, are consistent (ranges or
qualifiers overlap), or differ. Years and dates are extracted (so they are never mistaken
for counts) but never matched.

What a figure *claims* (whose, when, which kind of quantity) is read in claims.py: between
two articles a "differ" pair whose claims are known to be about different things is not
reported, and corpus-wide groups (`figure_groups`) are built from comparable claims only.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from rapidfuzz.distance import Levenshtein

from tuireader.core.compare.passages import STOPWORDS, stem_word, term_tokens, word_set
from tuireader.core.corpus import Article, Paragraph
from tuireader.core.text import sentence_spans, starts_sentence

# Kinds that are matched across sources; years and dates only keep numbers from being
# read as counts.
MATCHED_KINDS = frozenset({"count", "percent", "money", "duration"})
DEFAULT_MATCH_THRESHOLD = 0.4
MIN_CONTEXT = 0.1  # IDF-weighted Dice of the words around two figures, at the least
MIN_CONTEXT_DURATION = 0.25
MAX_RATIO = 10.0  # values further apart than this are figures for different things
CONTEXT_WORDS = 12  # content words either side of a number, within its sentence
CONTEXT_CHARS = 400  # text either side that is read for them (12 words fit in far less)

_ONES = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
    "hundred": 1e2,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "dozen": 12.0,
    "k": 1e3,
    "m": 1e6,
    "bn": 1e9,
}
# Vague quantities as (low, high) ranges.
_VAGUE = {
    "tens of thousands": (1e4, 99_999.0),
    "hundreds of thousands": (1e5, 999_999.0),
    "tens of millions": (1e7, 99_999_999.0),
    "hundreds of millions": (1e8, 999_999_999.0),
    "several hundred thousand": (2e5, 9e5),
    "several hundred": (200.0, 900.0),
    "several thousand": (2e3, 9e3),
    "several million": (2e6, 9e6),
    "several dozen": (24.0, 108.0),
    "a few hundred": (200.0, 500.0),
    "a few thousand": (2e3, 5e3),
    "a few million": (2e6, 5e6),
    "a few dozen": (24.0, 60.0),
    "hundreds": (100.0, 999.0),
    "thousands": (1e3, 9_999.0),
    "millions": (1e6, 9_999_999.0),
    "dozens": (24.0, 99.0),
}
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_TIME_UNITS = {
    "second": "second",
    "seconds": "second",
    "minute": "minute",
    "minutes": "minute",
    "hour": "hour",
    "hours": "hour",
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
    "year": "year",
    "years": "year",
    "decade": "decade",
    "decades": "decade",
}
_CURRENCY_WORDS = {
    "dollars": "$",
    "dollar": "$",
    "pounds": "£",
    "euros": "€",
    "yuan": "yuan",
    "tenge": "tenge",
    "rubles": "rubles",
    "roubles": "rubles",
}
# Words before a number that make it a label, not a quantity ("Article 55", "Radio 1").
_LABEL_WORDS = word_set(
    "article section chapter paragraph page no number item resolution room flight route "
    "grade level phase round episode season volume vol part channel radio act clause "
    "category stage division league row gate platform window version windows"
)
# People-words: "1 million people" may be counting the same group as "1.5 million detainees".
_GENERIC_HEADS = frozenset({"peopl", "person", "individu", "men", "women", "resid"})
# Nouns that count people. Two figures counting people under different nouns ("2 million
# Uighurs", "1.5 million detainees") may count one group; a count of people and a count of
# things (tonnes, votes) may not. Capitalised plurals (Kazakhs, Uighurs) and words in -men
# (oralmen) count people too.
_PERSON_NOUNS = word_set(
    """people persons individuals men women children adults residents citizens detainees
    prisoners inmates victims refugees migrants immigrants emigrants workers students pupils
    members voters civilians soldiers troops protesters demonstrators activists users patients
    employees staff families households passengers customers viewers fans survivors
    returnees asylum-seekers applicants deportees internees captives hostages casualties
    dead deaths minorities nationals settlers returnee"""
)
# A head noun of one figure seen (inflected) around the other figure names what both count,
# as equal nouns do: "1.5 million detainees" and "2 million Uighurs have been detained".
CROSS_HEAD = 1.0
# Two different nouns for people ("Uighurs", "detainees") may count one group: weakly alike.
PERSON_HEADS = 0.25
# Qualifiers and number words say how much, not what is counted: no evidence of a match.
_QUALIFIER_STEMS = frozenset(
    stem_word(word)
    for word in word_set(
        "nearly almost approximately roughly estimated estimate estimates "
        "least less fewer more just under several few tens hundreds thousands millions "
        + " ".join([*_ONES, *_TEENS, *_TENS, *_SCALES])
    )
)
_PLACE_WORDS = word_set("street road avenue lane square place drive way")
_IRREGULAR_PLURALS = frozenset({"people", "men", "women", "children", "police", "staff"})
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "this", "these", "those"})

_WORDNUM = (
    rf"(?:(?:{'|'.join(_TENS)})(?:[-\s](?:{'|'.join(_ONES)}))?"
    rf"|{'|'.join(_TEENS)}|{'|'.join(_ONES)}|a\s+(?:hundred|thousand|million|billion|dozen))"
)
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUM = rf"(?:{_DIGITS}|{_WORDNUM})"
_VAGUE_RE = "|".join(
    re.escape(phrase).replace(r"\ ", r"\s+") + (r"(?=\s+of\b)" if " " not in phrase else "")
    for phrase in sorted(_VAGUE, key=len, reverse=True)
)
_FIGURE = re.compile(
    rf"""(?<![\w.,/$£€-])
    (?:
        (?P<vague>{_VAGUE_RE})
      | (?P<cur>[$£€])?\s?(?P<num>{_NUM})
        (?:\s?(?:-|–|to)\s?[$£€]?(?P<num2>{_NUM}))?
        (?:(?P<short>bn|m|k)\b|\s+(?P<scale>thousand|million|billion|trillion)\b)?
        (?P<decade>(?<=0)s\b)?
        (?:\s?(?P<pct>%|percent\b|per\s+cent\b))?
    )
    (?![\w/]|[.,]\d)""",
    re.IGNORECASE | re.VERBOSE,
)
# The same pattern without IGNORECASE, run over the lower-cased text: case-folding every
# character made the case-blind search half the cost of extracting figures from a corpus.
_FIGURE_LOWER = re.compile(_FIGURE.pattern, re.VERBOSE)
_QUALIFIER = re.compile(
    r"""(?P<q>nearly|almost|about|around|approximately|roughly|some|over|more\s+than
        |at\s+least|at\s+the\s+very\s+least|up\s+to|less\s+than|fewer\s+than|under
        |just\s+over|just\s+under|an?\s+estimated|estimated|as\s+many\s+as|as\s+few\s+as)
        \s+(?:in\s+the\s+)?$""",
    re.IGNORECASE | re.VERBOSE,
)
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s+$", re.IGNORECASE)
_MONTH_AFTER = re.compile(rf"^\s+(?:{_MONTHS})\b", re.IGNORECASE)
_WORD_BEFORE = re.compile(r"([^\W\d_]+)\.?\s+$")
_HEAD_WORD = re.compile(r"[\s-]*([^\W\d_]+(?:['’-][^\W\d_]+)*)")
_LOWER_BOUND = re.compile(r"^(?:over|more than|at least|at the very least|just over)$")
_UPPER_BOUND = re.compile(r"^(?:up to|less than|fewer than|under|just under|as many as)$")
_NEARLY = re.compile(r"^(?:nearly|almost|just under)$")
# Words that may stand before the second end of a range ("and just over one million").
_RANGE_WORDS = (
    r"(?:(?:just|nearly|almost|about|around|roughly|approximately|some|over|under"
    r"|more\s+than|less\s+than|fewer\s+than)\s+)*"
)
_RANGE_OPEN = re.compile(r"\bbetween\s+$", re.IGNORECASE)
_RANGE_AND = re.compile(rf"^\s*and\s+{_RANGE_WORDS}$", re.IGNORECASE)
_RANGE_TO = re.compile(rf"^\s*(?:to|-|–)\s*{_RANGE_WORDS}$", re.IGNORECASE)
_RANGE_FROM = re.compile(r"\bfrom\s+$", re.IGNORECASE)
_RANGING_FROM = re.compile(r"\brang(?:e|es|ed|ing)\s+from\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    """A number expression in an article, its normalised value and what it counts."""

    article_id: str
    paragraph: int  # 1-based paragraph number
    start: int  # character offsets of the number expression in the article text
    end: int
    text: str  # the expression as written: "1.6 million", "20%", "tens of thousands"
    value: float  # normalised value; for a range, its low end
    high: float | None  # high end of a range ("70-80 percent", "tens of thousands")
    kind: str  # count | percent | money | duration | age | time | year | date
    unit: str | None  # currency ($, £, €, yuan) or time unit (month) where there is one
    qualifier: str | None  # "nearly", "up to", "an estimated" …, lower-cased
    noun: tuple[str, ...]  # the words after the number as written: ("ethnic", "Kazakhs")
    head: frozenset[str]  # stems of `noun`
    context: frozenset[str]  # stems of content words around the number in its sentence
    sentence: str
    sentence_start: int  # offset of `sentence` in the article text

    @property
    def label(self) -> str:
        """Qualifier, number and noun: "nearly 1.6 million ethnic Kazakhs"."""
        parts = [self.qualifier or "", self.text, " ".join(self.noun)]
        return " ".join(part for part in parts if part)

    @property
    def bounds(self) -> tuple[float, float]:
        """The values the figure allows, qualifiers included ("up to 2m" allows 0..2m)."""
        low = self.value
        high = self.high if self.high is not None else self.value
        qualifier = self.qualifier or ""
        if _LOWER_BOUND.match(qualifier):
            high = math.inf
        elif _UPPER_BOUND.match(qualifier):
            low = 0.0
        elif _NEARLY.match(qualifier):
            low = low * 0.9
        elif qualifier:
            low, high = low * 0.95, high * 1.05
        return low, high

    def to_dict(self) -> dict[str, Any]:
        """The figure as a plain dict (for JSON output)."""
        return {
            "article_id": self.article_id,
            "paragraph": self.paragraph,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "value": self.value,
            "high": self.high,
            "kind": self.kind,
            "unit": self.unit,
            "qualifier": self.qualifier,
            "noun": " ".join(self.noun),
            "label": self.label,
            "sentence": self.sentence,
        }


@dataclass(frozen=True)
class FigureMatch:
    """The same quantity given by two sources, and whether their values agree."""

    a: Figure
    b: Figure
    score: float  # 0..1, how surely the two count the same thing
    relation: str  # "same" (equal values), "consistent" (ranges overlap), "differ"

    @property
    def agree(self) -> bool:
        """True unless the values contradict each other."""
        return self.relation != "differ"

    def to_dict(self) -> dict[str, Any]:
        """The match as a plain dict (for JSON output)."""
        return {
            "score": round(self.score, 3),
            "relation": self.relation,
            "agree": self.agree,
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
        }


def parse_number(text: str) -> float | None:
    """The value of a number written in digits or words: "2,000", "1.5", "twenty-one",
    "a hundred". None when `text` is not a number."""
    cleaned = " ".join(text.lower().replace("-", " ").split())
    if not cleaned:
        return None
    if cleaned[0].isdigit():
        try:
            return float(cleaned.replace(",", "").replace(" ", ""))
        except ValueError:
            return None
    if cleaned.startswith("a "):
        return _SCALES.get(cleaned[2:])
    total = 0.0
    for word in cleaned.split():
        value = _ONES.get(word) or _TEENS.get(word) or _TENS.get(word)
        if value is None:
            return None
        total += value
    return total


def extract_figures(article: Article) -> list[Figure]:
    """Every figure in the body (non-furniture) paragraphs of `article`, in text order."""
    figures: list[Figure] = []
    for paragraph in article.body_paragraphs:
        figures.extend(paragraph_figures(article.id, paragraph))
    return figures


class _CaseMatch:
    """A match of _FIGURE_LOWER in the lower-cased text, read in the original text."""

    __slots__ = ("_match", "_text")

    def __init__(self, match: re.Match[str], text: str) -> None:
        self._match, self._text = match, text

    def start(self) -> int:
        return self._match.start()

    def end(self) -> int:
        return self._match.end()

    def group(self, name: str | int = 0) -> Any:  # as re.Match.group: str, or None
        start, end = self._match.span(name)
        return None if start < 0 else self._text[start:end]


def _figure_matches(text: str) -> Iterator[_CaseMatch | re.Match[str]]:
    """The matches of _FIGURE in `text`, found in its lower-cased copy when lower-casing
    keeps every offset (it does not for a few letters, such as "İ")."""
    lowered = text.lower()
    if len(lowered) != len(text):
        yield from _FIGURE.finditer(text)
        return
    for match in _FIGURE_LOWER.finditer(lowered):
        yield _CaseMatch(match, text)


def paragraph_figures(article_id: str, paragraph: Paragraph) -> list[Figure]:
    """The figures of one paragraph."""
    text = paragraph.text
    found: list[tuple[Figure, int, int]] = []
    sentences: list[tuple[int, int]] | None = None  # only read when a number is found
    for match in _figure_matches(text):
        if sentences is None:
            sentences = sentence_spans(text)
        sentence_start, sentence_end = next(
            (span for span in sentences if span[0] <= match.start() < span[1]), (0, len(text))
        )
        figure = _make_figure(article_id, paragraph, match, sentence_start, sentence_end)
        if figure is not None:
            found.append((figure, sentence_start, sentence_end))
    if not found:
        return []
    return _bound_contexts(text, paragraph.start, _join_ranges(text, paragraph.start, found))


def _join_ranges(
    text: str, offset: int, found: list[tuple[Figure, int, int]]
) -> list[tuple[Figure, int, int]]:
    """Join two figures of one sentence that give the ends of a range into one figure with
    a `high`: "between several hundred thousand and just over one million", "between 5 and
    10 percent", "1.2 million to 1.5 million". Not "from X to Y", which is usually a change
    ("rose from 5 to 7 percent"), and not when the second is smaller than the first.
    `found` holds (figure, sentence start, sentence end), offsets into `text`, which starts
    at `offset` in the article."""
    joined: list[tuple[Figure, int, int]] = []
    position = 0
    while position < len(found):
        item = found[position]
        if position + 1 < len(found):
            merged = _range_of(text, offset, item, found[position + 1])
            if merged is not None:
                joined.append((merged, item[1], item[2]))
                position += 2
                continue
        joined.append(item)
        position += 1
    return joined


def _range_of(
    text: str,
    offset: int,
    first_item: tuple[Figure, int, int],
    second_item: tuple[Figure, int, int],
) -> Figure | None:
    """The range two neighbouring figures give, or None when they are two figures."""
    (first, sentence_start, _), (second, second_sentence, _) = first_item, second_item
    if sentence_start != second_sentence or second.kind not in MATCHED_KINDS:
        return None
    if first.kind != second.kind and first.kind != "count":
        return None
    if first.noun or (first.unit and second.unit and first.unit != second.unit):
        return None  # "5 people and 10 percent": each figure counts its own thing
    before = text[sentence_start : first.start - offset]
    between = text[first.end - offset : second.start - offset]
    if _RANGE_OPEN.search(before[-12:]):
        if not _RANGE_AND.match(between):
            return None
    elif not _RANGE_TO.match(between) or (
        _RANGE_FROM.search(before[-8:]) and not _RANGING_FROM.search(before[-20:])
    ):
        return None
    low = first.value
    high = second.high if second.high is not None else second.value
    scale = next((_SCALES[w] for w in second.text.lower().split() if w in _SCALES), None)
    if scale and low < 1000 <= high and low * scale <= high:
        low *= scale  # "between 1 and 1.5 million"
    if high <= low:
        return None
    return replace(
        second,
        start=first.start,
        text=text[first.start - offset : second.end - offset],
        value=low,
        high=high,
        qualifier=first.qualifier,
        context=frozenset(),  # set by _bound_contexts
    )


def _bound_contexts(text: str, offset: int, found: list[tuple[Figure, int, int]]) -> list[Figure]:
    """End each quantity's context where the next quantity of its sentence begins: in
    "among 1.5 million detainees there are tens of thousands of prisoners of Kazakh
    ethnicity", the words after "tens of thousands" describe that figure, not "1.5
    million". The words before stay: a sentence's subject usually comes first and is shared
    by the figures it lists ("Xinjiang is home to 1.6 million Kazakhs and 200,000 Kyrgyz").
    `found` holds (figure, sentence start, sentence end), offsets into `text`, which starts
    at `offset` in the article."""
    figures = [figure for figure, _, _ in found]
    quantities = [item for item in found if item[0].kind in MATCHED_KINDS]
    bounded: dict[int, Figure] = {}
    # Each quantity's context is worked out here, once (figures are made without one).
    for position, (figure, sentence_start, sentence_end) in enumerate(quantities):
        end = sentence_end
        if position + 1 < len(quantities) and quantities[position + 1][1] == sentence_start:
            end = quantities[position + 1][0].start - offset
        before = text[sentence_start : figure.start - offset]
        after = text[figure.end - offset : end]
        bounded[figure.start] = replace(figure, context=_context(before, after, figure.head))
    return [bounded.get(figure.start, figure) for figure in figures]


def _context(before: str, after: str, head: frozenset[str]) -> frozenset[str]:
    """Stems of the content words around a number, CONTEXT_WORDS either side. The noun is
    compared on its own (in the context it would count twice), and qualifiers and number
    words say how much, not what."""
    # Only the text near the number can hold its CONTEXT_WORDS: tokenising a long
    # sentence whole was most of the cost of extraction over a corpus.
    if len(before) > CONTEXT_CHARS:
        before = before[-CONTEXT_CHARS:].split(None, 1)[-1]
    if len(after) > CONTEXT_CHARS:
        after = after[:CONTEXT_CHARS].rsplit(None, 1)[0]
    left = term_tokens(before)[-CONTEXT_WORDS:]
    right = term_tokens(after)[:CONTEXT_WORDS]
    return frozenset(term for term, _ in left + right) - head - _QUALIFIER_STEMS


def _make_figure(
    article_id: str,
    paragraph: Paragraph,
    match: _CaseMatch | re.Match[str],
    sentence_start: int,
    sentence_end: int,
) -> Figure | None:
    """Build a Figure from a regex match, or None for things that are not quantities."""
    text = paragraph.text
    before = text[sentence_start : match.start()]
    after = text[match.end() : sentence_end]
    expression = match.group().strip()
    start = paragraph.start + match.start() + (len(match.group()) - len(match.group().lstrip()))
    label_word = _WORD_BEFORE.search(before[-30:])
    if label_word and label_word.group(1).lower() in _LABEL_WORDS:
        return None

    vague = match.group("vague")
    high: float | None = None
    unit: str | None = None
    scale_word = (match.group("short") or match.group("scale") or "").lower()
    if vague:
        value, high = _VAGUE[" ".join(vague.lower().split())]
        kind = "count"
    else:
        number = match.group("num")
        parsed = parse_number(number)
        if parsed is None:
            return None
        is_word = not number[0].isdigit()
        if scale_word == "m" and not match.group("cur"):
            return None  # "100m" without a currency is metres, not millions
        if is_word and parsed == 1 and not scale_word:
            return None  # "one" is nearly always "one of", "one hearing": not a figure
        multiplier = _SCALES.get(scale_word, 1.0)
        value = parsed * multiplier
        if match.group("num2"):
            second = parse_number(match.group("num2"))
            if second is None:
                return None
            high = second * multiplier
            if high < value:  # "2017-18" style or a hyphenated label: not a range
                return None
        plain = number.isdigit() and not scale_word and not match.group("pct")
        if (
            plain
            and not match.group("cur")
            and (_MONTH_BEFORE.search(before[-15:]) or _MONTH_AFTER.match(after))
        ):
            kind = "date" if parsed <= 31 else "year"
        elif (
            plain
            and not match.group("cur")
            and (match.group("decade") or (len(number) == 4 and 1800 <= parsed <= 2100))
        ):
            kind = "year"
        elif match.group("pct"):
            kind = "percent"
        elif match.group("cur"):
            kind, unit = "money", match.group("cur")
        else:
            kind = "count"

    noun = _head_words(after, skip_of=bool(vague) or kind == "percent")
    capitalised_word = not vague and match.group("num")[0].isupper()
    if capitalised_word and not starts_sentence(text, match.start()):
        return None  # "the Six Nations", "Three Gorges": a name, not a quantity
    if noun and noun[-1].lower() in _PLACE_WORDS:
        return None  # "10 Downing Street": an address
    if kind == "count" and noun:
        first = noun[0].lower()
        if first.startswith("year-old") or first.startswith("years-old"):
            kind = "age"  # "42-year-old": an age says who, not how many
        elif first in ("gmt", "bst", "utc", "am", "pm"):
            kind = "time"  # "0950 GMT"
        elif first in _TIME_UNITS:
            kind, unit = "duration", _TIME_UNITS[first]
        elif first in _CURRENCY_WORDS:
            kind, unit = "money", _CURRENCY_WORDS[first]
    qualifier_match = _QUALIFIER.search(before[-40:])
    qualifier = " ".join(qualifier_match.group("q").lower().split()) if qualifier_match else None
    head = frozenset(stem_word(word.lower()) for word in noun)
    return Figure(
        article_id=article_id,
        paragraph=paragraph.number,
        start=start,
        end=start + len(expression),
        text=expression,
        value=value,
        high=high,
        kind=kind,
        unit=unit,
        qualifier=qualifier,
        noun=noun,
        head=head,
        # Set by _bound_contexts for quantities; years, dates, ages and times are never
        # matched, so their words are not needed.
        context=frozenset(),
        sentence=text[sentence_start:sentence_end].strip(),
        sentence_start=paragraph.start + sentence_start,
    )


def _head_words(after: str, skip_of: bool) -> tuple[str, ...]:
    """Up to three content words right after a number: what it counts.

    "1.6 million ethnic Kazakhs." → (ethnic, Kazakhs); "5.5 percent of Kazakhstan’s total
    population" → (Kazakhstan’s, total, population) when `skip_of` (percent, "tens of").
    """
    words: list[str] = []
    position = 0
    may_skip = "of" if skip_of else ""
    while len(words) < 3:
        match = _HEAD_WORD.match(after, position)
        if match is None:
            break
        word = match.group(1)
        lower = word.lower()
        if not words and may_skip == "of" and lower == "of":
            may_skip = "determiner"
        elif not words and may_skip == "determiner" and lower in _DETERMINERS:
            may_skip = ""
        elif lower in STOPWORDS or (words and lower.endswith(("ed", "ing"))):
            break  # a function word or, after the noun, a verb: "58 people affected"
        else:
            words.append(word)
            if _looks_plural(lower):
                break  # "1.6 million ethnic Kazakhs leave": the noun phrase ends here
        position = match.end()
    return tuple(words)


def _looks_plural(word: str) -> bool:
    """A plural noun usually ends the phrase a number counts."""
    if word in _IRREGULAR_PLURALS:
        return True
    return (
        len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s", "’s"))
    )


def close_stems(x: str, y: str) -> bool:
    """Two stems name the same thing: equal, an inflection apart, or a variant spelling."""
    if x == y:
        return True
    shortest = min(len(x), len(y))
    if shortest < 5:
        return False
    prefix = len(_common_prefix(x, y))
    if prefix >= 5 and max(len(x), len(y)) - prefix <= 2:
        return True  # detaine/detain: Porter leaves such pairs apart
    # Variant spellings of names (uyghur/uighur); five-letter stems one letter apart are
    # usually different words (court/cours).
    return shortest >= 6 and x[0] == y[0] and Levenshtein.normalized_similarity(x, y) >= 0.8


def _common_prefix(x: str, y: str) -> str:
    length = 0
    for cx, cy in zip(x, y, strict=False):
        if cx != cy:
            break
        length += 1
    return x[:length]


def weighted_dice(
    xs: frozenset[str], ys: frozenset[str], idf: Mapping[str, float] | None = None
) -> float:
    """Dice overlap of two stem sets, each word weighted by its IDF when given (so the
    words every sentence of the story has, like its country, count for little)."""
    if not xs or not ys:
        return 0.0
    if idf is None:
        return 2 * len(xs & ys) / (len(xs) + len(ys))
    unknown = max(idf.values(), default=1.0)
    total = sum(idf.get(w, unknown) for w in xs) + sum(idf.get(w, unknown) for w in ys)
    shared = sum(idf.get(w, unknown) for w in xs & ys)
    return 2 * shared / total if total > 0 else 0.0


def close_word_map(vocabulary_a: Iterable[str], vocabulary_b: Iterable[str]) -> dict[str, str]:
    """Each stem of b that is close to a different stem of a (an inflection Porter leaves
    apart, a variant spelling), mapped to that stem of a; applied to b's figures, exact set
    overlap then counts close words as shared."""
    set_a = set(vocabulary_a)
    by_letter: dict[str, list[str]] = defaultdict(list)
    for word in set_a:
        if len(word) >= 5:
            by_letter[word[0]].append(word)
    mapping = {}
    for word in set(vocabulary_b) - set_a:
        if len(word) < 5:
            continue
        for candidate in by_letter.get(word[0], ()):
            if close_stems(word, candidate):
                mapping[word] = candidate
                break
    return mapping


def canonical_figure(figure: Figure, mapping: Mapping[str, str]) -> Figure:
    if not mapping:
        return figure
    return replace(
        figure,
        head=frozenset(mapping.get(w, w) for w in figure.head),
        context=frozenset(mapping.get(w, w) for w in figure.context),
    )


def counts_people(figure: Figure) -> bool:
    """Whether the noun after the number names people ("detainees", "ethnic Kazakhs",
    "oralmen")."""
    for word in figure.noun:
        lower = word.lower()
        if lower in _PERSON_NOUNS or lower.endswith("men"):
            return True
        if word[:1].isupper() and _looks_plural(lower):
            return True  # a people named by a plural: Kazakhs, Uighurs
    return False


def _cross_heads(a: Figure, b: Figure) -> frozenset[str]:
    """The noun of one figure found, inflected, in the other's words ("detainees" beside
    "Uighurs have been detained"), when both count people.

    Only the noun proper (the last word: "ethnic" in "ethnic Kazakhs" is no noun), and only
    when written in lower case: a people's name (Kazakhs) is all over a story about them,
    so seeing it near another figure says nothing; general people-words are left out for
    the same reason. Counts of things are left alone: "two sides" is not "a dozen
    countries" because "the two countries" is written nearby.
    """
    if not (counts_people(a) and counts_people(b)):
        return frozenset()
    found: set[str] = set()
    for one, other in ((a, b), (b, a)):
        noun = _noun_stem(one)
        if noun and noun not in _GENERIC_HEADS:
            found.update(word for word in other.context if close_stems(noun, word))
    return frozenset(found)


def _noun_stem(figure: Figure) -> str | None:
    """The stem of a figure's last noun word, if written in lower case."""
    if not figure.noun or not figure.noun[-1][:1].islower():
        return None
    return stem_word(figure.noun[-1].lower())


def _head_similarity(a: Figure, b: Figure) -> float | None:
    """How alike the counted nouns are; None when either figure has no noun."""
    if not a.head or not b.head:
        return None
    similarity = weighted_dice(a.head, b.head)
    if similarity == 0 and _cross_heads(a, b):
        return CROSS_HEAD
    if similarity == 0 and (a.head & _GENERIC_HEADS or b.head & _GENERIC_HEADS):
        return 0.5  # "people" may be the group the other source names
    if similarity == 0 and counts_people(a) and counts_people(b):
        return PERSON_HEADS
    return similarity


def comparable(a: Figure, b: Figure) -> bool:
    """Whether two figures could measure the same thing (kind and unit allow it)."""
    if a.kind not in MATCHED_KINDS or a.kind != b.kind:
        return False
    return a.kind not in ("money", "duration") or a.unit == b.unit


def figure_similarity(
    a: Figure,
    b: Figure,
    idf: Mapping[str, float] | None = None,
    close_words: bool = True,
) -> float:
    """0..1: how surely two figures count the same thing.

    The words around the number must agree (IDF-weighted when `idf` is given); the noun
    after it ("ethnic Kazakhs") then adds to the score, and without a noun the context
    counts for less. Figures of different kinds or units, and values more than
    MAX_RATIO apart, score 0: a story's figures for different things share its nouns.
    With `close_words`, inflections and variant spellings count as the same word; pass
    False when `b` is already mapped with `close_word_map`.
    """
    if not comparable(a, b) or not plausible_ratio(a, b):
        return 0.0
    if close_words:
        b = canonical_figure(b, close_word_map(a.head | a.context, b.head | b.context))
    # A head seen in the other's window is a shared word of the two windows.
    cross = _cross_heads(a, b) if a.head and b.head else frozenset()
    context = weighted_dice(a.context | cross, b.context | cross, idf)
    # "two months" and "9 months" share a unit, which any two durations may: they need
    # more of their sentence in common than counts of people do.
    if context < (MIN_CONTEXT_DURATION if a.kind == "duration" else MIN_CONTEXT):
        return 0.0
    head = _head_similarity(a, b)
    if head is None:
        return 0.8 * context
    if head == 0:
        return 0.3 * context  # "200,000 Oralman" and "1.46 million ethnic Kazakhs living"
    return 0.4 * head + 0.6 * context


def plausible_ratio(a: Figure, b: Figure) -> bool:
    """Whether two values are close enough to be two sources' figures for one quantity
    (within MAX_RATIO of each other, ranges allowing). Qualifiers are not widened here: "up
    to 2 million" allows 3, but it is no figure for the same thing as "three"."""
    low_a, high_a = a.value, a.high if a.high is not None else a.value
    low_b, high_b = b.value, b.high if b.high is not None else b.value
    low, high = max(low_a, low_b), min(high_a, high_b)
    if low <= high or high <= 0:
        return True
    return low / high <= MAX_RATIO


def relation(a: Figure, b: Figure) -> str:
    """ "same" when the values are equal, "consistent" when the ranges the figures allow
    overlap (qualifiers, vague quantities), "differ" otherwise."""
    if _equal(a.value, b.value) and _equal(a.high or a.value, b.high or b.value):
        return "same"
    low_a, high_a = a.bounds
    low_b, high_b = b.bounds
    if low_a <= high_b * 1.005 and low_b <= high_a * 1.005:
        return "consistent"
    return "differ"


def _equal(x: float, y: float) -> bool:
    return abs(x - y) <= 0.005 * max(abs(x), abs(y), 1e-9)
