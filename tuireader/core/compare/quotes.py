"""Shared quotations: word sequences two articles both quote or share.

Writers edit what they quote: they insert "[Uyghur]", fix case with "[a]ccording", cut with
"…" and change an inflection ("pursu[ing]" for "pursue"). So both texts become sequences of
word tokens, each keyed by its stem (quotes, dashes, case and whitespace do not matter), with
standalone bracketed insertions skipped; exact runs of at least three keys are found by
hashing trigrams, and runs on the same paragraphs are joined across small gaps (a changed
word) or across an ellipsis (an omitted stretch). Every token keeps its character offsets in
the original text, so a quotation is reported as exact spans of both files.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, NamedTuple

from tuireader.core.compare.passages import STOPWORDS, stem_word
from tuireader.core.corpus import Article
from tuireader.core.text import straighten_quotes

DEFAULT_MIN_TOKENS = 6
DEFAULT_MIN_CONTENT = 3  # content (non-stop) words: "at the same time as the" is no quote
_SEED = 3  # exact run length that starts a candidate
_SMALL_GAP = 2  # tokens either side may differ between two runs (a replaced word)
_ELLIPSIS_GAP = 25  # tokens the other side may have where one side has "…"

# A word: letters/digits, with inner apostrophes, hyphens and brackets ("pursu[ing]",
# "[a]ccording", "re-education"); a standalone "[" or "]" may open or close it.
_TOKEN = re.compile(r"\[?[^\W_]+(?:(?:['’\-‐‑]|\[|\])+[^\W_]+)*\]?")
_BRACKET_GROUP = re.compile(r"\[[^\[\]\n]{1,120}\]")
_ELLIPSIS = re.compile(r"…|\.\s?\.\s?\.")
_OPEN_QUOTES = "“«"
_QUOTE_MARK = re.compile(r'[“”«»"]')


class Token(NamedTuple):
    """One word of an article: its match key (stem), offsets, and editing marks.

    A NamedTuple rather than a dataclass: a long article has tens of thousands of them.
    """

    key: str
    start: int
    end: int
    paragraph: int
    after_ellipsis: bool  # an ellipsis stands between this token and the previous one
    quoted: bool  # inside quotation marks
    capitalised: bool  # written with a capital (names: a shared name is not a quotation)


@dataclass(frozen=True)
class SharedQuote:
    """A word sequence found in both articles, located exactly in both original texts."""

    a_start: int  # character offsets in article a's text
    a_end: int
    b_start: int  # character offsets in article b's text
    b_end: int
    a_paragraph: int
    b_paragraph: int
    a_text: str  # the text exactly as it appears in a
    b_text: str
    tokens: int  # matched words
    exact: bool  # identical after normalising case, quotes, dashes and whitespace
    quoted_in_a: bool  # the sequence is inside quotation marks in a
    quoted_in_b: bool

    def to_dict(self) -> dict[str, Any]:
        """The quotation as a plain dict (for JSON output)."""
        return {
            "a": {
                "paragraph": self.a_paragraph,
                "start": self.a_start,
                "end": self.a_end,
                "text": self.a_text,
                "quoted": self.quoted_in_a,
            },
            "b": {
                "paragraph": self.b_paragraph,
                "start": self.b_start,
                "end": self.b_end,
                "text": self.b_text,
                "quoted": self.quoted_in_b,
            },
            "tokens": self.tokens,
            "exact": self.exact,
        }


@dataclass
class _Run:
    """Exact matches of keys: a[i:i+length] == b[j:j+length], possibly chained."""

    i: int
    j: int
    i_end: int
    j_end: int
    matched: int  # matched tokens over all chained runs
    tail: int  # length of the last chained run (the part that can be trimmed 1:1)


def quote_tokens(article: Article) -> list[Token]:
    """The word tokens of the body paragraphs of `article` that take part in matching.

    Standalone bracketed insertions ("[Uyghur]", "[known to the outside world]") are left
    out; brackets inside a word are dropped from its key ("[a]ccording" → according).
    """
    tokens: list[Token] = []
    for paragraph in article.body_paragraphs:
        text = paragraph.text
        inserted = [
            (match.start(), match.end())
            for match in _BRACKET_GROUP.finditer(text)
            if not _attached(text, match.start(), match.end())
        ]
        ellipses = [match.start() for match in _ELLIPSIS.finditer(text)]
        regions = _quote_regions(text)
        previous_end = 0
        # Tokens come in text order, so each list of spans is walked once with a pointer.
        next_insert = next_ellipsis = next_region = 0
        for match in _TOKEN.finditer(text):
            start, end = match.start(), match.end()
            while next_insert < len(inserted) and inserted[next_insert][1] <= start:
                next_insert += 1
            if next_insert < len(inserted) and inserted[next_insert][0] <= start:
                continue
            word = match.group()
            if "[" in word or "]" in word:
                # A bracket at the edge that belongs to an insertion is not part of the word.
                if word.startswith("[") and "]" not in word:
                    start += 1
                if word.endswith("]") and "[" not in word:
                    end -= 1
                word = text[start:end]
            key = _key(word)
            if not key:
                continue
            while next_ellipsis < len(ellipses) and ellipses[next_ellipsis] < previous_end:
                next_ellipsis += 1
            gap = next_ellipsis < len(ellipses) and ellipses[next_ellipsis] < start
            while next_region < len(regions) and regions[next_region][1] <= start:
                next_region += 1
            quoted = next_region < len(regions) and regions[next_region][0] <= start
            tokens.append(
                Token(
                    key,
                    paragraph.start + start,
                    paragraph.start + end,
                    paragraph.number,
                    gap,
                    quoted,
                    text[start].isupper(),
                )
            )
            previous_end = end
    return tokens


def _attached(text: str, start: int, end: int) -> bool:
    """A bracket group glued to a letter is an edit inside a word, not an insertion."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return before.isalnum() or after.isalnum()


