"""PDF files through pypdf: paragraphs rejoined across line breaks, hyphenation and page
breaks, with the place where each page begins kept, so that a quote can be cited by page.

pypdf reads the text of each page with the position of each line. Lines are joined into
paragraphs; a paragraph ends where the gap to the next line is clearly wider than the
page's usual line spacing, where the font size changes (a heading), or where a line that
ends a sentence is clearly shorter than the full lines (the last line of a paragraph in a
document without paragraph spacing). A word hyphenated at a line end ("Septem-" "ber") is
joined without the hyphen when the next line goes on in lower case. A paragraph left open
at the foot of a page (no sentence end, a full last line) goes on with the next page's
first line. Page
numbers and the running heads and feet repeated on most pages are left out.

Facts: title, authors and date from the document information (a title such as
"Microsoft Word - draft3.docx" is not taken; the first line of the first page in a
larger font is, then); the date is the document's creation date, the only one a PDF has.

Unreadable: an encrypted file that needs a password, a file with no text layer (a scan:
run OCR on it first), a file pypdf cannot parse. pypdf is imported only here.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from tuireader.core.importing.document import Extracted, Unreadable
from tuireader.core.importing.facts import clean_facts, one_line, pdf_date, split_names

_SENTENCE_END = re.compile(r"[.!?:;\"”’)\]]$")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$", re.IGNORECASE)
_JUNK_TITLE = re.compile(
    r"^(?:microsoft (?:word|powerpoint) - .*|untitled.*|.*\.(?:docx?|pdf|odt|rtf|tex|indd))$",
    re.IGNORECASE,
)
_GAP_FACTOR = 1.4  # a gap this many times the usual line spacing ends a paragraph
_SHORT_LINE = 0.7  # a sentence-ending line shorter than this share of a full line ends one
_RUNNING_SHARE = 0.5  # a head or foot line on more than this share of pages is left out


@dataclass
class _Line:
    """One line of a page: its text, its baseline height and font size."""

    text: str
    y: float
    size: float


def extract_pdf(data: bytes, name: str) -> Extracted:
    """The paragraphs of a PDF, where each page begins, and the document's facts.

    Raises Unreadable for an encrypted file that needs a password, a file without a text
    layer, or one that cannot be parsed.
    """
    import pypdf
    from pypdf.errors import DependencyError, PdfReadError

    # pypdf logs what it repairs in a damaged file; the import reports what matters itself.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _opened(reader):
            raise Unreadable("encrypted: a password is needed to open it")
        pages = [_page_lines(page) for page in reader.pages]
        info = reader.metadata
    except DependencyError as error:
        raise Unreadable(f"encrypted in a way pypdf cannot read here ({error})") from None
    except PdfReadError as error:
        raise Unreadable(f"not a PDF that can be read ({error})") from None
    if not any(pages):
        raise Unreadable(
            "no text layer (a scanned PDF?): run OCR on it first, e.g. with ocrmypdf, "
            "then import the result"
        )
    pages = _without_running_lines(pages)
    paragraphs, marks = _paragraphs(pages)
    warnings = [
        f"{name}: page {number} has no text" for number, lines in enumerate(pages, 1) if not lines
    ]
    facts = _facts(info, pages)
    return Extracted(paragraphs, facts, page_marks=marks, warnings=warnings)


def _opened(reader: Any) -> bool:
    """Whether an encrypted PDF opens without a password (many only restrict printing)."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # pypdf raises several kinds for a password it cannot try
        return False


def _page_lines(page: Any) -> list[_Line]:
    """The lines of one page in reading order, with their heights and font sizes."""
    lines: list[_Line] = []

    def visit(text: str, cm: Any, tm: Any, _font: Any, size: float) -> None:
        if not text:
            return
        y = float(tm[5]) * float(cm[3]) + float(cm[5])
        height = abs(float(size) * float(tm[3])) or float(size)
        parts = text.split("\n")
        for index, part in enumerate(parts):
            same_line = index == 0 and lines and abs(lines[-1].y - y) < max(height, 1) * 0.5
            if same_line and not _ends_line(lines[-1]):
                lines[-1].text += part
            elif part.strip():
                lines.append(_Line(part, y, height))
            if index < len(parts) - 1 and lines:
                lines[-1].text += "\n"  # ended: the next text starts a line of its own

    page.extract_text(visitor_text=visit)
    cleaned = []
    for line in lines:
        text = " ".join(line.text.split())
        if text:
            cleaned.append(_Line(text, line.y, line.size))
    return cleaned


def _ends_line(line: _Line) -> bool:
    """Whether a line was ended by a newline in pypdf's text."""
    return line.text.endswith("\n")


