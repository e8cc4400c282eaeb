"""Figure claims: a number with what it counts, whose, when, which kind of quantity.

A figure ("£6.4bn", "nearly 1 million oralmen") says nothing on its own; the claim around
it does: *what* is counted (the counted noun phrase, with a "from China" scope when the
sentence restricts it), *whose* (the company, country or group the sentence is about),
*when* (a date or period in the sentence, else the article's date), the *kind of
quantity* (a total, a change, a rate, a share or a rank) and the *qualifier* ("about",
"nearly", "up to", ranges). Two claims are comparable only when all of these agree; they
disagree only when comparable and their values cannot both be true given the qualifiers.

Everything here is cheap heuristics over one sentence (no spaCy): the names are runs of
capitalised words, a sentence's first word counting as a name only when the article also
writes it capitalised mid-sentence.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tuireader.core.compare.figures import (
    DEFAULT_MATCH_THRESHOLD,
    MATCHED_KINDS,
    Figure,
    FigureMatch,
    canonical_figure,
    close_stems,
    close_word_map,
    extract_figures,
    figure_similarity,
    relation,
    weighted_dice,
)
from tuireader.core.compare.passages import STOPWORDS, idf_weights, stem_word, word_set
from tuireader.core.corpus import Article

QUANTITY_KINDS = ("total", "change", "rate", "share", "rank")  # what FigureClaim.quantity holds
APPROXIMATE = 0.05  # "about 1.46 million" allows 5% either way
NEARLY = 0.1  # "nearly 1 million" allows 0.9 million to 1 million
# Comparable claims in a corpus must also share the words of their statement (IDF-weighted
# Dice of the words around the numbers, subject and counted noun left out): "four Britons
# held by the US in Guantanamo Bay" twice, not "four" and "two" Britons in other stories.
MIN_EVIDENCE = 0.2
# Without a date in either sentence (undated articles) "when" is unknown: then only
# sentences telling the same event (most of their words shared) are comparable.
MIN_EVIDENCE_UNDATED = 0.45

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4, "last": 4}
_MONTH_RE = "|".join(
    sorted((m for m in _MONTHS if len(m) > 3 or m == "may"), key=len, reverse=True)
)
_PERIOD = re.compile(
    rf"""\b(?:
        (?P<since>since|from)\s+(?:[\w’'-]+\s+){{0,4}}?(?:in\s+)?(?P<since_year>(?:18|19|20)\d\d)\b
      | since\s+(?P<since_word>independence|the\s+start\s+of\s+the\s+year)
      | (?P<quarter>first|second|third|fourth|final|last)\s+quarter
        (?:\s+of\s+(?P<quarter_year>(?:19|20)\d\d))?
      | (?P<half>first|second)\s+half(?:\s+of\s+(?P<half_year>(?:19|20)\d\d))?
      | (?P<months>three|six|nine|12|twelve)\s+months\s+to\s+(?:the\s+end\s+of\s+)?
        (?P<months_to>{_MONTH_RE})(?:\s+(?P<months_year>(?:19|20)\d\d))?
      | (?P<month>{_MONTH_RE})(?:\s+\d{{1,2}}(?:st|nd|rd|th)?,?)?
        (?:\s+(?P<month_year>(?:19|20)\d\d))?
      | (?P<relative>(?:last|this|next|previous)\s+(?:year|month|quarter)
        |a\s+year\s+(?:earlier|ago))
      | (?P<fiscal>(?:19|20)\d\d)[/-](?P<fiscal_end>\d\d)\b
      | (?P<year>(?:18|19|20)\d\d)(?!s)
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)
# A capitalised word, possibly glued to the next by "of", "&" or "-": "Bank of England".
_NAME = re.compile(
    r"(?<![\w’'])[A-Z][\w’'.&-]*(?:\s+(?:of\s+|de\s+|&\s+)?[A-Z][\w’'.&-]*)*(?![\w’'])"
)
_NOT_NAMES = word_set(
    "i mr mrs ms dr sir lord lady monday tuesday wednesday thursday friday saturday sunday "
    "a an the but and or if in on at as by for of to so yet it he she we they this that "
    "these those there here his her its their our when while after before since gmt bst "
    "overall meanwhile however apparently separately currently also instead elsewhere "
    "yesterday today tomorrow earlier later now then still yet"
) | frozenset(_MONTHS)
# Nouns after a number that say how it is measured, not what is counted: "three times",
# "the US top five". Currencies written as words leave the counted thing before them.
_NOT_COUNTED = word_set("times time top per cent percent fold")
_CURRENCY_NOUNS = word_set(
    "dollars dollar pounds pound euros euro yen yuan cents pence rupees roubles rubles francs"
)
# A capitalised word after a word that ends no sentence: "sold to Acme".
_MID_SENTENCE_CAPITAL = re.compile(r"(?<=[^.!?:\s]\s)[A-Z][\w’'&-]*")
_LOWER_WORD = re.compile(r"(?<![\w’'-])[a-z][a-z’'-]*")
_OPEN_VAGUE = word_set("dozens hundreds thousands millions")
_PERIOD_WORDS = word_set("last this next previous year years month months week a an per in")
_CONVERSION = re.compile(r"\d(?:bn|m|k)?\s*(?:[^\W\d]+\s+){0,2}?[(;]\s*(?:about\s+|around\s+)?$")
_ONE_IN = re.compile(r"\b(?:one|1)\s+in\s+$", re.IGNORECASE)
_CORPORATE = word_set("plc inc corp corporation ltd limited co group holdings sa ag nv llc")
_SPEECH = re.compile(
    r"^[\s,)]*(?:\([^)]*\)\s*)?(?:has\s+|had\s+)?"
    r"(?:said|says|told|added|warned|argued|claimed|reported|reports|estimated|estimates"
    r"|announced|revealed|noted|wrote|stated)\b"
)
_ACCORDING = re.compile(r"\baccording\s+to\b[^,]{0,40}$", re.IGNORECASE)
# A clause ends at these: the name that governs a figure lies in its own clause.
_CLAUSE = re.compile(r"[;:]|,\s+(?:and|but|while|whereas|although)\b|\b(?:that|which|who)\b")
_SCOPE = re.compile(r"^\s+(?P<prep>from|outside)\s+(?P<words>(?:[\w’'-]+\s*){1,8})")
# Lower-case words a "from …" restriction may hold besides names.
_SCOPE_WORDS = word_set(
    "across the former and of other neighbouring countries regions states areas provinces "
    "republics abroad elsewhere"
)
_CHANGE_VERBS = word_set(
    "rose rise rises rising fell fall falls falling up down increased increase increases "
    "decreased decreased decline declined declines grew grow grows jumped jump jumps gained "
    "gain gains dropped drop drops slipped slip climbed climb climbs slumped slump surged "
    "surge soared soar plunged plunge tumbled tumble cut cuts boosted boost added lifted "
    "raised raise reduced reduce lost lose shed slashed widened narrowed eased edged"
)
_CHANGE_NOUNS = word_set(
    "rise increase fall drop jump gain decline growth cut cuts rises increases falls drops "
    "jumps gains declines reduction reductions surge slump boost improvement"
)
_RATE_NOUNS = word_set(
    "rate rates inflation yield yields interest growth unemployment margin margins"
)
_RATE_AFTER = re.compile(
    r"^\s+(?:a|per|an|each)\s+(?:year|month|week|day|hour|head|annum|share|person|barrel)\b"
    r"|^\s+annually\b",
    re.IGNORECASE,
)
_SHARE_AFTER = re.compile(r"^\s+(?:of|stake|share)\b", re.IGNORECASE)
_RANK_BEFORE = re.compile(r"\b(?:ranked|ranks|rank|placed|position)\s+(?:at\s+)?$", re.IGNORECASE)
# Words passed over when looking before a number for what it measures ("profits rose
# 76% to"): verbs of change and being, prepositions, qualifiers, other numbers.
_MEASURE_SKIP = _CHANGE_VERBS | word_set(
    "to by of at was were is are be been being has have had stood reached hit totalled "
    "totaled total worth valued about around nearly almost some over under more less than "
    "just roughly approximately estimated an a the its their his her record another "
    "further extra only least up down"
)
_MONEY_VERBS = word_set(
    "stands stand stood pay pays paid save saves saved spend spends spent make makes earn "
    "earns earned sell sells sold buy buys bought raise raises costing charge charges"
)
_VERB_MARKERS = word_set("to can could would will may might must should shall not")
_DETERMINERS = word_set("the its their his her a an this that these those our")
_WORD_TOKEN = re.compile(r"[\w’'-]+|[$£€%]")
_NUMBERISH = re.compile(
    r"^[\d.,$£€%]+(?:bn|m|k)?$|^(?:million|billion|thousand|trillion|per|cent)$"
)


@dataclass(frozen=True)
class FigureGroup:
    """Figures from several articles that count the same thing (corpus-wide view).

    Built by `figure_groups` from comparable claims (claims.py): `claims` holds each
    figure's claim (what, whose, when, which quantity) in the order of `figures`, and
    `agrees` whether every two of them allow a common value."""

    figures: tuple[Figure, ...]
    claims: tuple[FigureClaim, ...] = ()  # one per figure
    agrees: bool | None = None  # None: judge the figures by `relation` alone

    @property
    def article_ids(self) -> tuple[str, ...]:
        """The articles the figures come from, in order of first appearance."""
        return tuple(dict.fromkeys(figure.article_id for figure in self.figures))

    @property
    def agree(self) -> bool:
        """True when every two figures from different articles are consistent."""
        if self.agrees is not None:
            return self.agrees
        return all(
            relation(x, y) != "differ"
            for i, x in enumerate(self.figures)
            for y in self.figures[i + 1 :]
            if x.article_id != y.article_id
        )

    def to_dict(self) -> dict[str, Any]:
        """The group as a plain dict (for JSON output): with claims, each figure's
        counted noun, subject, period and kind of quantity too."""
        items = self.claims or self.figures
        return {
            "articles": list(self.article_ids),
            "agree": self.agree,
            "figures": [item.to_dict() for item in items],
        }


@dataclass(frozen=True)
class FigureClaim:
    """A figure read as a claim: what it counts, whose, when, and how sure."""

    figure: Figure
    counted: tuple[str, ...]  # stems of the counted noun phrase; the last is its head
    counted_text: str  # the counted phrase as written ("ethnic Kazakhs", "pre-tax profits")
    scope: frozenset[str]  # stems of a restriction after it: "from China" → {china}
    scope_text: str  # the restriction as written ("from China"); "" when none
    subject: frozenset[str]  # normalised words of the subject ("royal dutch shell")
    subject_text: str | None  # as written
    period: str | None  # normalised: "2004", "2004-11", "2004-q3", "since-1991", "last-year"
    period_text: str | None
    quantity: str  # total | change | rate | share | rank
    low: float  # the values the claim allows, rounding and qualifier included
    high: float

    @property
    def article_id(self) -> str:
        """The article the claim is made in."""
        return self.figure.article_id

    @property
    def qualifier(self) -> str | None:
        """ "about", "nearly", "up to" … as written, lower-cased; None when plain."""
        return self.figure.qualifier

    def to_dict(self) -> dict[str, Any]:
        """The claim as a plain dict (for JSON output)."""
        return {
            **self.figure.to_dict(),
            "counted": self.counted_text,
            "scope": self.scope_text or None,
            "subject": self.subject_text,
            "period": self.period,
            "period_text": self.period_text,
            "quantity": self.quantity,
            "allows": [self.low, None if math.isinf(self.high) else self.high],
        }


class ArticleNames:
    """What an article tells about names, for reading its sentences' subjects: words it
    writes capitalised mid-sentence, its most frequent name (read only when a sentence
    names nobody), and its year."""

    def __init__(
        self,
        capitalised: frozenset[str] = frozenset(),
        year: int | None = None,
        paragraphs: tuple[str, ...] = (),
        lower: frozenset[str] = frozenset(),
    ) -> None:
        self.capitalised = capitalised
        self.lower = lower  # words the article writes in lower case
        self.year = year
        self._paragraphs = paragraphs
        self._main: tuple[str | None] | None = None
        self._names: dict[str, list[tuple[str, int, int]]] = {}
        self._periods: dict[str, list[re.Match[str]]] = {}

    @classmethod
    def of(cls, article: Article) -> ArticleNames:
        """Read the names of `article` (one pass over its body text)."""
        paragraphs = tuple(paragraph.text for paragraph in article.body_paragraphs)
        capitalised = frozenset(
            word.lower() for text in paragraphs for word in set(_MID_SENTENCE_CAPITAL.findall(text))
        )
        lower = frozenset().union(*(_LOWER_WORD.findall(text) for text in paragraphs))
        return cls(capitalised, _year(article.meta.issued), paragraphs, lower)

    def opening_name(self, word: str) -> bool:
        """Whether a capitalised word that opens a sentence is a name: the article writes
        it capitalised mid-sentence, or it is never written in lower case and looks like
        no plural, adverb or participle ("Acme sold", not "Officials said")."""
        lower = word.lower()
        if lower in self.capitalised:
            return True
        if lower in self.lower or lower in STOPWORDS or lower in _NOT_NAMES:
            return False
        return not lower.endswith(("s", "ly", "ing", "ed"))

    @property
    def main(self) -> str | None:
        """The name the article gives most often: whose figures its sentences give when
        they name nobody ("The firm said profits rose…")."""
        if self._main is None:
            # Plain runs of capitals: cheaper than names_in, and the most frequent run is
            # a name whatever opens the sentences.
            counts: Counter[str] = Counter(
                match.group()
                for text in self._paragraphs
                for match in _NAME.finditer(text)
                if match.group().lower() not in _NOT_NAMES
            )
            self._main = (counts.most_common(1)[0][0] if counts else None,)
        return self._main[0]

    def names_in(self, sentence: str) -> list[tuple[str, int, int]]:
        """The names in a sentence as (text, start, end); a word that opens a sentence is
        a name only when `opening_name` says so (cached: a sentence's figures share it)."""
        cached = self._names.get(sentence)
        if cached is None:
            cached = self._names[sentence] = self._find_names(sentence)
        return cached

    def periods_in(self, sentence: str) -> list[re.Match[str]]:
        """The dates and periods written in a sentence (cached like `names_in`)."""
        cached = self._periods.get(sentence)
        if cached is None:
            cached = self._periods[sentence] = list(_PERIOD.finditer(sentence))
        return cached

    def _find_names(self, sentence: str) -> list[tuple[str, int, int]]:
        found = []
        for match in _NAME.finditer(sentence):
            words = match.group().rstrip(".").split()
            start = match.start()
            opening = start < 2 or sentence[start - 2] in ".!?:" or sentence[:start].strip() == ""
            while words and (
                words[0].lower().strip("’'") in _NOT_NAMES
                # A sentence's first word is a name when the article writes it so
                # mid-sentence, or when it opens a longer name ("Freddie Mac").
                or (opening and len(words) == 1 and not self.opening_name(words[0]))
            ):
                start += len(words[0]) + 1
                words = words[1:]
                opening = False
                while start < match.end() and not sentence[start].isalpha():
                    start += 1
            if words:
                text = " ".join(words)
                found.append((text, start, start + len(text)))
        return found


def _year(issued: str | None) -> int | None:
    if issued and issued[:4].isdigit():
        return int(issued[:4])
    return None


# A people's adjective names its country: "Kazakh citizens" and "Kazakhstan's" are one
# subject, as are "Chinese" and "China".
_DEMONYMS = {
    "chinese": "china",
    "british": "uk",
    "britain": "uk",
    "american": "us",
    "japanese": "japan",
    "french": "france",
    "german": "germany",
    "russian": "russia",
    "indian": "india",
    "kazakh": "kazakhstan",
    "kyrgyz": "kyrgyzstan",
    "uzbek": "uzbekistan",
    "european": "europe",
    "eu": "europe",
    "australian": "australia",
    "canadian": "canada",
    "italian": "italy",
    "spanish": "spain",
    "irish": "ireland",
    "scottish": "scotland",
    "welsh": "wales",
    "english": "england",
}


def subject_words(name: str | None) -> frozenset[str]:
    """A subject's words, normalised: lower case, possessive and corporate suffixes
    ("plc", "Inc") dropped and a people's adjective made its country, so "Shell's" and
    "Shell plc" are one subject, and "Kazakh" and "Kazakhstan" another."""
    if not name:
        return frozenset()
    words: set[str] = set()
    for word in name.replace("’", "'").split():
        bare = re.sub(r"'s?$", "", word.lower()).strip(".,'")
        if bare and bare not in _CORPORATE and bare not in ("of", "&", "de"):
            words.add(_DEMONYMS.get(bare, bare))
    return frozenset(words)


def figure_claim(figure: Figure, names: ArticleNames | None = None) -> FigureClaim | None:
    """The claim a figure makes, or None when it counts nothing one can name (a bare
    number, a year, an age) and so can be compared with nothing."""
    if figure.kind not in MATCHED_KINDS or figure.kind == "duration":
        return None
    names = names or ArticleNames()
    sentence = figure.sentence
    offset = sentence.find(figure.text, max(0, figure.start - figure.sentence_start - 2))
    if offset < 0:
        offset = sentence.find(figure.text)
    if offset < 0:
        return None
    before, after = sentence[:offset], sentence[offset + len(figure.text) :]
    quantity = "total"
    if _CONVERSION.search(before):
        return None  # "$5bn (£2.6bn)": the same amount in another currency, no claim of its own
    if _ONE_IN.search(before):
        return None  # "one in six cars": a proportion, not a count of cars
    noun_words = list(figure.noun)
    if noun_words and (noun_words[0].lower() in _PERIOD_WORDS or noun_words[0].lower() in _MONTHS):
        noun_words = []  # "by $4.4bn last year": the words after are a date
    if noun_words and noun_words[-1].lower() in _NOT_COUNTED:
        return None
    if noun_words and noun_words[-1].lower() in _CURRENCY_NOUNS:
        noun_words = []  # "1.2bn Australian dollars rebuild": what costs that is elsewhere
    if noun_words and noun_words[0].lower() in _CHANGE_NOUNS:
        quantity = "change"  # "a £6.4bn rise in borrowing": what rose is before or after
        noun_words = []
    noun_end = _skip_words(after, len(figure.noun))
    counted_words = noun_words or _measure_before(before)
    if not counted_words:
        return None
    counted = tuple(stem_word(word.lower()) for word in counted_words)
    scope, scope_text = _scope(after[noun_end:]) if noun_words else (frozenset(), "")
    noun_end += len(scope_text)  # "from China" says which Kazakhs, not whose
    if quantity == "total":
        quantity = _quantity(figure, before, after, counted)
    subject = _subject(sentence, offset, offset + len(figure.text) + noun_end, names)
    period, period_text = _period(names.periods_in(sentence), offset, names.year)
    low, high = _allowed(figure)
    return FigureClaim(
        figure=figure,
        counted=counted,
        counted_text=" ".join(counted_words),
        scope=scope,
        scope_text=scope_text.strip(),
        subject=subject_words(subject),
        subject_text=subject,
        period=period,
        period_text=period_text,
        quantity=quantity,
        low=low,
        high=high,
    )


def _skip_words(text: str, count: int) -> int:
    """The offset in `text` after its first `count` words."""
    position = 0
    for _ in range(count):
        match = re.compile(r"[\s-]*[^\W\d_]+(?:['’-][^\W\d_]+)*").match(text, position)
        if match is None:
            break
        position = match.end()
    return position


def _scope(after: str) -> tuple[frozenset[str], str]:
    """A "from …" restriction right after the counted noun: its content stems and its
    text, up to the first verb, clause word or punctuation ("from China have become" →
    {china}, "from China")."""
    match = _SCOPE.match(after)
    if match is None:
        return frozenset(), ""
    stems = []
    end = match.start("words")
    for word in re.finditer(r"[\w’'-]+", after[match.start("words") : match.end()]):
        lower = word.group().lower()
        if word.group()[0].islower() and lower not in _SCOPE_WORDS:
            break  # a verb or a clause: "from China became citizens"
        if lower not in STOPWORDS:
            stems.append(stem_word(lower))
        end = match.start("words") + word.end()
    return frozenset(stems), after[:end]


def _measure_before(before: str) -> list[str]:
    """What a figure without a noun measures, read back from it: "pre-tax profits rose
    76% to £1.2bn" → ["pre-tax", "profits"]. Nothing when a name, a verb (of speech, of
    paying: "offered to pay $300m", "can save £4bn") or a clause boundary comes first."""
    tokens = _WORD_TOKEN.findall(before[-80:])
    words: list[str] = []
    position = len(tokens)
    for position in range(len(tokens) - 1, -1, -1):
        token = tokens[position]
        lower = token.lower()
        if not words and (lower in _MEASURE_SKIP or _NUMBERISH.match(lower)):
            continue
        if not token[0].isalpha() or not token[0].islower() or lower in STOPWORDS:
            break
        if lower.endswith(("ed", "ly")) or lower in _CHANGE_VERBS or lower in _MONEY_VERBS:
            break
        previous = tokens[position - 1].lower() if position else ""
        if previous in _VERB_MARKERS:
            break  # "to pay", "can save": a verb
        if (
            lower.endswith("ing")
            and (not previous or previous in STOPWORDS)
            and (previous not in _DETERMINERS)
        ):
            break  # "after taking": a verb; "mortgage lending", "the spending": nouns
        words.insert(0, token)
        if len(words) == 2:
            break
    return words


def _quantity(figure: Figure, before: str, after: str, counted: tuple[str, ...]) -> str:
    """total | change | rate | share | rank, from the words around the number."""
    last = before.split()[-3:] if before.split() else []
    lowered = [word.lower().strip(",") for word in last]
    if _RANK_BEFORE.search(before):
        return "rank"
    if lowered and lowered[-1] == "to":
        return "rate" if set(counted) & _stems(_RATE_NOUNS) else "total"  # "rose to": a level
    if lowered and (lowered[-1] == "by" or lowered[-1] in _CHANGE_VERBS):
        return "change"
    following = after.split()[:1]
    if following and following[0].lower().strip(",.") in _CHANGE_NOUNS:
        return "change"
    if figure.kind == "percent":
        if _SHARE_AFTER.match(after) or set(counted) & {"stake", "share"}:
            return "share"
        return "rate"
    if _RATE_AFTER.match(after) or set(counted) & _stems(_RATE_NOUNS):
        return "rate"
    return "total"


_stem_sets: dict[frozenset[str], frozenset[str]] = {}


def _stems(words: frozenset[str]) -> frozenset[str]:
    cached = _stem_sets.get(words)
    if cached is None:
        cached = _stem_sets[words] = frozenset(stem_word(word) for word in words)
    return cached


def _subject(sentence: str, start: int, end: int, names: ArticleNames) -> str | None:
    """Whose figure it is: the last name before the number in its own clause that is
    not a speaker ("…, Mr Smith said"); else the sentence's first such name; else the
    first name after the counted phrase; else a speaker ("the Halifax said that house
    prices…": the survey's); else the article's most frequent name."""
    candidates = []
    speakers = []
    for text, s, e in names.names_in(sentence):
        if _SPEECH.match(sentence[e:]) or _ACCORDING.search(sentence[:s]):
            speakers.append(text)
        else:
            candidates.append((text, s, e))
    before = [c for c in candidates if c[2] <= start]
    if before:
        clause_start = max((m.end() for m in _CLAUSE.finditer(sentence, 0, start)), default=0)
        in_clause = [c for c in before if c[1] >= clause_start]
        return (in_clause or before[:1])[-1][0]
    after = [c for c in candidates if c[1] >= end]
    if after:
        return after[0][0]
    return speakers[0] if speakers else names.main


def _period(
    matches: list[re.Match[str]], position: int, year: int | None
) -> tuple[str | None, str | None]:
    """The period nearest the number in its sentence, normalised; else the article's
    year; else None. Relative periods ("last year") are resolved against the article's
    year when it has one."""
    best: tuple[int, str, str] | None = None
    for match in matches:
        normal = _normal_period(match, year)
        if normal is None:
            continue
        distance = match.start() - position if match.start() >= position else position - match.end()
        # A "since" period governs the whole sentence: it wins over a year nearby.
        rank = -1 if normal.startswith("since") else abs(distance)
        if best is None or rank < best[0]:
            best = (rank, normal, match.group())
    if best is not None:
        return best[1], best[2]
    return (str(year), None) if year is not None else (None, None)


def _normal_period(match: re.Match[str], year: int | None) -> str | None:
    groups: dict[str, str] = {
        key: (value or "").lower() for key, value in match.groupdict().items()
    }
    if groups["since_year"]:
        return f"since-{groups['since_year']}"
    if groups["since_word"]:
        return "since-" + "-".join(groups["since_word"].split())
    if groups["quarter"]:
        quarter = _ORDINALS[groups["quarter"]]
        return f"{groups['quarter_year'] or year or ''}-q{quarter}".lstrip("-")
    if groups["half"]:
        return f"{groups['half_year'] or year or ''}-h{_ORDINALS[groups['half']]}".lstrip("-")
    if groups["months"]:
        month = _MONTHS[groups["months_to"]]
        return f"{groups['months_year'] or year or ''}-{month:02d}-{groups['months']}m".lstrip("-")
    if groups["month"]:
        if groups["month"] == "may" and not groups["month_year"] and not match.group()[0].isupper():
            return None  # "may" the verb
        month_year = groups["month_year"] or year
        return f"{month_year or '?'}-{_MONTHS[groups['month']]:02d}"
    if groups["relative"]:
        relative = " ".join(groups["relative"].split())
        shift = {"last": -1, "previous": -1, "this": 0, "next": 1, "a": -1}[relative.split()[0]]
        if year is not None and relative.endswith(("year", "ago", "earlier")):
            return str(year + shift)
        return "-".join(relative.split())
    if groups["fiscal"]:
        return f"{groups['fiscal']}/{groups['fiscal_end']}"
    if groups["year"]:
        return groups["year"]
    return None


def _allowed(figure: Figure) -> tuple[float, float]:
    """The values a figure allows: its range, widened by how it is rounded ("1.6
    million" is 1.55 to 1.65 million) and by its qualifier ("up to", "nearly", "about")."""
    low = figure.value
    high = figure.high if figure.high is not None else figure.value
    rounding = _rounding(figure)
    low, high = low - rounding, high + rounding
    qualifier = figure.qualifier or ""
    if figure.text.lower() in _OPEN_VAGUE:
        high = math.inf  # "thousands of people" is said of 100,000 as readily as of 3,000
    if qualifier in ("over", "more than", "at least", "at the very least"):
        high = math.inf
    elif qualifier in ("up to", "less than", "fewer than", "under", "as many as"):
        low = 0.0
    elif qualifier in ("nearly", "almost", "just under"):
        low = figure.value * (1 - NEARLY)
    elif qualifier == "just over":
        high = high * (1 + NEARLY)
    elif qualifier:
        low, high = low * (1 - APPROXIMATE), high * (1 + APPROXIMATE)
    return max(low, 0.0), high


def _rounding(figure: Figure) -> float:
    """Half the last written decimal's place, times the scale: "1.6 million" → 50,000.
    Whole numbers are taken as written ("2 million" is no rounding of 2.4 million)."""
    if figure.high is not None:
        return 0.0
    digits = re.search(r"\d[\d,]*(?:\.(\d+))?", figure.text)
    if digits is None:
        return 0.0
    decimals = len(digits.group(1) or "")
    written = float(digits.group().replace(",", ""))
    scale = figure.value / written if written else 1.0
    return 0.5 * 10**-decimals * scale if decimals else 0.0


def comparable(a: FigureClaim, b: FigureClaim) -> bool:
    """Whether two claims are about one quantity: same kind and unit, same kind of
    quantity, the same counted noun (head and modifiers) and scope, one subject (the
    words of one contained in the other's: "Shell" and "Royal Dutch Shell") and the same
    period (both unknown counts as the same: undated articles, no date in either)."""
    fa, fb = a.figure, b.figure
    if fa.kind != fb.kind or fa.unit != fb.unit or a.quantity != b.quantity:
        return False
    if not a.subject or not b.subject or not (a.subject <= b.subject or b.subject <= a.subject):
        return False
    return a.period == b.period and a.scope == b.scope and same_counted(a.counted, b.counted)


def same_counted(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two claims' counted phrases (FigureClaim.counted) are one: the same noun
    (inflections and variant spellings allowed) with the same modifiers."""
    if not close_stems(a[-1], b[-1]):
        return False
    return sorted(a[:-1]) == sorted(b[:-1])


def conflicting(a: FigureClaim, b: FigureClaim) -> bool:
    """Whether two claims are known to be about different things: what one can say
    when, as between two articles' matched figures, no positive agreement is needed.
    Differences in scope, kind of quantity, a period both give, or subjects both name
    and that share no word."""
    if a.scope != b.scope or a.quantity != b.quantity:
        return True
    if a.period_text and b.period_text and a.period != b.period:
        return True
    return bool(a.subject and b.subject and not (a.subject & b.subject))


def disagree(a: FigureClaim, b: FigureClaim) -> bool:
    """Whether two claims contradict each other: comparable, and no value both allow."""
    return comparable(a, b) and not _overlap(a, b)


def _overlap(a: FigureClaim, b: FigureClaim) -> bool:
    return a.low <= b.high * 1.0001 and b.low <= a.high * 1.0001


def article_claims(article: Article) -> list[FigureClaim]:
    """The claims of every figure in `article` that counts something nameable."""
    names = ArticleNames.of(article)
    claims = []
    for figure in extract_figures(article):
        claim = figure_claim(figure, names)
        if claim is not None:
            claims.append(claim)
    return claims


def evidence(a: FigureClaim, b: FigureClaim, idf: Mapping[str, float] | None = None) -> float:
    """0..1: how much of their statement two claims share beyond subject and counted noun
    (the IDF-weighted Dice of the words around the two numbers)."""
    own = set(a.counted) | set(b.counted) | {stem_word(w) for w in a.subject | b.subject}
    return weighted_dice(a.figure.context - own, b.figure.context - own, idf)


def claim_groups(articles: Mapping[str, Article] | Iterable[Article]) -> list[FigureGroup]:
    """Corpus-wide: groups of comparable claims from different articles.

    Claims are bucketed by kind, unit, kind of quantity, period and the stem of the
    counted noun, then joined within a bucket to the first group they are comparable
    with and share MIN_EVIDENCE of their statement's words with (MIN_EVIDENCE_UNDATED
    when neither gives a period). A group holds one claim per article. When an article
    gives two comparable claims with incompatible values (two companies in one
    sentence, two dates the heuristics cannot tell apart), the claims were not told
    apart well enough and the group is dropped rather than reported as a
    disagreement. Groups from most sources first; among equals, disagreements first."""
    pool = list(articles.values()) if isinstance(articles, Mapping) else list(articles)
    every = [claim for article in pool for claim in article_claims(article)]
    idf = idf_weights([claim.figure.context for claim in every])
    buckets: dict[tuple[Any, ...], list[FigureClaim]] = defaultdict(list)
    for claim in every:
        key = (
            claim.figure.kind,
            claim.figure.unit,
            claim.quantity,
            claim.period,
            claim.counted[-1][:5],
        )
        buckets[key].append(claim)
    groups: list[FigureGroup] = []
    for claims in buckets.values():
        if len({claim.article_id for claim in claims}) < 2:
            continue
        clusters: list[list[FigureClaim]] = []
        spoiled: set[int] = set()
        for claim in claims:
            needed = MIN_EVIDENCE if claim.period else MIN_EVIDENCE_UNDATED
            for number, cluster in enumerate(clusters):
                if not comparable(cluster[0], claim) or evidence(cluster[0], claim, idf) < needed:
                    continue
                same_article = [c for c in cluster if c.article_id == claim.article_id]
                if same_article and not all(_overlap(c, claim) for c in same_article):
                    spoiled.add(number)
                if not same_article:
                    cluster.append(claim)
                break
            else:
                clusters.append([claim])
        for number, cluster in enumerate(clusters):
            if number in spoiled or len({c.article_id for c in cluster}) < 2:
                continue
            agrees = not any(
                not _overlap(x, y) for i, x in enumerate(cluster) for y in cluster[i + 1 :]
            )
            groups.append(
                FigureGroup(tuple(c.figure for c in cluster), claims=tuple(cluster), agrees=agrees)
            )
    groups.sort(
        key=lambda group: (-len(group.article_ids), group.agree, group.figures[0].article_id)
    )
    return groups


# --- figures between two articles, and across the corpus ------------------------------


def match_figures(
    figures_a: Iterable[Figure],
    figures_b: Iterable[Figure],
    threshold: float = DEFAULT_MATCH_THRESHOLD,
) -> list[FigureMatch]:
    """Pair figures of two sources that count the same thing, best pairs first taken, each
    figure used once. Returned in the order of the first source's text."""
    list_a = [figure for figure in figures_a if figure.kind in MATCHED_KINDS]
    list_b = [figure for figure in figures_b if figure.kind in MATCHED_KINDS]
    # Map b's words onto a's close spellings once, not for every pair.
    mapping = close_word_map(
        {w for f in list_a for w in f.head | f.context},
        {w for f in list_b for w in f.head | f.context},
    )
    mapped_b = [(canonical_figure(y, mapping), y) for y in list_b]
    idf = idf_weights([f.context for f in list_a] + [m.context for m, _ in mapped_b])
    candidates = []
    for x in list_a:
        for mapped, y in mapped_b:
            score = figure_similarity(x, mapped, idf, close_words=False)
            if score >= threshold:
                candidates.append((score, x, y))
    candidates.sort(key=lambda item: (-item[0], item[1].start, item[2].start))
    used_a: set[int] = set()
    used_b: set[int] = set()
    matches = []
    for score, x, y in candidates:
        if x.start in used_a or y.start in used_b:
            continue
        state = relation(x, y)
        if state == "differ" and _different_claims(x, y):
            continue  # "nearly 1 million" of all origins is no other figure for 200,000 from China
        used_a.add(x.start)
        used_b.add(y.start)
        matches.append(FigureMatch(x, y, score, state))
    matches.sort(key=lambda match: (match.a.start, match.b.start))
    return matches


def _different_claims(a: Figure, b: Figure) -> bool:
    """Whether two figures' claims are known to be about different things (another
    scope, period, subject or kind of quantity): then their values do not disagree."""
    claim_a, claim_b = figure_claim(a), figure_claim(b)
    return claim_a is not None and claim_b is not None and conflicting(claim_a, claim_b)


def figure_groups(articles: Mapping[str, Article] | Iterable[Article]) -> list[FigureGroup]:
    """Corpus-wide: groups of figures from different articles that make one claim (the
    same counted noun, subject, period and kind of quantity; see claims.py), the most
    widely sourced first. A group disagrees only when its values cannot all be true."""
    return claim_groups(articles)
