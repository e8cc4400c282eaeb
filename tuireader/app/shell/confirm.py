"""Small keyboard-driven questions: a message and a few buttons; escape cancels.

ChoiceDialog asks for one of a few answers; ConfirmDialog is the yes/no case (deleting a
highlight, saving one again), with y and n as keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tuireader.app.shell import bindings


class ChoiceDialog(ModalScreen[str | None]):
    """Ask the user to pick one of a few answers; dismisses with the chosen answer's id, or
    None on escape. Tab / shift+tab (or left / right) move between the buttons."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.CHOICE_DIALOG]
    DEFAULT_CSS = """
    ChoiceDialog {
        align: center middle;
    }
    ChoiceDialog #choice-box {
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $accent;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    ChoiceDialog #choice-message {
        height: auto;
        margin-bottom: 1;
    }
    ChoiceDialog #choice-buttons {
        height: auto;
        align-horizontal: right;
    }
    ChoiceDialog Button {
        margin-left: 1;
    }
    ChoiceDialog Button:focus {
        text-style: bold reverse;
    }
    """

    def __init__(
        self,
        title: str,
        message: Content,
        answers: Sequence[tuple[str, str]],
        focus: str | None = None,
    ) -> None:
        """`answers` are (id, button label) pairs; `focus` is the id focused at first (the
        safe answer), default the last one."""
        super().__init__()
        self.title_text = title
        """The box's title."""
        self.message = message
        """The question, as Content (built from plain strings by the caller)."""
        self.answers = list(answers)
        """(id, label) of each button, in order."""
        self.initial = focus or self.answers[-1][0]
        """The answer focused when the dialog opens."""

    def compose(self) -> ComposeResult:
        """The message and a row of buttons."""
        with Vertical(id="choice-box") as box:
            box.border_title = self.title_text
            yield Static(self.message, id="choice-message")
            with Horizontal(id="choice-buttons"):
                for answer, label in self.answers:
                    yield Button(label, id=f"answer-{answer}", compact=True)

    def on_mount(self) -> None:
        """Focus the safe answer."""
        self.query_one(f"#answer-{self.initial}", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("answer-"))

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)

    def action_focus_button(self, step: int) -> None:
        """Move to the next (1) or previous (-1) button."""
        if step > 0:
            self.focus_next(Button)
        else:
            self.focus_previous(Button)


class ConfirmDialog(ChoiceDialog):
    """A yes/no question: y or the first button answers "yes"; n, escape or the second
    button (focused at first, the safe answer) answers "no"."""

    # Inherits left / right; y, n and escape (as "no") are its own.
    BINDINGS: ClassVar[list[BindingType]] = [*bindings.CONFIRM]
    DEFAULT_CSS = """
    ConfirmDialog #choice-box {
        border: round $error;
    }
    """

    def __init__(self, title: str, message: Content, yes: str, no: str) -> None:
        """`message` is Content built from plain strings; `yes` / `no` label the buttons."""
        super().__init__(title, message, [("yes", f"{yes} (y)"), ("no", f"{no} (n)")], "no")

    def action_yes(self) -> None:
        """Confirm."""
        self.dismiss("yes")

    def action_no(self) -> None:
        """Decline."""
        self.dismiss("no")
