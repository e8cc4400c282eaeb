"""Showing an article's annotations in the reader as they are read from the store.

The reader owns one `HighlightDisplay`: it starts the reads (in workers, jobs.py), and the
reader passes it the results (`loaded`) and failures (`failed`). It draws the highlights in
the article view, goes to the annotation the reader was opened on or just made, shows the
read-only notice, and gives the status line its words about highlights.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from textual.screen import Screen

from tuireader.app.annotations import dialogs
from tuireader.app.annotations.annotated_view import AnnotatedArticleView
from tuireader.app.annotations.jobs import (
    AnnotationsLoaded,
    AnnotationStoreFailed,
    start_load,
    start_save,
)
from tuireader.app.annotations.notice import ReadOnlyNotice, read_only_text
from tuireader.app.annotations.session import AnnotationSession
from tuireader.app.annotations.status import focus_warning, highlight_status, notes_notice
from tuireader.app.context import reader_context
from tuireader.core.annotations.model import Annotation


class HighlightDisplay:
    """The session's annotations on screen: highlights, the current one, the notice."""

    def __init__(
        self,
        host: Screen[Any],
        session: AnnotationSession,
        view: AnnotatedArticleView,
        notice: ReadOnlyNotice,
        selecting: Callable[[], bool],
        changed: Callable[[], None],
    ) -> None:
        """`host` is the reader (workers and notifications go through it); `selecting`
        says whether visual mode is on; `changed` is called whenever what the status line
        says may have changed."""
        self.host = host
        """The reader."""
        self.session = session
        """The article's annotations."""
        self.view = view
        """The article body that draws the highlights."""
        self.notice = notice
        """The read-only notice above the text."""
        self._selecting = selecting
        self._changed = changed
        self._after_load: list[Callable[[], None]] = []

    def _say(self, text: str, **options: Any) -> None:
        self.host.notify(text, markup=False, **options)

    def load(self, focus: str | None = None, notice: str | None = None) -> None:
        """Read the annotations again (in a worker); `loaded` shows them."""
        start_load(self.host, self.session, focus, notice)

    def when_loaded(self, then: Callable[[], None]) -> None:
        """Run `then` now if the annotations have been read, else once they are (so `y`
        right after opening cites the highlight at the cursor, not its paragraph)."""
        if self.session.loaded:
            then()
        else:
            self._after_load.append(then)

    def _run_after_load(self) -> None:
        waiting, self._after_load = self._after_load, []
        for then in waiting:
            then()

    def loaded(self, message: AnnotationsLoaded) -> None:
        """Show the annotations as read; go to the one just made or asked for."""
        session = self.session
        if not session.accept(message.snapshot):
            return  # an older read finishing late
        placed = list(session.placed)
        view = self.view
        shown = {p.id for p in placed if p.shown}
        focus = message.focus
        if focus is None:
            focus = session.take_focus_request()
            if focus is not None:
                self._announce_focus(focus)
        current = view.current_highlight
        if focus in shown:
            current = focus
        elif current not in shown:
            current = None
        view.set_highlights(placed, current)
        target = session.find(focus) if focus is not None and focus in shown else None
        if target is not None:
            view.scroll_to_span(target.start)
        view.follow_cursor()
        self._show_read_only()
        if message.notice:
            self._say(message.notice, timeout=2)
        self._changed()
        self._run_after_load()

    def _announce_focus(self, annotation_id: str) -> None:
        """Opened from the annotations view: warn when that annotation is not in the text."""
        warning = focus_warning(self.session.find(annotation_id))
        if warning is not None:
            text, severity, timeout = warning
            self._say(text, severity=severity, timeout=timeout)

    def _show_read_only(self) -> None:
        session = self.session
        self.notice.show_problem(session.problem if session.read_only else None)
        if session.first_read_only_notice():
            text = read_only_text(session.problem)
            self._say(text, title="Annotations", severity="error", timeout=8)

    def failed(self, message: AnnotationStoreFailed) -> None:
        """Say what failed; offer to save an edit again when another session deleted it."""
        lost = message.lost
        if lost is None:
            self._say(message.error, title="Annotations", severity="error", timeout=8)
            if not self.session.loaded:
                self._run_after_load()  # the read failed: act on what is known
            return

        def save_again() -> None:
            start_save(self.host, self.session, self.session.adding_again(lost))

        dialogs.offer_save_again(self.host.app, lost, save_again)

    def status(self) -> list[str]:
        """The status line's parts about highlights."""
        view = self.view
        return highlight_status(
            view.highlight_at_cursor(),
            view.highlights,
            idle=not view.matches and not self._selecting(),
            orphans=self.session.orphans,
            read_only=self.session.read_only,
            keymap=self._keymap(),
        )

    def toggle_notes(self) -> None:
        """Show every note under its highlight, or only the current highlight's (i)."""
        view = self.view
        view.set_show_all_notes(not view.show_all_notes)
        self._say(notes_notice(view.show_all_notes, view.note_count, self._keymap()), timeout=3)
        self._changed()

    def _keymap(self) -> Mapping[str, str]:
        return reader_context(self.host).keymap_in_use

    def cursor_moved(self) -> None:
        """The cursor paragraph changed: so may the highlight e / t / d act on."""
        self.view.follow_cursor()
        self._changed()

    def at_cursor(self) -> Annotation | None:
        """The annotation of the highlight at the cursor (what e / t / d / y act on)."""
        at = self.view.highlight_at_cursor()
        return at.annotation if at is not None else None
