"""The find-in-article bar at the bottom of the reader: an input and a match counter."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from tuireader.app.shell import bindings


class FindBar(Horizontal):
    """Type to highlight matches in the open article; enter keeps them and returns to the
    text (n/N step through them); escape closes the bar."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.FIND_BAR]

    def compose(self) -> ComposeResult:
        """The input and the counter."""
        yield Static(Content("Find:"), classes="find-label")
        yield Input(placeholder="words in this article", id="find-input", compact=True)
        yield Static(id="find-count")

    @property
    def input(self) -> Input:
        """The query input."""
        return self.query_one("#find-input", Input)

    def open(self, text: str = "") -> None:
        """Show the bar and focus the input (pre-filled with `text`)."""
        self.display = True
        if text:
            self.input.value = text
        self.input.focus()

    class Closed(Message):
        """The bar was closed (enter or escape): the screen gives focus back to the text."""

    def action_close(self) -> None:
        """Hide the bar; the highlights stay for n/N."""
        self.display = False
        self.post_message(self.Closed())

    def show_count(self, text: str, error: bool = False) -> None:
        """Show the match count or why there are no matches."""
        self.query_one("#find-count", Static).update(Content(text))
        self.set_class(error, "-error")
