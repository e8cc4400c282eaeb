"""Command palette entries for annotations.

`AnnotationCommands` is the app's (every screen): the annotations view. `HighlightCommands`
is for the reader, which lists it in its `COMMANDS`: the highlight keys' actions, run on the
reader under the palette as its keys would run them.

Imported at start-up (tuireader.app.commands.PROVIDERS), so it imports nothing heavy.
"""

from __future__ import annotations

from functools import partial

from tuireader.app.context import reader_context
from tuireader.app.shell.keys import key_for
from tuireader.app.shell.navigation import OpenAnnotations
from tuireader.app.shell.palette import Command, CommandListProvider

VISUAL_MOVES = (
    "word_next",
    "word_prev",
    "sentence_prev",
    "sentence_next",
    "paragraph_prev",
    "paragraph_next",
)
"""The visual-mode moves the palette names (binding ids after "visual.")."""


class AnnotationCommands(CommandListProvider):
    """ "Annotations view": every highlight and note of the workspace."""

    def _commands(self) -> list[Command]:
        keymap = reader_context(self.app).keymap_in_use
        return [
            (
                "Annotations view",
                "Every highlight and note of the workspace; filter, open "
                f"({key_for('app.annotations', keymap)})",
                partial(self.app.post_message, OpenAnnotations()),
            )
        ]


class HighlightCommands(CommandListProvider):
    """The reader's highlight actions: select, highlight, next, edit, tag, delete, label."""

    def _commands(self) -> list[Command]:
        key, run = self.key, self.screen_action
        moves = " ".join(key(f"visual.{move}") for move in VISUAL_MOVES)
        commands: list[Command] = [
            (
                "Select text (visual mode)",
                f"{key('highlight.visual')}, then {moves} extend it",
                run("visual"),
            ),
            (
                "Highlight the sentence",
                f"The selection, else the sentence ({key('highlight.sentence')})",
                run("highlight"),
            ),
            (
                "Highlight the paragraph",
                f"The cursor paragraph ({key('highlight.paragraph')})",
                run("highlight_paragraph"),
            ),
            (
                "Highlight with a note",
                f"Highlight and write a note ({key('highlight.annotate')})",
                run("annotate"),
            ),
            ("Next highlight", key("highlight.next"), run("next_highlight(1)")),
            ("Previous highlight", key("highlight.prev"), run("next_highlight(-1)")),
            (
                "Edit the highlight",
                f"Label, note and tags of the highlight at the cursor ({key('highlight.edit')})",
                run("edit_highlight"),
            ),
            (
                "Tag the highlight",
                f"Tags of the highlight at the cursor ({key('highlight.tags')})",
                run("tags"),
            ),
            (
                "Delete the highlight",
                f"The highlight at the cursor, after a question ({key('highlight.delete')})",
                run("delete_highlight"),
            ),
        ]
        # Only a reader lists this provider, and it has loaded the annotation model already.
        from tuireader.app.annotations.model import LABELS

        for label in LABELS:
            commands.append(
                (
                    f"Label {label.name}",
                    "Label the selection or the highlight at the cursor "
                    f"({key(f'highlight.label_{label.key}')})",
                    run(f"label('{label.name}')"),
                )
            )
        return commands