def _without_running_lines(pages: list[list[_Line]]) -> list[list[_Line]]:
    """The pages without page numbers and the running heads and feet (a first or last line
    found, numbers aside, on more than half of the pages, when there are three or more)."""

    def key(line: _Line) -> str:
        return re.sub(r"\d+", "#", line.text.lower())

    counts: Counter[str] = Counter()
    for lines in pages:
        edges = {key(line) for line in lines[:1] + lines[-1:]}
        counts.update(edges)
    running = (
        {k for k, n in counts.items() if n > _RUNNING_SHARE * len(pages)}
        if len(pages) >= 3
        else set()
    )
    result = []
    for lines in pages:
        kept = list(lines)
        for edge in (0, -1):
            while kept and (_PAGE_NUMBER.match(kept[edge].text) or key(kept[edge]) in running):
                kept.pop(edge)
        result.append(kept)
    return result


def _paragraphs(pages: list[list[_Line]]) -> tuple[list[str], list[tuple[int, int]]]:
    """Paragraphs from the pages' lines, and where each page's text begins in them."""
    paragraphs: list[str] = []
    marks: list[tuple[int, int] | None] = []
    # Whether the page's last paragraph goes on over the page: no sentence end, and a full
    # last line (a short one is a heading or a paragraph's end, not a line cut by the page).
    open_paragraph = False
    spacing = _usual_spacing(pages)
    for lines in pages:
        if not lines:
            marks.append(None)
            continue
        full = max(len(line.text) for line in lines)
        for index, line in enumerate(lines):
            if index == 0:
                starts = not (open_paragraph and paragraphs)
            else:
                starts = _starts_paragraph(lines[index - 1], line, spacing, full)
            if starts:
                paragraphs.append(line.text)
                if index == 0:
                    marks.append((len(paragraphs) - 1, 0))
            else:
                joined, at = _join(paragraphs[-1], line.text)
                paragraphs[-1] = joined
                if index == 0:
                    marks.append((len(paragraphs) - 1, at))
        open_paragraph = not _SENTENCE_END.search(paragraphs[-1]) and (
            len(lines[-1].text) >= _SHORT_LINE * full
        )
    # A page without text begins where the next page's text does (or at the very end).
    filled: list[tuple[int, int]] = []
    following = (len(paragraphs) - 1, len(paragraphs[-1])) if paragraphs else (0, 0)
    for mark in reversed(marks):
        following = mark or following
        filled.append(following)
    filled.reverse()
    return paragraphs, filled


def _usual_spacing(pages: list[list[_Line]]) -> float:
    """The document's usual distance between two lines of one paragraph: the most common
    gap between lines of the same size (the smaller on a tie; a paragraph gap is rarer,
    as paragraphs have more than two lines), measured over every page."""
    gaps: Counter[float] = Counter()
    for lines in pages:
        for above, below in pairwise(lines):
            gap = round((above.y - below.y) * 2) / 2
            if gap > 0 and abs(above.size - below.size) <= 0.5:
                gaps[gap] += 1
    if not gaps:
        return 0.0
    return min(gaps, key=lambda gap: (-gaps[gap], gap))


def _starts_paragraph(previous: _Line, line: _Line, spacing: float, full: int) -> bool:
    """Whether `line` begins a new paragraph after `previous` on the same page."""
    gap = previous.y - line.y
    if spacing and gap > _GAP_FACTOR * spacing:
        return True
    if abs(previous.size - line.size) > 0.5:  # a heading above or below
        return True
    ends_sentence = bool(_SENTENCE_END.search(previous.text))
    return ends_sentence and len(previous.text) < _SHORT_LINE * full


def _join(paragraph: str, line: str) -> tuple[str, int]:
    """The paragraph with the line added, and where the line's text begins in it: a word
    hyphenated at the line end is joined without its hyphen when the line goes on in lower
    case ("Septem-" + "ber"); otherwise the two are joined by a space."""
    if re.search(r"[^\W\d_]-$", paragraph) and line[:1].islower():
        return paragraph[:-1] + line, len(paragraph) - 1
    return f"{paragraph} {line}", len(paragraph) + 1


def _facts(info: Any, pages: list[list[_Line]]) -> dict[str, Any]:
    """Title, authors and date from the document information and the first page."""
    info = info or {}
    title = one_line(info.get("/Title") or "")
    if not title or _JUNK_TITLE.match(title):
        title = _first_page_title(pages)
    author = info.get("/Author")
    return clean_facts(
        {
            "title": title,
            "authors": split_names([author]) if author else [],
            "issued": pdf_date(info.get("/CreationDate")) if info.get("/CreationDate") else None,
            "type": "report",
        }
    )


def _first_page_title(pages: list[list[_Line]]) -> str:
    """The first line of the first page with text, when it is set larger than the body and
    short enough to be a title; else nothing."""
    first = next((lines for lines in pages if lines), [])
    if len(first) < 2:
        return ""
    body = statistics.median(line.size for line in first)
    top = first[0]
    if top.size > body + 0.5 and len(top.text.split()) <= 20:
        return top.text
    return ""
