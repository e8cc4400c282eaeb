"""Toggle buttons (checkboxes, radio buttons) that show their state without colour.

Textual draws a toggle's mark in both states and dims it when off; 16 colours and NO_COLOR
cannot tell the two apart. These draw the mark only when on.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.widgets import Checkbox, RadioButton


class _MarkOnlyWhenOn:
    """Mixed into a Textual toggle: its mark (`ON_MARK`) is drawn only when it is on."""

    ON_MARK: ClassVar[str] = "X"
    value: Any
    BUTTON_INNER: str

    def on_mount(self) -> None:
        """Draw the mark for the initial value."""
        self._show_value()

    def watch_value(self) -> None:
        """Redraw the mark and announce the change (as Textual's toggles do)."""
        self._show_value()
        super().watch_value()  # type: ignore[misc]

    def _show_value(self) -> None:
        self.BUTTON_INNER = self.ON_MARK if self.value else " "
        self.refresh()  # type: ignore[attr-defined]


class PlainCheckbox(_MarkOnlyWhenOn, Checkbox):
    """A checkbox that is an empty box when unticked."""


class PlainRadioButton(_MarkOnlyWhenOn, RadioButton):
    """A radio button that is empty when not chosen."""

    ON_MARK = "●"
