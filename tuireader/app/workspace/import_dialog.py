"""The import dialog (palette: "Import files…"): paths typed in, imported into the workspace
by `tuireader.core.importing.run.import_paths` in a thread worker, with the progress shown
in the dialog and a summary notification at the end.

Several paths are separated by spaces, quoted as in a shell (shlex) when they hold spaces.
A path that does not exist is not an error of the dialog: the import lists it as unreadable
("no such file or folder") with the others. A catalog that cannot be written is shown as a
message: nothing was imported. After an import that added articles the app re-reads them
(`app.reload`), so nothing depends on the file watcher.

The extractors are imported by the worker, never when the app starts.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tuireader.app.context import reader_context
from tuireader.app.shell import bindings

if TYPE_CHECKING:
    from tuireader.core.importing.run import ImportReport

MAX_LISTED = 5
"""Files named per kind in the summary notification (the rest are counted)."""


def parse_paths(typed: str) -> list[Path]:
    """The paths in what was typed (shell quoting; `~` expanded). ValueError when the
    quoting is unbalanced."""
    return [Path(word).expanduser() for word in shlex.split(typed)]


def report_summary(report: ImportReport) -> str:
    """What an import did, for a notification: the counts, then the files imported (by
    title), the duplicates and the unreadable files with their reasons."""
    from tuireader.core.importing.plan import DUPLICATE, UNREADABLE

    plan = report.plan
    imported = report.imported
    lines = [plan.summary()]

    def listed(files: list[str]) -> None:
        lines.extend(files[:MAX_LISTED])
        if len(files) > MAX_LISTED:
            lines.append(f"  … and {len(files) - MAX_LISTED:,} more")

    listed([f"  + {f.facts.get('title') or f.article_id}" for f in imported])
    listed([f"  = {f.path.name}: {f.reason}" for f in plan.files if f.status == DUPLICATE])
    listed([f"  ! {f.path.name}: {f.reason}" for f in plan.files if f.status == UNREADABLE])
    lines.extend(report.catalog_messages)
    return "\n".join(lines)


class ImportDialog(ModalScreen[bool]):
    """Ask for paths, import them, show the progress; returns True when articles were
    imported (the app has then been asked to re-read them), False otherwise."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.NOTE_DIALOG]
    AUTO_FOCUS = "#import-paths"
    DEFAULT_CSS = """
    ImportDialog {
        align: center middle;
    }
    ImportDialog #import-box {
        width: 84;
        max-width: 100%;
        height: auto;
        border: round $accent;
        padding: 0 1;
        background: $surface;
    }
    ImportDialog #import-status {
        color: $text-muted;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.busy = False
        """An import is running: the dialog stays until it ends (it cannot be stopped
        halfway without leaving articles without their catalog facts)."""

    def compose(self) -> ComposeResult:
        """A prompt, the path field and a status line."""
        with Vertical(id="import-box"):
            yield Static(
                "Import files or folders (saved web pages, PDF, EPUB, Markdown, text); "
                "several paths separated by spaces, quoted when they hold spaces.",
                markup=False,
            )
            yield Input(placeholder="~/Downloads/page.html", id="import-paths")
            yield Static("enter imports · escape cancels", id="import-status", markup=False)

    def _status(self, text: str) -> None:
        self.query_one("#import-status", Static).update(text)

    @on(Input.Submitted, "#import-paths")
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Start the import of the paths typed."""
        if self.busy:
            return
        typed = self.query_one("#import-paths", Input).value
        try:
            paths = parse_paths(typed)
        except ValueError as error:
            self._status(f"Cannot read the paths: {error}")
            return
        if not paths:
            self._status("Type a path to import.")
            return
        self.busy = True
        self.query_one("#import-paths", Input).disabled = True
        self._status("Importing…")
        self._import(reader_context(self).workspace.root, paths)

    def action_cancel(self) -> None:
        """Close without importing (not while an import runs)."""
        if not self.busy:
            self.dismiss(False)

    def _progress_shown(self, done: int, total: int, name: str) -> None:
        self._status(f"Importing {done:,}/{total:,} … {name}")

    @work(thread=True, exclusive=True, group="import")
    def _import(self, root: Path, paths: list[Path]) -> None:
        """Import in a thread; the outcome goes back to the app's thread."""
        from tuireader.core.catalog_write import CatalogWriteError
        from tuireader.core.importing.run import import_paths

        def progress(done: int, total: int, name: str) -> None:
            self.app.call_from_thread(self._progress_shown, done, total, name)

        try:
            report = import_paths(root, paths, progress=progress)
        except CatalogWriteError as error:
            self.app.call_from_thread(self._failed, f"{error}; nothing was imported")
            return
        except OSError as error:
            self.app.call_from_thread(self._failed, f"Import failed: {error}")
            return
        self.app.call_from_thread(self._done, report)

    def _failed(self, message: str) -> None:
        """Show why nothing was imported; the dialog stays, to correct the paths."""
        self.busy = False
        field = self.query_one("#import-paths", Input)
        field.disabled = False
        field.focus()
        self._status(message)
        self.app.notify(message, title="Import", severity="error", markup=False)

    def _done(self, report: ImportReport) -> None:
        """Say what the import did, re-read the articles when some were added, close."""
        self.busy = False
        imported = bool(report.imported)
        self.app.notify(
            report_summary(report),
            title="Import",
            severity="information" if imported else "warning",
            markup=False,
            timeout=10,
        )
        if imported:
            # The app's own re-read (app.action_reload), run on its message loop.
            self.app.call_later(self.app.run_action, "app.reload")
        self.dismiss(imported)
