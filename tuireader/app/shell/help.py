"""The help screen, generated from the bindings (with the user's keymap applied)."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import groupby
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from tuireader.app.context import reader_context
from tuireader.app.shell import bindings
from tuireader.app.shell.bindings import KeyHelp
from tuireader.app.shell.keys import key_for

MAX_KEY_WIDTH = 16
"""Width of the keys column."""


def intro(keymap: Mapping[str, str]) -> str:
    """The line above the key tables (naming the palette's key as the user has it bound)."""
    return (
        "Rebind any key in settings.yaml by its id, e.g. keymap: {reader.next_match: ctrl+n}. "
        f"{key_for('app.palette', keymap)} opens the command palette: articles by title, "
        "commands, themes."
    )


def section_content(section: str, rows: list[KeyHelp], key_width: int) -> Content:
    """One section: its title, then "keys  description  id" rows."""
    lines = [Content.styled(section, "bold underline")]
    for row in rows:
        ident = f"  ({row.binding_id})" if row.binding_id else ""
        lines.append(
            Content.assemble(
                (f"  {row.keys:<{key_width}}", "bold"),
                f"  {row.description}",
                (ident, "dim"),
            )
        )
    return Content("\n").join(lines)


class HelpScreen(Screen[None]):
    """Every key, by screen, as it is bound right now."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.HELP]
    AUTO_FOCUS = "#help-body"

    def __init__(self) -> None:
        super().__init__()
        self.sub_title = "keys"

    def compose(self) -> ComposeResult:
        """Header, the key tables (scrollable), footer."""
        yield Header(icon="≡")
        keymap = reader_context(self).keymap_in_use
        rows = bindings.help_rows(keymap)
        # Long entries (built-in widget keys) overflow the column rather than widen it.
        key_width = min(MAX_KEY_WIDTH, max(len(row.keys) for row in rows))
        with VerticalScroll(id="help-body"):
            yield Static(Content(intro(keymap)), classes="help-intro")
            for section, group in groupby(rows, key=lambda row: row.section):
                yield Static(
                    section_content(section, list(group), key_width), classes="help-section"
                )
        yield Footer()

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.app.pop_screen()
