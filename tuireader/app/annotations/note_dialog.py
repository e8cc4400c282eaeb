"""The note dialog: a highlight's label, note and tags (a: new note, e: edit, t: tags only).

ctrl+s (or the Save button, or enter in the tags box) saves; escape cancels, asking for a
second escape when something was typed, so a stray key never throws a note away. The
buttons name the keys as the keymap binds them.

The field that has the focus is marked by its caption ("▸ Note", bold reverse) and a bar
left of it, and the hint line says where tab goes next: both are text or text style, so
they show in 16 colours and under NO_COLOR, where a background change does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, RadioSet, Static, TextArea

from tuireader.app.annotations.model import LABELS, shorten
from tuireader.app.context import reader_context
from tuireader.app.shell import bindings
from tuireader.app.shell.bindings import short_key
from tuireader.app.shell.discard_guard import DiscardGuard
from tuireader.app.shell.keys import key_for
from tuireader.app.shell.toggles import PlainRadioButton
from tuireader.core.text import parse_tags

QUOTE_CHARS = 220
"""Longest quote shown at the top of the dialog."""
FOCUS_MARK = "▸ "
"""Begins the caption of the field that has the focus (the others begin with spaces)."""
FIELDS = {
    "note-labels": "Label (←/→, space)",
    "note-text": "Note",
    "note-tags": "Tags (comma-separated)",
}
"""The fields' ids and captions, in tab order."""


@dataclass(frozen=True)
class NoteEdit:
    """What the dialog returns on save."""

    label: str | None
    note: str
    tags: list[str]


