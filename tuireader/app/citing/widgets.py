"""Small keyboard-first form widgets for dialogs: a one-line choice, a filter box that drives
an option list, and a checkbox that leaves enter to the dialog."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import events
from textual.binding import BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, OptionList

from tuireader.app.shell import bindings
from tuireader.app.shell.toggles import PlainCheckbox


class Choice(Widget, can_focus=True):
    """A one-line choice among a few options: left / right change it (no wrap-around)."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.CHOICE]
    DEFAULT_CSS = """
    Choice {
        height: 1;
        width: 1fr;
    }
    """

    value: reactive[str] = reactive("", init=False)
    """The chosen option's value."""

    class Changed(Message):
        """The choice changed."""

        def __init__(self, choice: Choice, value: str) -> None:
            super().__init__()
            self.choice = choice
            """The widget."""
            self.value = value
            """The new value."""

        @property
        def control(self) -> Choice:
            """The widget (for `@on(Choice.Changed, "#id")`)."""
            return self.choice

    def __init__(
        self,
        options: Sequence[tuple[str, str]],
        value: str,
        *,
        unavailable: Sequence[str] = (),
        id: str | None = None,
    ) -> None:
        """`options` are (value, label) pairs; `unavailable` values are shown but skipped."""
        super().__init__(id=id)
        self.options = list(options)
        """(value, label) of each option, in order."""
        self.unavailable = set(unavailable)
        """Values that cannot be chosen right now."""
        self.set_reactive(Choice.value, value)

    def render(self) -> Content:
        """The options side by side, the chosen one in reverse video."""
        parts: list[tuple[str, str] | str] = []
        for value, label in self.options:
            if value == self.value:
                style = "bold reverse underline" if self.has_focus else "bold reverse"
            elif value in self.unavailable:
                style = "dim strike"
            else:
                style = ""
            parts.append((f" {label} ", style))
            parts.append(" ")
        return Content.assemble(*parts)

    def _positions(self) -> list[tuple[int, int, str]]:
        """(start, end, value) of each option on the line."""
        spans: list[tuple[int, int, str]] = []
        x = 0
        for value, label in self.options:
            width = len(label) + 2
            spans.append((x, x + width, value))
            x += width + 1
        return spans

    def watch_value(self, value: str) -> None:
        """Redraw and announce the change."""
        self.refresh()
        self.post_message(self.Changed(self, value))

    def on_focus(self) -> None:
        """Show the focus (underline on the chosen option)."""
        self.refresh()

    def on_blur(self) -> None:
        """Remove the focus mark."""
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        """Choose the option clicked."""
        for start, end, value in self._positions():
            if start <= event.x < end and value not in self.unavailable:
                self.value = value

    def action_step(self, step: int) -> None:
        """Choose the next (1) or previous (-1) available option."""
        values = [v for v, _label in self.options]
        index = values.index(self.value) if self.value in values else 0
        index += step
        while 0 <= index < len(values):
            if values[index] not in self.unavailable:
                self.value = values[index]
                return
            index += step

    def set_unavailable(self, values: Sequence[str]) -> None:
        """Change which options cannot be chosen."""
        self.unavailable = set(values)
        self.refresh()


class ListFilter(Input):
    """A filter box for an option list beside it: the owner fills the list as the text
    changes; up / down move the list's highlight without leaving the box."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.STYLE_FILTER]

    def __init__(
        self,
        options: OptionList,
        *,
        placeholder: str = "",
        id: str | None = None,
        compact: bool = False,
    ) -> None:
        """`options`: the list this box drives (composed by the owner, usually just below)."""
        super().__init__(placeholder=placeholder, id=id, compact=compact)
        self.options = options
        """The list whose highlight up / down move."""

    def action_move(self, step: int) -> None:
        """Move the highlight in the list: down (1) or up (-1)."""
        if step > 0:
            self.options.action_cursor_down()
        else:
            self.options.action_cursor_up()


class SpaceCheckbox(PlainCheckbox, inherit_bindings=False):
    """A checkbox toggled with space only, so enter can submit the dialog from it; unticked,
    an empty box (see PlainCheckbox)."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.CHECKBOX]
