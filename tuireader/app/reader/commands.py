"""The reader's own palette commands (in `ReaderScreen.COMMANDS`): compare this article, who
else says this, edit its catalog entry. (Copying is the citing package's `CopyCommands`, also
in the reader's list.)"""

from __future__ import annotations

from tuireader.app.shell.palette import Command, CommandListProvider


class ReaderCommands(CommandListProvider):
    """Commands about the article being read; they run the reader's own actions, as their
    keys do."""

    def _commands(self) -> list[Command]:
        key, run = self.key, self.screen_action
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
            (
                "Edit the catalog entry",
                "Correct this article's title, authors, outlet, date and URL "
                f"({key('reader.catalog')})",
                run("edit_catalog"),
            ),
        ]
