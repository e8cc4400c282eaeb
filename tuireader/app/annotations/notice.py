"""The line above the reader's text that says the article's annotations are read-only."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


def read_only_text(problem: str) -> str:
    """Why nothing is saved and what to do about it."""
    return (
        f"Annotations are read-only: {problem}. "
        "Fix the file (nothing is overwritten), then reopen the article."
    )


class ReadOnlyNotice(Static):
    """Shown while the annotation file fails to parse (it is never overwritten)."""

    DEFAULT_CSS = """
    ReadOnlyNotice {
        height: auto;
        padding: 0 1;
        background: $error 30%;
        color: $text;
        text-style: bold;
    }
    ReadOnlyNotice:nocolor {
        text-style: bold reverse;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="annotations-notice")
        self.display = False

    def show_problem(self, problem: str | None) -> None:
        """Show why the file is read-only, or hide the notice (None)."""
        if problem is None:
            self.display = False
            return
        self.update(Content(read_only_text(problem)))
        self.display = True
