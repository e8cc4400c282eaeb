"""Highlights and notes in the reader: visual mode, highlight / label / annotate / tag,
stepping between highlights, editing and deleting them.

`ReaderScreen` inherits `AnnotatingHost`. The reader's article view is an
AnnotatedArticleView; this class keeps the article's annotations (loaded and re-anchored in
a thread), the selection, and talks to the AnnotationStore.

Every store call runs in a thread worker owned by the app (so closing the reader never
cancels a save, and a lock held by another session never freezes the UI); the worker then
re-reads the article's file and posts the fresh state. Every store error becomes a
notification; a file that failed to parse makes the article's annotations read-only, with
a notice naming the problem line.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
from bisect import bisect_left
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.binding import BindingType
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from tuireader.core.annotations import (
    Annotation,
    AnnotationError,
    AnnotationFile,
    AnnotationNotFoundError,
    AnnotationStore,
    SelectionError,
    new_annotation,
)
from tuireader.core.corpus import Article

from . import bindings
from .annotation_model import (
    DEFAULT_LABEL,
    Placed,
    Selection,
    TextUnits,
    Unit,
    label_display,
    place_all,
    shorten,
)
from .dialogs.annotate import NoteDialog, NoteEdit
from .dialogs.confirm import ConfirmDialog
from .widgets.annotated_view import AnnotatedArticleView
from .widgets.visual_bar import VisualBar

if TYPE_CHECKING:
    from .app import TuiReaderApp

_SEQUENCE = itertools.count()
"""Orders the reads of annotation files: a state read earlier never replaces a later one."""


class AnnotationsLoaded(Message):
    """An article's annotations, read and re-anchored in a worker."""

    def __init__(
        self,
        sequence: int,
        file: AnnotationFile,
        placed: list[Placed],
        focus: str | None,
        notice: str | None,
    ) -> None:
        super().__init__()
        self.sequence = sequence
        """When the file was read (later reads win)."""
        self.file = file
        """The file as read (read-only when it did not parse)."""
        self.placed = placed
        """Every annotation with its place in the current text."""
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


