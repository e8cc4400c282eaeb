"""Plain helpers behind the annotations UI (no Textual import): labels, the word / sentence /
paragraph units a keyboard selection moves by, the selection itself, and the rows and filter
of the annotations view.

Everything here is about offsets into `Article.text`, the same offsets the annotation store
keeps in `TextTarget.start`/`end`.
"""

from __future__ import annotations

import re
import shlex
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from tuireader.app.shell.render import clean_text
from tuireader.core.annotations.anchoring import Anchor
from tuireader.core.annotations.model import LABEL_NAMES, Annotation, reanchor
from tuireader.core.annotations.store import AnnotationStore
from tuireader.core.corpus import Article
from tuireader.core.text import sentence_spans

# ---------------------------------------------------------------------------- labels


@dataclass(frozen=True)
class Label:
    """A highlight colour chosen with a number key.

    `colour` is the background in colour terminals (saturated enough that each of the six
    still maps to its own colour in a 16-colour terminal); `plain_style` is the text style
    that tells the labels apart without colour (NO_COLOR).
    """

    key: str
    name: str
    colour: str
    plain_style: str


# How each label of the core's LABEL_NAMES looks: colour and its no-colour style.
_LOOKS = {
    "yellow": ("#f6db55", "underline"),
    "green": ("#70db70", "bold underline"),
    "blue": ("#5ec8f2", "italic underline"),
    "pink": ("#ee6fc0", "bold italic underline"),
    "orange": ("#f6a055", "reverse"),
    "purple": ("#a663e9", "italic reverse"),
}
LABELS: tuple[Label, ...] = tuple(
    Label(str(number), name, *_LOOKS[name]) for number, name in enumerate(LABEL_NAMES, 1)
)
"""The six labels, in number-key order (the names are the core's `LABEL_NAMES`). Their
16-colour equivalents are bright yellow, green, cyan, magenta, red and blue."""
LABEL_BY_NAME: dict[str, Label] = {label.name: label for label in LABELS}
"""Labels by name."""
LABEL_BY_KEY: dict[str, Label] = {label.key: label for label in LABELS}
"""Labels by number key ("1"-"6")."""
DEFAULT_LABEL = "yellow"
"""The label of a highlight made before any number key was pressed."""
OTHER_LABEL_CLASS = "annotation--other"
"""Component class of a label that is none of the six (e.g. set with the CLI)."""


def label_class(label: str | None) -> str:
    """The component class that styles a highlight with this label."""
    if label in LABEL_BY_NAME:
        return f"annotation--{label}"
    return OTHER_LABEL_CLASS


def label_display(label: str | None) -> str:
    """How a label is written in lists: its name and number key ("yellow (1)")."""
    if label is None:
        return "—"
    known = LABEL_BY_NAME.get(label)
    return f"{known.name} ({known.key})" if known else clean_text(label)


# ---------------------------------------------------------------------------- text units

Unit = Literal["word", "sentence", "paragraph"]
"""What a selection moves by."""

_WORD = re.compile(r"\S+")
_TRAILING = ",;:"
"""Punctuation left out at the end of a selection that does not end a sentence."""


