"""The editing dialogs' rule for escape: with unsaved changes, the first escape warns and a
second one discards; any edit in between makes the next escape warn again."""

from __future__ import annotations

from collections.abc import Mapping

from textual.widget import Widget

from tuireader.app.shell.keys import key_for


class DiscardGuard:
    """Decides whether escape may close an editing dialog (the note dialog, the catalog
    dialog), warning once when something typed would be lost."""

    def __init__(self) -> None:
        self.armed = False
        """The warning was shown: the next escape discards."""

    def allows_close(self, dialog: Widget, changed: bool, keymap: Mapping[str, str]) -> bool:
        """True when the dialog may close now; otherwise the warning is shown (naming the
        keys in `keymap`) and the next escape will close it."""
        if not changed or self.armed:
            return True
        self.armed = True
        cancel, save = key_for("note.cancel", keymap), key_for("note.save", keymap)
        dialog.notify(
            f"Press {cancel} again to discard your changes, or {save} to save.",
            severity="warning",
            timeout=3,
            markup=False,
        )
        return False

    def edited(self) -> None:
        """Something was typed or chosen: the next escape warns again."""
        self.armed = False
