"""How a note looks under its highlight in the reader: a mark in the label's colour, then
the note wrapped to the text width, its own line breaks kept and its later lines indented
under the mark (so it reads as a block apart from the article text)."""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.style import Style

from tuireader.app.shell.render import clean_text

NOTE_MARK = "↳ "
"""Begins a note under its highlight; its other lines are indented as far."""


def note_lines(note: str, colour: str, width: int, style: Style | str) -> list[Content]:
    """`note` as lines of at most `width` cells: NOTE_MARK (bold, in `colour`) on the
    first, an indent on the others, the text in `style`. Note text is data: control
    characters are dropped and nothing is read as markup."""
    indent = cell_len(NOTE_MARK)
    room = max(1, width - indent)
    rows = [
        row
        for text in note.strip().splitlines()
        for row in (Content(clean_text(text)).wrap(room) if text.strip() else [Content()])
    ]
    mark = Content.styled(NOTE_MARK, f"bold {colour}")
    return [
        (mark if number == 0 else Content(" " * indent)) + row.stylize_before(style)
        for number, row in enumerate(rows)
    ]