@dataclass
class TextUnits:
    """The words of an article with the sentences and paragraphs they form, for moving a
    selection. Words are runs of non-blank characters; indexes below are word indexes."""

    text: str
    """The article text the offsets point into."""
    words: list[tuple[int, int]]
    """Every word as (start, end) offsets into the article text, in order."""
    sentence_starts: list[int]
    """Indexes of the words that begin a sentence."""
    sentence_ends: list[int]
    """Indexes of the words that end a sentence."""
    paragraph_starts: list[int]
    """Indexes of the words that begin a paragraph."""
    paragraph_ends: list[int]
    """Indexes of the words that end a paragraph."""
    word_starts: list[int] = field(init=False, repr=False)
    """The start offset of each word (for bisecting)."""
    _sentence_end_set: frozenset[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.word_starts = [start for start, _ in self.words]
        self._sentence_end_set = frozenset(self.sentence_ends)

    @classmethod
    def build(cls, article: Article) -> TextUnits:
        """Split an article (milliseconds for 10,000 words)."""
        words: list[tuple[int, int]] = []
        sentence_starts: list[int] = []
        sentence_ends: list[int] = []
        paragraph_starts: list[int] = []
        paragraph_ends: list[int] = []
        for paragraph in article.paragraphs:
            first = len(words)
            for start, end in sentence_spans(paragraph.text):
                before = len(words)
                for match in _WORD.finditer(paragraph.text, start, end):
                    words.append((paragraph.start + match.start(), paragraph.start + match.end()))
                if len(words) > before:
                    sentence_starts.append(before)
                    sentence_ends.append(len(words) - 1)
            if len(words) > first:
                paragraph_starts.append(first)
                paragraph_ends.append(len(words) - 1)
        return cls(
            article.text, words, sentence_starts, sentence_ends, paragraph_starts, paragraph_ends
        )

    def word_at(self, offset: int) -> int:
        """The word at `offset`, or the nearest one after it (the last word at the end)."""
        if not self.words:
            return 0
        index = bisect_right(self.word_starts, offset) - 1
        if index >= 0 and offset < self.words[index][1]:
            return index
        return min(index + 1, len(self.words) - 1)

    def starts(self, unit: Unit) -> list[int]:
        """Word indexes where sentences or paragraphs begin."""
        return self.paragraph_starts if unit == "paragraph" else self.sentence_starts

    def ends(self, unit: Unit) -> list[int]:
        """Word indexes where sentences or paragraphs end."""
        return self.paragraph_ends if unit == "paragraph" else self.sentence_ends

    def unit_around(self, unit: Unit, word: int) -> tuple[int, int]:
        """(first word, last word) of the unit holding `word`."""
        if unit == "word" or not self.words:
            return word, word
        starts, ends = self.starts(unit), self.ends(unit)
        position = max(0, bisect_right(starts, word) - 1)
        return starts[position], ends[position]

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Character offsets covering words first..last (in either order), without a
        trailing comma, semicolon or colon unless the span ends a sentence."""
        low, high = min(first, last), max(first, last)
        start, end = self.words[low][0], self.words[high][1]
        if high not in self._sentence_end_set:
            while end - 1 > self.words[high][0] and self.text[end - 1] in _TRAILING:
                end -= 1
        return start, end


# ---------------------------------------------------------------------------- selection


@dataclass(frozen=True)
class Selection:
    """A keyboard (or mouse) selection of whole words, like vim's visual mode: `anchor` is
    the word where it began and stays selected, `head` is the word that moves."""

    anchor: int
    head: int

    @property
    def first(self) -> int:
        """The first selected word."""
        return min(self.anchor, self.head)

    @property
    def last(self) -> int:
        """The last selected word."""
        return max(self.anchor, self.head)

    @property
    def word_count(self) -> int:
        """How many words are selected."""
        return self.last - self.first + 1

    def span(self, units: TextUnits) -> tuple[int, int]:
        """Character offsets of the selection in the article text."""
        return units.span(self.anchor, self.head)

    def swap(self) -> Selection:
        """The other end becomes the moving one (vim's `o`)."""
        return Selection(self.head, self.anchor)

    def move(self, units: TextUnits, unit: Unit, step: int) -> Selection:
        """Move the head by one unit: forward (`step` > 0) or back.

        With the head at or after the anchor, forward extends to the end of the next unit
        and back shrinks to the end of the previous one (never past the anchor; from the
        anchor it goes on backwards). With the head before the anchor it is the mirror
        image, so `o` (swap) then a move shrinks or grows the other end.
        """
        if not units.words:
            return self
        head, anchor = self.head, self.anchor
        last = len(units.words) - 1
        if unit == "word":
            if step > 0:
                head = min(head + 1, anchor if head < anchor else last)
            else:
                head = max(head - 1, anchor if head > anchor else 0)
            return Selection(anchor, head)
        starts, ends = units.starts(unit), units.ends(unit)
        if step > 0:
            if head < anchor:
                position = bisect_right(starts, head)
                head = min(starts[position], anchor) if position < len(starts) else anchor
            else:
                position = bisect_right(ends, head)
                head = ends[position] if position < len(ends) else last
        elif head > anchor:
            position = bisect_left(ends, head) - 1
            head = ends[position] if position >= 0 and ends[position] >= anchor else anchor
        else:
            position = bisect_left(starts, head) - 1
            head = starts[position] if position >= 0 else 0
        return Selection(anchor, head)


# ---------------------------------------------------------------------------- annotations


@dataclass
class Placed:
    """An annotation with where it is in the article's current text."""

    annotation: Annotation
    anchor: Anchor

    @property
    def id(self) -> str:
        """The annotation's id."""
        return self.annotation.id

    @property
    def shown(self) -> bool:
        """Whether it is found in the text (anchored or fuzzy)."""
        return self.anchor.status != "orphaned" and self.anchor.start is not None

    @property
    def start(self) -> int:
        """Start offset in the current text (the stored one for an orphan)."""
        return self.anchor.start if self.anchor.start is not None else self.annotation.target.start

    @property
    def end(self) -> int:
        """End offset in the current text (the stored one for an orphan)."""
        return self.anchor.end if self.anchor.end is not None else self.annotation.target.end


def place_all(annotations: Iterable[Annotation], article: Article | None) -> list[Placed]:
    """Re-anchor annotations in the article (orphans when the article is gone), sorted by
    position."""
    placed = [
        Placed(a, reanchor(a, article) if article is not None else Anchor.orphaned())
        for a in annotations
    ]
    placed.sort(key=lambda p: (p.start, p.end, p.annotation.created, p.id))
    return placed


def shorten(text: str, width: int) -> str:
    """`text` on one line (control characters removed), cut to `width` cells with "…"."""
    line = " ".join(clean_text(text).split())
    if len(line) <= width:
        return line
    return line[: max(0, width - 1)].rstrip() + "…"


# ---------------------------------------------------------------------------- the view


@dataclass
class AnnotationRow:
    """One line of the annotations view."""

    placed: Placed
    article_id: str
    article_title: str
    article_missing: bool
    read_only: bool

    @property
    def status(self) -> str:
        """anchored / fuzzy / orphaned."""
        return self.placed.anchor.status

    @property
    def paragraph(self) -> int:
        """The paragraph number now (the stored one for orphans)."""
        return self.placed.anchor.paragraph or self.placed.annotation.target.paragraph


@dataclass
class ViewData:
    """Everything the annotations view lists: rows and unreadable files."""

    rows: list[AnnotationRow]
    problems: list[str]


def collect_rows(store: AnnotationStore, articles: Mapping[str, Article]) -> ViewData:
    """Every stored annotation, re-anchored against the loaded articles (call in a worker:
    fuzzy re-anchoring of many edited articles takes a moment)."""
    rows: list[AnnotationRow] = []
    problems: list[str] = []
    for article_id, annotation_file in store.all():
        if annotation_file.problem:
            problems.append(annotation_file.problem)
        article = articles.get(article_id)
        title = clean_text(article.title) if article is not None else article_id
        for placed in place_all(annotation_file.annotations, article):
            rows.append(
                AnnotationRow(placed, article_id, title, article is None, annotation_file.read_only)
            )
    return ViewData(rows, problems)


STATUSES = ("anchored", "fuzzy", "orphaned")
"""Every anchoring status."""
FILTER_KEYS = ("tag", "label", "status", "doc")
"""Keys of the filter syntax (`article:` is an alias of `doc:`, `is:` of `status:`)."""
_KEY_ALIASES = {"article": "doc", "is": "status", "tags": "tag"}


@dataclass
class RowFilter:
    """A parsed filter: `tag:x label:y status:orphaned doc:000 free words` (all must hold;
    several values of one key: any of them)."""

    words: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Whether nothing is filtered."""
        return not (self.words or self.tags or self.labels or self.statuses or self.docs)


def parse_filter(text: str) -> RowFilter:
    """Parse the filter box. Quotes group words (`tag:"two words"`); an unknown key or
    status is reported in `problems` and the term is searched as text."""
    terms = text.split()
    for closing in ("", '"', "'"):  # an unclosed quote while typing: close it
        try:
            terms = shlex.split(text + closing)
            break
        except ValueError:
            continue
    parsed = RowFilter()
    for term in terms:
        raw_key, colon, value = term.partition(":")
        key = _KEY_ALIASES.get(raw_key.lower(), raw_key.lower())
        if not colon or key not in FILTER_KEYS:
            if colon and key.isalpha() and value:
                parsed.problems.append(f"unknown filter {raw_key}: (use {', '.join(FILTER_KEYS)})")
            parsed.words.append(term.lower())
            continue
        value = value.strip().lower()
        if not value:
            continue  # "tag:" while typing
        if key == "tag":
            parsed.tags.append(value)
        elif key == "label":
            parsed.labels.append(value)
        elif key == "doc":
            parsed.docs.append(value)
        else:
            chosen = [s for s in STATUSES if s.startswith(value.removesuffix("s"))]
            if chosen:
                parsed.statuses.extend(chosen)
            else:
                parsed.problems.append(f"status is one of {', '.join(STATUSES)}")
                parsed.statuses.append(value)
    return parsed


def row_matches(row: AnnotationRow, wanted: RowFilter) -> bool:
    """Whether a row passes the filter."""
    annotation = row.placed.annotation
    if wanted.statuses and row.status not in wanted.statuses:
        return False
    if wanted.labels and (annotation.label or "").lower() not in wanted.labels:
        return False
    tags = [t.lower() for t in annotation.tags]
    if wanted.tags and not any(tag in tags for tag in wanted.tags):
        return False
    if wanted.docs and not any(
        row.article_id.lower().startswith(doc) or doc in row.article_title.lower()
        for doc in wanted.docs
    ):
        return False
    if wanted.words:
        haystack = " ".join(
            [
                annotation.target.exact,
                annotation.note,
                " ".join(annotation.tags),
                annotation.label or "",
                row.article_title,
                row.article_id,
            ]
        ).lower()
        if not all(word in haystack for word in wanted.words):
            return False
    return True