class AnnotatingHost(Screen[None]):
    """What the reader does with highlights and notes (a base class of ReaderScreen)."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings.HIGHLIGHTS]
    DEFAULT_CSS = """
    #annotations-notice {
        height: auto;
        padding: 0 1;
        background: $error 30%;
        color: $text;
        text-style: bold;
    }
    #annotations-notice:nocolor {
        text-style: bold reverse;
    }
    """

    article: Article
    """The article shown (set by ReaderScreen)."""
    annotation_file: AnnotationFile | None = None
    """The article's annotation file as last read (None until the first read)."""
    placed: tuple[Placed, ...] = ()
    """Every annotation of the article with its place (orphans included), in order."""
    selection: Selection | None = None
    """The visual-mode selection (None outside visual mode)."""
    pen: str = DEFAULT_LABEL
    """The label the next h / H / a uses (the last number key pressed)."""
    focus_annotation: str | None = None
    """An annotation to scroll to once loaded (set by the annotations view)."""
    _units: TextUnits | None = None
    _store: AnnotationStore | None = None
    _applied: int = -1
    _told_read_only = False

    # ------------------------------------------------------------------ plumbing
    @property
    def annotated_view(self) -> AnnotatedArticleView:
        """The article body."""
        return self.query_one("#article", AnnotatedArticleView)

    @property
    def visual_bar(self) -> VisualBar:
        """The visual-mode bar."""
        return self.query_one(VisualBar)

    @property
    def store(self) -> AnnotationStore:
        """The workspace's annotation store."""
        if self._store is None:
            app = cast("TuiReaderApp", self.app)
            self._store = AnnotationStore(app.workspace.annotations_dir)
        return self._store

    @property
    def units(self) -> TextUnits:
        """Words, sentences and paragraphs of the article (built on first use)."""
        if self._units is None:
            self._units = TextUnits.build(self.article)
        return self._units

    def _update_status(self, *_: object) -> None:
        """Redraw the status line (ReaderScreen's own method replaces this)."""

    def on_mount(self) -> None:
        """Add the visual bar and the read-only notice; read the annotations."""
        bar = VisualBar()
        bar.display = False
        notice = Static(id="annotations-notice")
        notice.display = False
        status = self.query("#reader-status")
        if status:
            self.mount(bar, before=status.first())
        else:
            self.mount(bar)
        self.mount(notice, before=self.annotated_view)
        self.watch(self.annotated_view, "cursor", self._cursor_moved, init=False)
        self.watch(self, "focused", self._focus_moved, init=False)
        self.load_annotations()

    def on_screen_resume(self) -> None:
        """Back on screen (after a dialog or another screen): read the file again, it may
        have been changed meanwhile (the read is cheap when nothing changed)."""
        if self.is_mounted:
            self.load_annotations()

    def load_annotations(self, focus: str | None = None, notice: str | None = None) -> None:
        """Read and re-anchor the article's annotations in a thread."""
        self.run_worker(
            lambda: self._read_and_post(focus, notice),
            thread=True,
            group="annotations-load",
            exit_on_error=False,
        )

    def _read_and_post(self, focus: str | None, notice: str | None) -> None:
        """(In a thread.) Read the file, re-anchor, post AnnotationsLoaded."""
        try:
            annotation_file = self.store.load(self.article.id)
            sequence = next(_SEQUENCE)
            placed = place_all(annotation_file.annotations, self.article)
        except Exception as error:  # never a traceback: say what went wrong
            self._post_failure(AnnotationStoreFailed(f"Could not read the annotations: {error}"))
            return
        self.post_message(AnnotationsLoaded(sequence, annotation_file, placed, focus, notice))

    def _post_failure(self, message: AnnotationStoreFailed) -> None:
        """(In a thread.) Tell the screen, or the app when the screen has closed."""
        if not self.post_message(message):
            app = self.app
            with contextlib.suppress(RuntimeError):  # the app has stopped: nobody to tell
                app.call_from_thread(
                    app.notify, message.error, title="Annotations", severity="error", markup=False
                )

    def _store_call(
        self,
        call: Callable[[AnnotationStore], str | None],
        focus: str | None,
        lost: Annotation | None = None,
    ) -> None:
        """Run a store call in a thread; `call` returns the notification text. Afterwards
        the file is read again (with other sessions' changes) and shown."""

        def job() -> None:
            try:
                notice = call(self.store)
            except AnnotationNotFoundError as error:
                self._post_failure(AnnotationStoreFailed(str(error), lost=lost))
                notice = None
            except AnnotationError as error:
                self._post_failure(AnnotationStoreFailed(str(error)))
                notice = None
            except Exception as error:  # unexpected: report, keep running
                self._post_failure(AnnotationStoreFailed(f"{type(error).__name__}: {error}"))
                notice = None
            self._read_and_post(focus, notice)

        # On the app, so that closing the reader does not cancel a save.
        self.app.run_worker(job, thread=True, group="annotations-save", exit_on_error=False)

    # ------------------------------------------------------------------ loaded state
    def on_annotations_loaded(self, message: AnnotationsLoaded) -> None:
        """Show the annotations; go to the one just made or asked for."""
        if message.sequence < self._applied:
            return  # an older read finishing late
        self._applied = message.sequence
        self.annotation_file = message.file
        self.placed = tuple(message.placed)
        view = self.annotated_view
        shown = {p.id for p in message.placed if p.shown}
        focus = message.focus
        if focus is None and self.focus_annotation is not None:
            focus, self.focus_annotation = self.focus_annotation, None
            self._announce_focus(focus)
        current = view.current_highlight
        if focus in shown:
            current = focus
        elif current not in shown:
            current = None
        view.set_highlights(list(message.placed), current)
        if focus in shown:
            target = next(p for p in message.placed if p.id == focus)
            view.scroll_to_span(target.start)
        self._sync_current()
        self._show_read_only(message.file)
        if message.notice:
            self.notify(message.notice, timeout=2, markup=False)
        self._update_status()

    def _announce_focus(self, annotation_id: str) -> None:
        """Opened from the annotations view: warn when that annotation is not in the text."""
        placed = next((p for p in self.placed if p.id == annotation_id), None)
        if placed is None:
            self.notify("That annotation is no longer stored.", severity="warning", markup=False)
        elif placed.anchor.status == "orphaned":
            self.notify(
                "This annotation is orphaned: its text is no longer in the article. "
                f"Stored quote: “{shorten(placed.annotation.target.exact, 160)}”",
                severity="warning",
                timeout=8,
                markup=False,
            )
        elif placed.anchor.status == "fuzzy":
            self.notify(
                "Found approximately (the text changed): check the highlight.",
                timeout=4,
                markup=False,
            )

    def _show_read_only(self, annotation_file: AnnotationFile) -> None:
        notice = self.query_one("#annotations-notice", Static)
        if annotation_file.read_only:
            text = (
                f"Annotations are read-only: {annotation_file.problem}. "
                "Fix the file (nothing is overwritten), then reopen the article."
            )
            notice.update(Content(text))
            notice.display = True
            if not self._told_read_only:
                self._told_read_only = True
                self.notify(text, title="Annotations", severity="error", timeout=8, markup=False)
        else:
            notice.display = False

    def on_annotation_store_failed(self, message: AnnotationStoreFailed) -> None:
        """Say what failed; offer to save an edit again when another session deleted it."""
        lost = message.lost
        if lost is None:
            self.notify(
                message.error, title="Annotations", severity="error", timeout=8, markup=False
            )
            return

        def add_again(store: AnnotationStore) -> str:
            store.add(lost)
            return "Saved again."

        def answer(again: str | None) -> None:
            if again == "yes":
                self._store_call(add_again, focus=lost.id)

        self.app.push_screen(
            ConfirmDialog(
                "Highlight deleted elsewhere",
                Content(
                    "This highlight was deleted in another session while you edited it:\n"
                    f"“{shorten(lost.target.exact, 200)}”\n\nSave it again, with your changes?"
                ),
                yes="Save again",
                no="Drop it",
            ),
            answer,
        )

    # ------------------------------------------------------------------ the cursor
    def _cursor_moved(self, *_: object) -> None:
        self._sync_current()
        self._update_status()

    def _sync_current(self) -> None:
        """Keep the current highlight (what e / t / d act on) in the cursor paragraph."""
        view = self.annotated_view
        items = view.highlights_in(view.cursor)
        if view.current_highlight not in {item.id for item in items}:
            view.set_current_highlight(items[0].id if items else None)

    def annotation_at_cursor(self) -> Placed | None:
        """The highlight e / t / d act on: the current one (m / M, just made), else the
        first one in the cursor paragraph (also used by `y`, copy citation)."""
        view = self.annotated_view
        items = view.highlights_in(view.cursor)
        for item in items:
            if item.id == view.current_highlight:
                return item
        return items[0] if items else None

    def annotation_status(self) -> list[str]:
        """Parts of the reader's status line about highlights."""
        parts: list[str] = []
        view = self.annotated_view
        at = self.annotation_at_cursor()
        if at is not None:
            number = next((n for n, item in enumerate(view.highlights, 1) if item.id == at.id), 0)
            label = at.annotation.label or "no label"
            extra = " fuzzy" if at.anchor.status == "fuzzy" else ""
            note = " + note" if at.annotation.note.strip() else ""
            parts.append(
                f"highlight {number}/{len(view.highlights)} {label}{extra}{note} (e t d, m M)"
            )
        elif view.highlights:
            parts.append(f"{len(view.highlights)} highlights (m M)")
        elif not view.matches and self.selection is None:
            parts.append("v select · h highlight")  # the footer has no room for these keys
        orphans = sum(1 for p in self.placed if p.anchor.status == "orphaned")
        if orphans:
            parts.append(f"{orphans} orphaned (A)")
        if self.annotation_file is not None and self.annotation_file.read_only:
            parts.append("annotations read-only")
        return parts

    def _focus_moved(self, focused: Widget | None) -> None:
        """While selecting, keys go to the visual bar, even after a click in the text."""
        if self.selection is not None and isinstance(focused, AnnotatedArticleView):
            self.set_focus(self.visual_bar)

    # ------------------------------------------------------------------ visual mode
    def _base_paragraph(self) -> int:
        """The cursor paragraph if on screen, else the first one on screen (becomes the
        cursor)."""
        view = self.annotated_view
        if not view.is_visible(view.cursor):
            view.cursor = view.top_paragraph()
        return view.cursor

    def action_visual(self) -> None:
        """Start selecting at the cursor (the current match, or the paragraph's first
        word); again: stop."""
        if self.selection is not None:
            self.action_visual_cancel()
            return
        units = self.units
        if not units.words or not self.article.paragraphs:
            self.notify("There is no text to select.", severity="warning", markup=False)
            return
        view = self.annotated_view
        index = self._base_paragraph()
        paragraph = self.article.paragraphs[index]
        match = view.matches[view.current_match] if view.current_match is not None else None
        if match is not None and match.index == index:
            first = units.word_at(paragraph.start + match.start)
            last = units.word_at(paragraph.start + max(match.start, match.end - 1))
        else:
            first = last = units.word_at(paragraph.start)
        self._select(Selection(first, last))

    def _select(self, selection: Selection, scroll: bool = True) -> None:
        """Show a selection (entering visual mode)."""
        units = self.units
        self.selection = selection
        view = self.annotated_view
        view.set_selection(selection.span(units))
        bar = self.visual_bar
        bar.display = True
        bar.show_selection(selection.word_count, self._paragraphs_text(*selection.span(units)))
        if scroll:
            view.scroll_to_span(units.words[selection.head][0])
        if self.focused is not bar:
            # At once (Widget.focus waits a tick): keys typed right after v go to the bar.
            self.set_focus(bar)
        self._update_status()

    def _paragraphs_text(self, start: int, end: int) -> str:
        """ "¶ 3" or "¶ 3–5" for a span."""
        paragraphs = self.article.paragraphs
        starts = [p.start for p in paragraphs]
        first = paragraphs[max(0, bisect_left(starts, start + 1) - 1)].number
        last = paragraphs[max(0, bisect_left(starts, end) - 1)].number
        return f"¶ {first}" if first == last else f"¶ {first}–{last}"

    def action_visual_move(self, unit: Unit, step: int) -> None:
        """Move the selection's moving end by a word, sentence or paragraph."""
        if self.selection is None:
            return
        self._select(self.selection.move(self.units, unit, step))

    def action_visual_swap(self) -> None:
        """Let the other end of the selection move (o)."""
        if self.selection is not None:
            self._select(self.selection.swap())

    def action_visual_cancel(self) -> None:
        """Leave visual mode without highlighting."""
        self._end_selection()

    def _end_selection(self) -> None:
        if self.selection is None:
            return
        self.selection = None
        view = self.annotated_view
        view.set_selection(None)
        self.visual_bar.display = False
        self.set_focus(view)
        self._update_status()

    @on(AnnotatedArticleView.Dragged)
    def _dragged(self, event: AnnotatedArticleView.Dragged) -> None:
        """A mouse drag selects whole words, as in visual mode."""
        units = self.units
        if not units.words:
            return
        anchor, head = units.word_at(event.anchor), units.word_at(event.head)
        if event.head < event.anchor:
            # Dragging backwards: the word under the mouse, not the one after a gap.
            head = max(0, bisect_left(units.word_starts, event.head + 1) - 1)
        self._select(Selection(anchor, head), scroll=False)

    # ------------------------------------------------------------------ what to highlight
    def _sentence_span(self) -> tuple[int, int] | None:
        """The sentence at the current match, else the cursor paragraph's first sentence
        that is not highlighted yet (so h, h, h highlights one after another)."""
        units = self.units
        if not units.words or not self.article.paragraphs:
            self.notify("There is no text to highlight.", severity="warning", markup=False)
            return None
        view = self.annotated_view
        index = self._base_paragraph()
        paragraph = self.article.paragraphs[index]
        match = view.matches[view.current_match] if view.current_match is not None else None
        if match is not None and match.index == index:
            first, last = units.unit_around(
                "sentence", units.word_at(paragraph.start + match.start)
            )
            return units.span(first, last)
        taken = {(p.start, p.end) for p in view.highlights}
        first_word = units.word_at(paragraph.start)
        sentences: list[tuple[int, int]] = []
        position = bisect_left(units.sentence_starts, first_word)
        while position < len(units.sentence_starts):
            start_word = units.sentence_starts[position]
            if units.words[start_word][0] >= paragraph.end:
                break
            sentences.append(units.span(start_word, units.sentence_ends[position]))
            position += 1
        for span in sentences:
            if span not in taken:
                return span
        if sentences:
            self.notify(
                f"Every sentence of ¶ {paragraph.number} is highlighted. "
                "Press v to select other text.",
                markup=False,
            )
        return None

    def _paragraph_span(self) -> tuple[int, int] | None:
        """The cursor paragraph, first word to last."""
        units = self.units
        if not units.words or not self.article.paragraphs:
            self.notify("There is no text to highlight.", severity="warning", markup=False)
            return None
        paragraph = self.article.paragraphs[self._base_paragraph()]
        first = units.word_at(paragraph.start)
        return units.span(*units.unit_around("paragraph", first))

    def _same_span(self, span: tuple[int, int]) -> Placed | None:
        return next((p for p in self.annotated_view.highlights if (p.start, p.end) == span), None)

    def _make_current_if_highlighted(self, span: tuple[int, int]) -> bool:
        """When a highlight covers exactly `span`, end the selection and make that highlight
        the current one (so an action meant for new words edits it instead); else False."""
        existing = self._same_span(span)
        if existing is None:
            return False
        self._end_selection()
        self.annotated_view.set_current_highlight(existing.id)
        return True

    def _writable(self) -> bool:
        """Whether the article's annotations may be changed (else say why)."""
        annotation_file = self.annotation_file
        if annotation_file is not None and annotation_file.read_only:
            self.notify(
                f"Annotations of this article are read-only: {annotation_file.problem}",
                title="Not saved",
                severity="error",
                timeout=8,
                markup=False,
            )
            return False
        return True

    # ------------------------------------------------------------------ changes
    def _create(
        self,
        span: tuple[int, int],
        label: str | None,
        note: str = "",
        tags: list[str] | None = None,
        relabel: bool = False,
    ) -> None:
        """Store a new highlight on `span` (an existing one on the very same words is
        made current instead, and relabelled when `relabel`)."""
        if not self._writable():
            return
        existing = self._same_span(span)
        if existing is not None and not note and not tags:
            self._end_selection()
            view = self.annotated_view
            view.set_current_highlight(existing.id)
            view.scroll_to_span(existing.start)
            if relabel and existing.annotation.label != label:
                self._save_update(dataclasses.replace(existing.annotation, label=label))
            else:
                self.notify("Already highlighted (e edits it, d deletes it).", markup=False)
            self._update_status()
            return
        try:
            annotation = new_annotation(
                self.article, span[0], span[1], label=label, note=note, tags=tags or ()
            )
        except SelectionError as error:
            self.notify(str(error), severity="warning", markup=False)
            return
        self._end_selection()
        words = len(annotation.target.exact.split())
        done = f"Highlighted {words} word{'s' if words != 1 else ''} ({label or 'no label'})."

        def add(store: AnnotationStore) -> str:
            store.add(annotation)
            return done

        self._store_call(add, focus=annotation.id)

    def _save_update(self, annotation: Annotation, done: str = "Saved.") -> None:
        """Store an edited highlight."""
        if not self._writable():
            return

        def update(store: AnnotationStore) -> str:
            store.update(annotation)
            return done

        self._store_call(update, focus=annotation.id, lost=annotation)

    def action_highlight(self) -> None:
        """Highlight the selection, else the sentence at the cursor (h)."""
        if self.selection is not None:
            self._create(self.selection.span(self.units), self.pen)
            return
        span = self._sentence_span()
        if span is not None:
            self._create(span, self.pen)

    def action_highlight_paragraph(self) -> None:
        """Highlight the whole cursor paragraph (H)."""
        span = self._paragraph_span()
        if span is not None:
            self._create(span, self.pen)

    def action_label(self, name: str) -> None:
        """1-6: label the selection, else relabel the highlight at the cursor, else
        highlight the sentence with this label. Also the label of the next h / H / a."""
        self.pen = name
        if self.selection is not None:
            self._create(self.selection.span(self.units), name, relabel=True)
            return
        at = self.annotation_at_cursor()
        if at is not None:
            if at.annotation.label == name:
                self.notify(f"Already {label_display(name)}.", timeout=2, markup=False)
                return
            self._save_update(
                dataclasses.replace(at.annotation, label=name), done=f"Label: {name}."
            )
            return
        span = self._sentence_span()
        if span is not None:
            self._create(span, name)

    def action_annotate(self) -> None:
        """Highlight the selection (else the sentence) with a note (a)."""
        span = self.selection.span(self.units) if self.selection is not None else None
        if span is None:
            span = self._sentence_span()
        if span is None or not self._writable():
            return
        if self._make_current_if_highlighted(span):
            self.action_edit_highlight()
            return
        label = self.pen

        def saved(result: NoteEdit | None) -> None:
            if result is not None:
                self._create(span, result.label, note=result.note, tags=result.tags)

        self.app.push_screen(
            NoteDialog("New note", self.article.text[span[0] : span[1]], label), saved
        )

    def action_tags(self) -> None:
        """Tags of the highlight at the cursor; with a selection, highlight it with tags
        (t)."""
        if not self._writable():
            return
        if self.selection is not None:
            span = self.selection.span(self.units)
            if self._make_current_if_highlighted(span):  # tag the highlight on these words
                self.action_tags()
                return
            label = self.pen

            def tagged_new(result: NoteEdit | None) -> None:
                if result is not None:
                    self._create(span, label, tags=result.tags)

            self.app.push_screen(
                NoteDialog(
                    "Tags for a new highlight",
                    self.article.text[span[0] : span[1]],
                    label,
                    tags_only=True,
                ),
                tagged_new,
            )
            return
        at = self._at_cursor_or_say()
        if at is None:
            return
        annotation = at.annotation

        def tagged(result: NoteEdit | None) -> None:
            if result is not None and result.tags != annotation.tags:
                self._save_update(
                    dataclasses.replace(annotation, tags=result.tags), done="Tags saved."
                )

        self.app.push_screen(
            NoteDialog(
                "Tags",
                annotation.target.exact,
                annotation.label,
                note=annotation.note,
                tags=annotation.tags,
                tags_only=True,
            ),
            tagged,
        )

    def _at_cursor_or_say(self) -> Placed | None:
        at = self.annotation_at_cursor()
        if at is None:
            view = self.annotated_view
            where = (
                f"in ¶ {self.article.paragraphs[view.cursor].number}"
                if self.article.paragraphs
                else "here"
            )
            self.notify(
                f"No highlight {where}. m / M go to the highlights; v selects text, "
                "h highlights a sentence.",
                severity="warning",
                markup=False,
            )
        return at

    def action_edit_highlight(self) -> None:
        """Edit the label, note and tags of the highlight at the cursor (e)."""
        if not self._writable():
            return
        at = self._at_cursor_or_say()
        if at is None:
            return
        annotation = at.annotation

        def edited(result: NoteEdit | None) -> None:
            if result is None:
                return
            changed = dataclasses.replace(
                annotation, label=result.label, note=result.note, tags=result.tags
            )
            if (changed.label, changed.note, changed.tags) != (
                annotation.label,
                annotation.note,
                annotation.tags,
            ):
                self._save_update(changed)

        self.app.push_screen(
            NoteDialog(
                "Edit highlight",
                annotation.target.exact,
                annotation.label,
                note=annotation.note,
                tags=annotation.tags,
            ),
            edited,
        )

    def action_delete_highlight(self) -> None:
        """Delete the highlight at the cursor, after a confirmation (d)."""
        if not self._writable():
            return
        at = self._at_cursor_or_say()
        if at is None:
            return
        annotation = at.annotation
        lines = [f"“{shorten(annotation.target.exact, 200)}”"]
        if annotation.note.strip():
            lines.append(f"Note: {shorten(annotation.note, 200)}")
        if annotation.tags:
            lines.append(f"Tags: {', '.join(annotation.tags)}")

        def answered(delete: str | None) -> None:
            if delete != "yes":
                return

            def remove(store: AnnotationStore) -> str:
                if store.delete(annotation.article_id, annotation.id):
                    return "Highlight deleted."
                return "It was already deleted (in another session)."

            self._store_call(remove, focus=None)

        self.app.push_screen(
            ConfirmDialog(
                "Delete this highlight?", Content("\n".join(lines)), yes="Delete", no="Keep"
            ),
            answered,
        )

    def action_next_highlight(self, step: int) -> None:
        """Go to the next (m) or previous (M) highlight, across paragraphs."""
        view = self.annotated_view
        items = [
            p
            for p in view.highlights
            if any(view.is_shown(i) for i in view.paragraphs_of(p.start, p.end))
        ]
        if not items:
            self.notify(
                "No highlights in this article. v selects text; h highlights a sentence.",
                severity="warning",
                timeout=3,
                markup=False,
            )
            return
        ids = [p.id for p in items]
        if view.current_highlight in ids:
            position = ids.index(view.current_highlight) + step
            wrapped = not 0 <= position < len(items)
            target = items[position % len(items)]
        else:
            base = self.article.paragraphs[self._base_paragraph()].start
            if step > 0:
                after = [p for p in items if p.start >= base]
                target, wrapped = (after[0], False) if after else (items[0], True)
            else:
                before = [p for p in items if p.start < base]
                target, wrapped = (before[-1], False) if before else (items[-1], True)
        self._end_selection()
        view.set_current_highlight(target.id)
        view.scroll_to_span(target.start)
        if wrapped:
            where = "first" if step > 0 else "last"
            self.notify(f"Wrapped to the {where} highlight", timeout=1.5, markup=False)
        self._update_status()
