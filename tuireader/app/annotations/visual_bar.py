"""The bar shown in the reader while selecting text (visual mode, `v`).

It takes the focus while the selection is made, so its keys (w / b, ( / ), { / }, o,
escape) win over the reader's own keys of the same name (b is page up in the reader) and the
footer lists them. Keys it does not bind (h, 1-6, a, t, j / k, ...) reach the reader.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.content import Content
from textual.widgets import Static

from tuireader.app.annotations.status import visual_line
from tuireader.app.context import reader_context
from tuireader.app.shell import bindings


class VisualBar(Static, can_focus=True):
    """One line above the status line: what is selected and what to press next."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.VISUAL]
    DEFAULT_CSS = """
    VisualBar {
        height: 1;
        padding: 0 1;
        background: $primary;
        color: $text;
        text-style: bold;
    }
    VisualBar:nocolor {
        text-style: bold reverse;
    }
    """

    def show_selection(self, words: int, paragraphs: str) -> None:
        """Describe the selection: its size, then the keys that act on it."""
        keymap = reader_context(self).keymap_in_use
        self.update(Content(visual_line(words, paragraphs, keymap)))
