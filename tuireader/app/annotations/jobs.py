"""The annotation session's store calls, run in thread workers, and the messages that bring
their results back to the reader.

Reads run in a worker of the reader (closing it drops them). Saves run in a worker of the
app, so closing the reader never cancels a save and a lock held by another session never
freezes the UI; after a save the file is read again (with other sessions' changes) and the
fresh state posted. A failure is posted as `AnnotationStoreFailed`, or notified by the app
when the reader has closed meanwhile.
"""

from __future__ import annotations

import contextlib
from functools import partial
from typing import Any

from textual.app import App
from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker

from tuireader.app.annotations.session import AnnotationSession, Change, Snapshot
from tuireader.app.context import reader_context
from tuireader.core.annotations.model import Annotation

SAVE_GROUP = "annotations-save"
"""The worker group of saves: the app waits for it before quitting."""


class AnnotationsLoaded(Message):
    """An article's annotations, read and re-anchored in a worker."""

    def __init__(self, snapshot: Snapshot, focus: str | None, notice: str | None) -> None:
        super().__init__()
        self.snapshot = snapshot
        """The file as read, placed in the current text."""
        self.focus = focus
        """An annotation to make current and scroll to (just made or edited)."""
        self.notice = notice
        """What the change did, for a short notification."""


class AnnotationStoreFailed(Message):
    """A store call failed; `lost` is an edit whose annotation another session deleted."""

    def __init__(self, error: str, lost: Annotation | None = None) -> None:
        super().__init__()
        self.error = error
        """A readable reason (names the file and line for a broken file)."""
        self.lost = lost
        """The edited annotation that is no longer stored (it can be added again)."""


def start_load(
    host: Widget, session: AnnotationSession, focus: str | None = None, notice: str | None = None
) -> None:
    """Read and re-anchor the annotations in a worker of `host`, which gets the result."""
    host.run_worker(
        partial(_read_and_post, host, session, focus, notice),
        thread=True,
        group="annotations-load",
        exit_on_error=False,
    )


def start_save(host: Widget, session: AnnotationSession, change: Change) -> None:
    """Make `change` in a worker of the app, then read the file again for `host`
    (on the UI thread)."""
    session.begin(change)

    def job() -> None:
        outcome = session.run(change)
        if outcome.error is not None:
            # Read by the app's quit: the first q after a failed save does not quit.
            reader_context(host).save_failures.append(outcome.error)
            _post_failure(host, AnnotationStoreFailed(outcome.error, lost=outcome.lost))
        _read_and_post(host, session, change.focus, outcome.notice)

    host.app.run_worker(job, thread=True, group=SAVE_GROUP, exit_on_error=False)


def pending_saves(app: App[Any]) -> list[Worker[Any]]:
    """The saves started and not finished yet (a key pressed just before quitting)."""
    return [w for w in app.workers if w.group == SAVE_GROUP and not w.is_finished]


async def finish_saves(app: App[Any], saves: list[Worker[Any]]) -> None:
    """Wait until `saves` are done (their failures are in `save_failures`)."""
    await app.workers.wait_for_complete(saves)


def _read_and_post(
    host: Widget, session: AnnotationSession, focus: str | None, notice: str | None
) -> None:
    """(In a thread.) Read the file, post AnnotationsLoaded (or the failure)."""
    try:
        snapshot = session.read()
    except Exception as error:  # never a traceback: say what went wrong
        _post_failure(host, AnnotationStoreFailed(f"Could not read the annotations: {error}"))
        return
    host.post_message(AnnotationsLoaded(snapshot, focus, notice))


def _post_failure(host: Widget, message: AnnotationStoreFailed) -> None:
    """(In a thread.) Tell `host`, or the app when `host` has closed."""
    if not host.post_message(message):
        app = host.app
        with contextlib.suppress(RuntimeError):  # the app has stopped: nobody to tell
            app.call_from_thread(
                app.notify, message.error, title="Annotations", severity="error", markup=False
            )
