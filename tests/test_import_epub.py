"""Importing EPUB e-books: chapters in reading order (the spine, not the order the files
were added), headings and paragraphs kept, the book's metadata in the catalog. The book is
made here with ebooklib."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tuireader.core.importing.document import Unreadable
from tuireader.core.importing.epub import extract_epub
from tuireader.core.importing.plan import plan_import
from tuireader.core.importing.run import run_import
from tuireader.core.workspace import Workspace


def river_book() -> bytes:
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("river-book-1")
    book.set_title("The River Book")
    book.set_language("en")
    book.add_author("Hanna Virtanen")
    book.add_metadata("DC", "date", "2021-09-15")
    one = epub.EpubHtml(title="Spring", file_name="one.xhtml", lang="en")
    one.content = (
        "<html><body><nav><p>Contents</p></nav><h1>Chapter One: Spring</h1>"
        "<p>The river woke in March.</p><p>Ice broke on the second day.</p>"
        "<style>p { margin: 0 }</style></body></html>"
    )
    two = epub.EpubHtml(title="Summer", file_name="two.xhtml", lang="en")
    two.content = (
        "<html><body><h1>Chapter Two: Summer</h1><p>By July the water was low.</p>"
        "<ul><li>Trout moved upstream.</li><li>Herons stayed.</li></ul></body></html>"
    )
    # Added in the wrong order on purpose: the spine says how the book is read.
    book.add_item(two)
    book.add_item(one)
    book.toc = (one, two)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", one, two]
    out = io.BytesIO()
    epub.write_epub(out, book)
    return out.getvalue()


def test_chapters_come_in_reading_order_with_headings_and_paragraphs() -> None:
    extracted = extract_epub(river_book(), "river.epub")
    assert extracted.paragraphs == [
        "Chapter One: Spring",
        "The river woke in March.",
        "Ice broke on the second day.",
        "Chapter Two: Summer",
        "By July the water was low.",
        "Trout moved upstream.",
        "Herons stayed.",
    ]


def test_the_books_metadata_becomes_its_facts() -> None:
    assert extract_epub(river_book(), "river.epub").facts == {
        "title": "The River Book",
        "authors": ["Hanna Virtanen"],
        "issued": "2021-09-15",
        "language": "en",
        "type": "book",
    }


def test_an_imported_book_starts_with_its_title(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / "seeds").mkdir(parents=True)
    book = tmp_path / "River Book.epub"
    book.write_bytes(river_book())
    run_import(plan_import(root, [book]))
    article = Workspace.open(root).articles["river-book"]
    assert article.paragraphs[0].text == "The River Book"
    assert article.paragraphs[1].text == "Chapter One: Spring"
    assert article.meta.authors == ("Hanna Virtanen",)
    assert Workspace.open(root).catalog["river-book"]["source"] == "sources/river-book.epub"


@pytest.mark.parametrize("data", [b"PK\x03\x04 not a zip", b"plain text, not a book"])
def test_a_file_that_is_not_an_epub_is_unreadable(data: bytes) -> None:
    with pytest.raises(Unreadable, match="not an EPUB"):
        extract_epub(data, "bad.epub")
