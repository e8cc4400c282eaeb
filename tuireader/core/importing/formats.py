"""Which extractor reads which file, chosen by the file's suffix. The extractor modules are
imported only when a file of their kind is read (trafilatura, pypdf and ebooklib are heavy
and not needed by the rest of tuireader)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from tuireader.core.importing.document import Extracted, Unreadable

# suffix -> (module under tuireader.core.importing, function, what the format is called)
FORMATS: dict[str, tuple[str, str, str]] = {
    ".html": ("html", "extract_html", "web page"),
    ".htm": ("html", "extract_html", "web page"),
    ".xhtml": ("html", "extract_html", "web page"),
    ".pdf": ("pdf", "extract_pdf", "PDF"),
    ".epub": ("epub", "extract_epub", "EPUB e-book"),
    ".md": ("text", "extract_markdown", "Markdown"),
    ".markdown": ("text", "extract_markdown", "Markdown"),
    ".txt": ("text", "extract_text", "plain text"),
}


def format_of(path: Path) -> str | None:
    """What kind of file `path` is ("web page", "PDF"...), None when it cannot be imported."""
    found = FORMATS.get(path.suffix.lower())
    return found[2] if found else None


def extractor_for(path: Path) -> Callable[[bytes, str], Extracted]:
    """The function that reads a file like `path`; Unreadable for a kind not known."""
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        known = ", ".join(sorted(FORMATS))
        kind = path.suffix or "no suffix"
        raise Unreadable(f"unknown type ({kind}); tuireader imports {known}")
    module, function, _kind = found
    extractor: Callable[[bytes, str], Extracted] = getattr(
        importlib.import_module(f"tuireader.core.importing.{module}"), function
    )
    return extractor