class NoteDialog(ModalScreen[NoteEdit | None]):
    """Edit the label, note and tags of a highlight (or only its tags)."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.NOTE_DIALOG]
    DEFAULT_CSS = """
    NoteDialog {
        align: center middle;
    }
    NoteDialog #note-box {
        width: 80;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $accent;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    NoteDialog #note-quote {
        height: auto;
        max-height: 4;
        color: $text-muted;
        text-style: italic;
        margin-bottom: 1;
    }
    NoteDialog .note-caption {
        text-style: bold;
        height: 1;
    }
    NoteDialog .note-caption.-focused {
        text-style: bold reverse;
    }
    NoteDialog #note-labels {
        layout: horizontal;
        height: 1;
        border: none;
        padding: 0;
        margin-bottom: 1;
        background: $surface;
    }
    NoteDialog #note-labels RadioButton {
        width: auto;
        margin-right: 2;
        border: none;
        padding: 0;
        background: $surface;
    }
    NoteDialog #note-labels:focus-within {
        background: $boost;
    }
    NoteDialog #note-text {
        height: 6;
        margin-bottom: 1;
        background: $boost;
    }
    NoteDialog #note-tags {
        margin-bottom: 1;
        background: $boost;
    }
    /* Compact fields have no border; the bar left of the focused one must win over that. */
    NoteDialog #note-text, NoteDialog #note-tags {
        border-left: blank !important;
    }
    NoteDialog #note-text:focus, NoteDialog #note-tags:focus {
        border-left: outer $accent !important;
    }
    NoteDialog #note-text:focus, NoteDialog #note-tags:focus {
        background: $primary 20%;
    }
    NoteDialog #note-buttons {
        height: 1;
        align-horizontal: right;
    }
    NoteDialog Button {
        margin-left: 1;
    }
    NoteDialog Button:focus {
        text-style: bold reverse;
    }
    NoteDialog #note-hint {
        height: 1;
        color: $text-muted;
        width: 1fr;
    }
    """

    def __init__(
        self,
        title: str,
        quote: str,
        label: str | None,
        note: str = "",
        tags: Sequence[str] = (),
        tags_only: bool = False,
    ) -> None:
        """`quote` is the highlighted text (shown shortened); `tags_only` shows only the
        tags box (t)."""
        super().__init__()
        self.title_text = title
        """The box's title."""
        self.quote = quote
        """The highlighted text."""
        self.label = label
        """The label chosen when the dialog opens."""
        self.note = note
        """The note when the dialog opens."""
        self.tags = list(tags)
        """The tags when the dialog opens."""
        self.tags_only = tags_only
        """Only the tags can be changed."""
        self._discard = DiscardGuard()

    def compose(self) -> ComposeResult:
        """Quote, label choice, note, tags, buttons."""
        with Vertical(id="note-box") as box:
            box.border_title = self.title_text
            yield Static(Content(f"“{shorten(self.quote, QUOTE_CHARS)}”"), id="note-quote")
            if not self.tags_only:
                yield self._caption("note-labels")
                with RadioSet(id="note-labels", compact=True):
                    names = [label.name for label in LABELS]
                    if self.label is not None and self.label not in names:
                        names.append(self.label)  # a label set elsewhere (the CLI) is kept
                    colours = {label.name: label.colour for label in LABELS}
                    for name in names:
                        text = Content(name)  # a label from the file is data, not markup
                        if name in colours:
                            text = text.stylize(f"#000000 on {colours[name]}")
                        yield PlainRadioButton(
                            text, value=name == self.label, name=name, compact=True
                        )
                yield self._caption("note-text")
                yield TextArea(
                    self.note, id="note-text", soft_wrap=True, tab_behavior="focus", compact=True
                )
            yield self._caption("note-tags")
            yield Input(
                ", ".join(self.tags),
                placeholder="e.g. detention, testimony",
                id="note-tags",
                compact=True,
                select_on_focus=False,  # typing adds to the tags, never replaces them
            )
            with Horizontal(id="note-buttons"):
                yield Static(id="note-hint")
                keymap = reader_context(self).keymap_in_use
                save = key_for("note.save", keymap)
                cancel = short_key(key_for("note.cancel", keymap))
                yield Button(Content(f"Save {save}"), id="note-save", compact=True)
                yield Button(Content(f"Cancel {cancel}"), id="note-cancel", compact=True)

    def _caption(self, field: str) -> Static:
        return Static(Content(f"  {FIELDS[field]}"), classes="note-caption", id=f"{field}-caption")

    def _field_of(self, widget: Widget | None) -> str | None:
        """The id of the field `widget` is (or is inside of), if it is one."""
        for node in [widget, *(widget.ancestors if widget is not None else [])]:
            if isinstance(node, Widget) and node.id in FIELDS:
                return node.id
        return None

    def _show_focus(self, focused: Widget | None) -> None:
        """Mark the caption of the field with the focus; say where tab goes next."""
        current = self._field_of(focused)
        for caption in self.query(".note-caption").results(Static):
            field = (caption.id or "").removesuffix("-caption")
            here = field == current
            caption.set_class(here, "-focused")
            caption.update(Content(f"{FOCUS_MARK if here else '  '}{FIELDS[field]}"))
        self.query_one("#note-hint", Static).update(Content(self._tab_hint(current)))

    def _tab_hint(self, current: str | None) -> str:
        """ "tab: to Tags": the field tab moves to from `current` (the buttons after the
        last field)."""
        order = [field for field in FIELDS if self.query(f"#{field}")]
        if current in order and order.index(current) + 1 < len(order):
            following = FIELDS[order[order.index(current) + 1]].split(" (")[0]
            return f"tab: to {following}"
        return "tab: to Save" if current in order else "tab: next field"

    def on_mount(self) -> None:
        """Focus the note (or the tags box)."""
        self.watch(self, "focused", self._show_focus)
        if self.tags_only:
            tags = self.query_one("#note-tags", Input)
            tags.focus()
            tags.cursor_position = len(tags.value)
        else:
            labels = self.query_one("#note-labels", RadioSet)
            if labels.pressed_index >= 0:
                # Arrows start from the current label (RadioSet starts at its first button).
                labels._selected = labels.pressed_index
            area = self.query_one("#note-text", TextArea)
            area.focus()
            area.move_cursor(area.document.end)

    def result(self) -> NoteEdit:
        """What is in the fields now."""
        tags = parse_tags(self.query_one("#note-tags", Input).value)
        if self.tags_only:
            return NoteEdit(self.label, self.note, tags)
        pressed = self.query_one("#note-labels", RadioSet).pressed_button
        label = pressed.name if pressed is not None else self.label
        note = self.query_one("#note-text", TextArea).text.strip("\n")
        return NoteEdit(label, note, tags)

    def changed(self) -> bool:
        """Whether anything differs from what the dialog opened with."""
        now = self.result()
        return (now.label, now.note, now.tags) != (
            self.label,
            self.note,
            parse_tags(", ".join(self.tags)),
        )

    def action_save(self) -> None:
        """Close and return the fields."""
        self.dismiss(self.result())

    def action_cancel(self) -> None:
        """Close without saving (a second escape is needed when something was changed)."""
        keymap = reader_context(self).keymap_in_use
        if self._discard.allows_close(self, self.changed(), keymap):
            self.dismiss(None)

    @on(Button.Pressed, "#note-save")
    def _save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#note-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    @on(Input.Submitted, "#note-tags")
    def _tags_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(TextArea.Changed)
    @on(Input.Changed)
    @on(RadioSet.Changed)
    def _edited(self) -> None:
        self._discard.edited()
