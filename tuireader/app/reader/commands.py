"""The reader's own palette commands (in `ReaderScreen.COMMANDS`): compare this article, who
else says this. (Copying is the citing package's `CopyCommands`, also in the reader's list.)"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from tuireader.app.context import reader_context
from tuireader.app.shell.keys import key_for
from tuireader.app.shell.palette import Command, CommandListProvider


class ReaderCommands(CommandListProvider):
    """Commands about the article being read; they run the reader's own actions, as their
    keys do."""

    def _commands(self) -> list[Command]:
        screen = self.screen  # the reader under the palette
        keymap = reader_context(screen).keymap_in_use

        def key(binding_id: str) -> str:
            return key_for(binding_id, keymap)

        def run(action: str) -> Callable[[], object]:
            return partial(screen.run_action, action)

        return [
            (
                "Compare this article with…",
                f"Pick the other article ({key('reader.compare')})",
                run("compare"),
            ),
            (
                "Who else says this?",
                "Passages like the selection or cursor paragraph in other articles "
                f"({key('reader.who_else')})",
                run("who_else"),
            ),
        ]