_key_cache: dict[str, str] = {}


def _key(word: str) -> str:
    """Match key of a word: lower case, brackets and hyphens removed, stemmed (cached)."""
    key = _key_cache.get(word)
    if key is None:
        cleaned = straighten_quotes(word.lower().replace("[", "").replace("]", ""))
        if cleaned.endswith("'s"):
            cleaned = cleaned[:-2]
        for mark in "'-‐‑":
            cleaned = cleaned.replace(mark, "")
        key = _key_cache[word] = stem_word(cleaned) if cleaned.isalpha() else cleaned
    return key


def _quote_regions(text: str) -> list[tuple[int, int]]:
    """Spans inside double quotation marks (curly pairs, or straight quotes toggling)."""
    regions = []
    opened: int | None = None
    for match in _QUOTE_MARK.finditer(text):
        char, position = match.group(), match.start()
        if char in _OPEN_QUOTES or (char == '"' and opened is None):
            opened = position
        elif opened is not None:
            regions.append((opened, position + 1))
            opened = None
    return regions


def _keys_with_breaks(tokens: list[Token], side: str) -> list[str]:
    """Token keys with a sentinel between paragraphs, so no run crosses a paragraph end."""
    keys: list[str] = []
    previous = None
    for token in tokens:
        if previous is not None and token.paragraph != previous:
            keys.append(f"\x00{side}{len(keys)}")
        keys.append(token.key)
        previous = token.paragraph
    return keys


def _exact_runs(keys_a: list[str], keys_b: list[str]) -> list[_Run]:
    """Maximal runs of equal keys at least _SEED long (trigram hashing, then extension)."""
    seeds: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for j in range(len(keys_b) - _SEED + 1):
        seeds[tuple(keys_b[j : j + _SEED])].append(j)
    runs = []
    for i in range(len(keys_a) - _SEED + 1):
        positions = seeds.get(tuple(keys_a[i : i + _SEED]))
        if not positions:
            continue
        for j in positions:
            if i > 0 and j > 0 and keys_a[i - 1] == keys_b[j - 1]:
                continue  # inside a run that started earlier
            length = _SEED
            while (
                i + length < len(keys_a)
                and j + length < len(keys_b)
                and keys_a[i + length] == keys_b[j + length]
            ):
                length += 1
            runs.append(_Run(i, j, i + length, j + length, length, length))
    return runs


def _select(runs: list[_Run]) -> list[_Run]:
    """Longest runs first, each token of either text used at most once."""
    used_a: set[int] = set()
    used_b: set[int] = set()
    chosen = []
    for run in sorted(runs, key=lambda r: (-r.matched, r.i, r.j)):
        span_a = range(run.i, run.i_end)
        span_b = range(run.j, run.j_end)
        if any(k in used_a for k in span_a) or any(k in used_b for k in span_b):
            continue
        used_a.update(span_a)
        used_b.update(span_b)
        chosen.append(run)
    return sorted(chosen, key=lambda r: (r.i, r.j))


def _chain(runs: list[_Run], tokens_a: list[Token], tokens_b: list[Token]) -> list[_Run]:
    """Join consecutive runs (token positions) on the same paragraphs across a small edit
    or an ellipsis."""
    chained: list[_Run] = []
    for run in runs:
        if chained:
            last = chained[-1]
            gap_a = run.i - last.i_end
            gap_b = run.j - last.j_end
            same_paragraphs = (
                tokens_a[run.i].paragraph == tokens_a[last.i_end - 1].paragraph
                and tokens_b[run.j].paragraph == tokens_b[last.j_end - 1].paragraph
            )
            if same_paragraphs and gap_a >= 0 and gap_b >= 0:
                small = gap_a <= _SMALL_GAP and gap_b <= _SMALL_GAP
                cut_in_a = tokens_a[run.i].after_ellipsis and gap_a <= 1
                cut_in_b = tokens_b[run.j].after_ellipsis and gap_b <= 1
                if (
                    small
                    or (cut_in_a and gap_b <= _ELLIPSIS_GAP)
                    or (cut_in_b and gap_a <= _ELLIPSIS_GAP)
                ):
                    last.i_end, last.j_end = run.i_end, run.j_end
                    last.matched += run.matched
                    last.tail = run.tail
                    continue
        chained.append(_Run(run.i, run.j, run.i_end, run.j_end, run.matched, run.tail))
    return chained


