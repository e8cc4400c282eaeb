"""Entry point used by the CLI: `tuireader` with no subcommand runs the app."""

from __future__ import annotations

from tuireader.core.workspace import Workspace


def run_app(workspace: Workspace) -> int:
    """Run the reader app on `workspace` until the user quits; returns the exit code."""
    # Imported here so `tuireader list` and friends never pay for Textual.
    from tuireader.app.app import TuiReaderApp

    app = TuiReaderApp(workspace, meaning_in_background=True)
    app.run()
    return app.return_code or 0
