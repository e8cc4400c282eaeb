"""Command palette entries for annotations: the annotations view everywhere, and the
highlight actions while a reader is open.

Imported at start-up (commands.PROVIDERS), so it imports nothing heavy: the reader's
annotation code (and through it the annotation store) is only looked at once a reader has
loaded it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from .palette import CommandListProvider

if TYPE_CHECKING:
    from .annotating import AnnotatingHost
    from .app import TuiReaderApp


class AnnotationCommands(CommandListProvider):
    """ "Annotations view", and in the reader "Highlight the sentence", "Next highlight"…"""

    def _reader(self) -> AnnotatingHost | None:
        """The reader the palette was opened over, if it is one."""
        module = sys.modules.get("tuireader.app.annotating")
        if module is None:  # no reader was ever opened, so this screen is not one
            return None
        host = cast("type[AnnotatingHost]", module.AnnotatingHost)
        return self.screen if isinstance(self.screen, host) else None

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = cast("TuiReaderApp", self.app)
        commands: list[tuple[str, str, Callable[[], object]]] = [
            (
                "Annotations view",
                "Every highlight and note of the workspace; filter, open (A)",
                app.action_annotations,
            )
        ]
        reader = self._reader()
        if reader is None:
            return commands
        commands += [
            ("Select text (visual mode)", "v, then w b ( ) { } extend it", reader.action_visual),
            (
                "Highlight the sentence",
                "The selection, else the sentence (h)",
                reader.action_highlight,
            ),
            (
                "Highlight the paragraph",
                "The cursor paragraph (H)",
                reader.action_highlight_paragraph,
            ),
            ("Highlight with a note", "Highlight and write a note (a)", reader.action_annotate),
            ("Next highlight", "m", partial(reader.action_next_highlight, 1)),
            ("Previous highlight", "M", partial(reader.action_next_highlight, -1)),
            (
                "Edit the highlight",
                "Label, note and tags of the highlight at the cursor (e)",
                reader.action_edit_highlight,
            ),
            ("Tag the highlight", "Tags of the highlight at the cursor (t)", reader.action_tags),
            (
                "Delete the highlight",
                "The highlight at the cursor, after a question (d)",
                reader.action_delete_highlight,
            ),
        ]
        from .annotation_model import LABELS

        for label in LABELS:
            commands.append(
                (
                    f"Label {label.name}",
                    f"Label the selection or the highlight at the cursor ({label.key})",
                    partial(reader.action_label, label.name),
                )
            )
        return commands
