"""Offsets into a paragraph's text and into the text the reader shows for it.

The reader shows a paragraph with its control characters removed (shell.render.clean_text),
so an offset into the stored text and one into the line on screen differ by the control
characters before it. Highlights are stored against the text and drawn on the display.
"""

from __future__ import annotations

from bisect import bisect_left

from tuireader.app.shell.render import _CONTROL, _SOFT_BREAK


def _removed(text: str) -> list[int]:
    """Where the characters the display drops are (offsets into `text`, ascending)."""
    return [match.start() for match in _CONTROL.finditer(text.translate(_SOFT_BREAK))]


class Shift:
    """Maps an offset into a text to the offset into its displayed form (control
    characters removed), like render.safe_content does for match spans."""

    def __init__(self, removed: list[int]) -> None:
        self.removed = removed
        """Offsets of the characters the display drops, ascending."""

    def __call__(self, offset: int) -> int:
        return offset - bisect_left(self.removed, offset) if self.removed else offset


def display_offsets(text: str) -> Shift:
    """A function from offsets into `text` to offsets into its displayed form."""
    return Shift(_removed(text))


def original_offset(text: str, display_offset: int) -> int:
    """The offset into `text` of the character shown at `display_offset`."""
    offset = display_offset
    for position in _removed(text):  # each removed character at or before it shifts it right
        if position <= offset:
            offset += 1
        else:
            break
    return offset
