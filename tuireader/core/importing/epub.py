"""EPUB e-books through ebooklib: the chapters in reading order (the book's spine), each
chapter's headings and paragraphs as paragraphs; the facts from the book's Dublin Core
metadata (title, creators, date, language). ebooklib is imported only here."""

from __future__ import annotations

import io
import warnings
from typing import Any

from tuireader.core.importing.document import Extracted, Unreadable
from tuireader.core.importing.facts import (
    catalog_date,
    clean_facts,
    language_code,
    one_line,
    split_names,
)

# Elements whose text is one paragraph (when no such element is inside them).
_BLOCKS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dt", "dd",
    "figcaption", "caption", "td", "th",
}  # fmt: skip
_SKIPPED = {"script", "style", "head", "nav"}


def extract_epub(data: bytes, name: str) -> Extracted:
    """The paragraphs of every chapter in spine order, and the book's facts.

    Raises Unreadable for a file that is not an EPUB ebooklib can open, or has no text.
    """
    import ebooklib
    from ebooklib import epub

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ebooklib's notices about its own options
            book = epub.read_epub(io.BytesIO(data), options={"ignore_ncx": True})
    except Exception as error:  # ebooklib raises zip, XML and its own errors on a bad file
        raise Unreadable(
            f"not an EPUB that can be read ({type(error).__name__}: {error})"
        ) from None
    paragraphs: list[str] = []
    for idref, _linear in book.spine:
        item = book.get_item_with_id(idref)
        if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT:
            continue
        paragraphs.extend(_chapter_paragraphs(item.get_content()))
    if not paragraphs:
        raise Unreadable("no text found in the book's chapters")
    return Extracted(paragraphs, _facts(book))


def _chapter_paragraphs(content: bytes) -> list[str]:
    """The text blocks of one chapter's XHTML, in order."""
    from lxml import html

    try:
        root = html.fromstring(content)
    except Exception:  # an empty or broken chapter: nothing to read in it
        return []
    found: list[str] = []
    for element in root.iter():
        if _tag(element) not in _BLOCKS or _inside_skipped(element):
            continue
        if any(_tag(child) in _BLOCKS for child in element.iterdescendants()):
            continue  # a container: its blocks come on their own
        text = one_line(element.text_content())
        if text:
            found.append(text)
    return found


def _tag(element: Any) -> str:
    """An element's tag without its namespace, lower case ("" for comments)."""
    tag = element.tag if isinstance(element.tag, str) else ""
    return str(tag.rsplit("}", 1)[-1].lower())


def _inside_skipped(element: Any) -> bool:
    """Whether an element is inside a part that is not the chapter's text (nav, style)."""
    return any(_tag(parent) in _SKIPPED for parent in element.iterancestors())


def _facts(book: Any) -> dict[str, Any]:
    """Title, creators, date and language from the book's metadata."""

    def values(field: str) -> list[str]:
        return [str(value) for value, _attributes in book.get_metadata("DC", field) if value]

    titles, dates, languages = values("title"), values("date"), values("language")
    return clean_facts(
        {
            "title": titles[0] if titles else None,
            "authors": split_names(values("creator")),
            "issued": catalog_date(dates[0]) if dates else None,
            "language": language_code(languages[0]) if languages else None,
            "type": "book",
        }
    )