def shared_quotes(
    a: Article,
    b: Article,
    min_tokens: int = DEFAULT_MIN_TOKENS,
    min_content: int = DEFAULT_MIN_CONTENT,
) -> list[SharedQuote]:
    """Word sequences of at least `min_tokens` matched words found in both articles' body
    paragraphs (furniture ignored), in the order of article a."""
    return shared_quotes_from_tokens(
        a, b, quote_tokens(a), quote_tokens(b), min_tokens, min_content
    )


def shared_quotes_from_tokens(
    a: Article,
    b: Article,
    tokens_a: list[Token],
    tokens_b: list[Token],
    min_tokens: int = DEFAULT_MIN_TOKENS,
    min_content: int = DEFAULT_MIN_CONTENT,
) -> list[SharedQuote]:
    """`shared_quotes` on tokens already computed (lets callers cache `quote_tokens`)."""
    keys_a = _keys_with_breaks(tokens_a, "a")
    keys_b = _keys_with_breaks(tokens_b, "b")
    # A run never spans a sentinel, so it maps to a contiguous stretch of tokens.
    map_a = _position_map(keys_a)
    map_b = _position_map(keys_b)
    runs = [
        _Run(
            map_a[r.i],
            map_b[r.j],
            map_a[r.i] + r.matched,
            map_b[r.j] + r.matched,
            r.matched,
            r.tail,
        )
        for r in _select(_exact_runs(keys_a, keys_b))
    ]
    quotes = []
    for run in _chain(runs, tokens_a, tokens_b):
        _trim_past_quote(run, tokens_a, tokens_b)
        if run.matched < min_tokens:
            continue
        span_a = tokens_a[run.i : run.i_end]
        span_b = tokens_b[run.j : run.j_end]
        content = [
            token for token in span_a if token.key not in STOPWORDS and not token.key.isdigit()
        ]
        if len(content) < min_content:
            continue
        quoted_a, quoted_b = _mostly_quoted(span_a), _mostly_quoted(span_b)
        plain_words = sum(not token.capitalised for token in content)
        if not (quoted_a or quoted_b) and plain_words < 2:
            continue  # "the Kazakh Ministry of Foreign Affairs": a shared name, not a quote
        first_a, last_a = span_a[0], span_a[-1]
        first_b, last_b = span_b[0], span_b[-1]
        a_text = a.text[first_a.start : last_a.end]
        b_text = b.text[first_b.start : last_b.end]
        quotes.append(
            SharedQuote(
                a_start=first_a.start,
                a_end=last_a.end,
                b_start=first_b.start,
                b_end=last_b.end,
                a_paragraph=first_a.paragraph,
                b_paragraph=first_b.paragraph,
                a_text=a_text,
                b_text=b_text,
                tokens=run.matched,
                exact=_words(a_text) == _words(b_text),
                quoted_in_a=quoted_a,
                quoted_in_b=quoted_b,
            )
        )
    return quotes


def _position_map(keys: list[str]) -> dict[int, int]:
    """Key-list position (sentinels included) → token-list position, for real tokens."""
    mapping: dict[int, int] = {}
    token_number = 0
    for position, key in enumerate(keys):
        if not key.startswith("\x00"):
            mapping[position] = token_number
            token_number += 1
    return mapping


def _trim_past_quote(run: _Run, tokens_a: list[Token], tokens_b: list[Token]) -> None:
    """A quotation ends where its quotation marks close: words that merely happen to follow
    in both texts ("…minorities.” The letter") are trimmed off the end."""
    trailing = 0
    for tokens, start, end in ((tokens_a, run.i, run.i_end), (tokens_b, run.j, run.j_end)):
        span = tokens[start:end]
        if not _mostly_quoted(span):
            continue
        count = 0
        while count < len(span) and not span[-1 - count].quoted:
            count += 1
        trailing = max(trailing, count)
    trailing = min(trailing, run.tail)  # only the last exact run pairs tokens one to one
    run.i_end -= trailing
    run.j_end -= trailing
    run.matched -= trailing
    run.tail -= trailing


def _mostly_quoted(tokens: list[Token]) -> bool:
    return sum(token.quoted for token in tokens) * 2 > len(tokens)


def _words(text: str) -> list[str]:
    """The words of a text after normalising (punctuation between words dropped, brackets
    kept: an inserted "[Uyghur]" makes a quotation edited, not exact)."""
    return re.findall(r"[\w'\[\]]+", normalise(text))


def normalise(text: str) -> str:
    """Lower case, straight quotes, dashes and ellipses as spaces, single spaces."""
    text = straighten_quotes(text.lower())
    text = re.sub(r"[—–‐‑]|…|\.\.\.|\s-+\s", " ", text)
    return " ".join(text.split())
