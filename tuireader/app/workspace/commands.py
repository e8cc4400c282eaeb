"""Palette commands about the workspace itself: importing files into it.

The import dialog (and through it the extractors) is imported when the command is chosen,
not when the palette opens.
"""

from __future__ import annotations

from tuireader.app.shell.palette import Command, CommandListProvider


class WorkspaceCommands(CommandListProvider):
    """Palette commands for the workspace: "Import files…" (saved pages, PDFs, e-books)."""

    def _commands(self) -> list[Command]:
        return [
            (
                "Import files…",
                "Saved web pages, PDFs, e-books, Markdown or text files into seeds/",
                self._open_import,
            )
        ]

    def _open_import(self) -> None:
        """Push the import dialog over the current screen."""
        from tuireader.app.workspace.import_dialog import ImportDialog

        self.app.push_screen(ImportDialog())
