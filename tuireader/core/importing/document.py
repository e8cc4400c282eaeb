"""What an extractor returns, and how it becomes the article text written to seeds/."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tuireader.core.corpus import normal_line


class Unreadable(Exception):
    """A file that cannot be imported; the message is the reason, in words a user can act
    on ("encrypted: a password is needed")."""


@dataclass
class Extracted:
    """One file's content as an extractor found it."""

    paragraphs: list[str]
    """The text's paragraphs in reading order, each one line (headings included)."""
    facts: dict[str, Any] = field(default_factory=dict)
    """Catalog fields found in the file itself (`CatalogEntry` names: title, authors,
    container, issued, url, language, type); a fact not found is left out."""
    page_marks: list[tuple[int, int]] | None = None
    """For paged sources (PDF): where each page's text begins, item N for page N+1, as
    (index of the paragraph, character offset in it); a page without text begins where
    the next one does. Paragraphs of a paged source must be single-spaced already (the
    offsets are into them as given)."""
    warnings: list[str] = field(default_factory=list)
    """What the extractor noticed but read anyway (a page without text)."""
    verbatim: str | None = None
    """The article text exactly as the file has it (plain text and Markdown are written
    to seeds/ as they are, not re-flowed); None: made from `paragraphs`."""
    suffix: str = ".txt"
    """The article file's suffix in seeds/ (.md for Markdown)."""


@dataclass(frozen=True)
class ArticleText:
    """The text written into seeds/ and, for a paged source, where each page begins."""

    text: str
    page_starts: list[int] | None = None
    """Offset in `text` where each page begins (item N: page N+1); a page on which no
    paragraph begins starts where the next paragraph does."""


def article_text(extracted: Extracted) -> ArticleText:
    """The article as tuireader's corpus reads it: the title on the first line, then the
    paragraphs, separated by blank lines (see `tuireader.core.corpus.split_paragraphs`).

    The title is put first when the text does not already begin with it. Raises
    Unreadable when there is no text at all.
    """
    if extracted.verbatim is not None:
        if not extracted.verbatim.strip():
            raise Unreadable("no text found")
        return ArticleText(extracted.verbatim)
    marks = extracted.page_marks
    paragraphs = list(extracted.paragraphs)
    if marks is None:  # paged text keeps its spacing: the page marks are offsets into it
        paragraphs = [" ".join(p.split()) for p in paragraphs]
    if not any(p.strip() for p in paragraphs):
        raise Unreadable("no text found")
    title = " ".join(str(extracted.facts.get("title") or "").split())
    shift = 0
    first = next(p for p in paragraphs if p.strip())
    if title and normal_line(first) != normal_line(title):
        paragraphs.insert(0, title)
        shift = 1
    starts: list[int] = []
    position = 0
    for paragraph in paragraphs:
        starts.append(position)
        position += len(paragraph) + 2 if paragraph.strip() else 0
    text = "\n\n".join(p for p in paragraphs if p.strip()) + "\n"
    if marks is None:
        return ArticleText(text)
    page_starts = [starts[index + shift] + offset for index, offset in marks]
    if page_starts:
        page_starts[0] = 0  # the title put before the first page belongs to it
    return ArticleText(text, page_starts)
