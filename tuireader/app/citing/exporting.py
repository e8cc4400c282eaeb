"""Writing an export the user asked for in the app: the write in a thread, then what it
did as notifications, and the citation style chosen for it saved.

The export dialog hands its checked request to `export_annotations` (the app gives it the
function when it opens the dialog) and closes once it returns True.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from tuireader.app.citing.styles import save_citation_style
from tuireader.app.context import reader_context
from tuireader.core.export.plan import describe_report, run_export

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from tuireader.core.export.plan import ExportRequest


async def export_annotations(node: DOMNode, request: ExportRequest) -> bool:
    """Write `request` in a thread for the app `node` runs in, then say what happened (a
    newly chosen citation style is saved). Whether the file was written; when not, a
    notification says why."""
    from tuireader.core.export.exporter import ExportError
    from tuireader.core.export.styles import StyleError
    from tuireader.core.workspace import UnknownArticleError

    context = reader_context(node)
    app = node.app
    try:
        report, selection = await asyncio.to_thread(run_export, context.workspace, request)
    except (ExportError, StyleError, UnknownArticleError, OSError) as error:
        app.notify(str(error), title="Export failed", severity="error", markup=False)
        return False
    except Exception as error:  # never a traceback in the user's face
        app.notify(
            f"{type(error).__name__}: {error}",
            title="Export failed",
            severity="error",
            markup=False,
        )
        return False
    message = describe_report(report, selection, request.fmt)
    if request.style and request.style != context.settings.citation_style:
        problem = save_citation_style(request.style)
        context.settings.citation_style = request.style
        if problem is None:
            message += f" Citation style {request.style} saved (y copies in it)."
    app.notify(message, title="Export", markup=False, timeout=10)
    for problem in selection.problems:
        app.notify(problem, title="Export", severity="warning", markup=False)
    return True
