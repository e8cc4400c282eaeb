"""Highlights and notes in the reader: what h / H / 1-6 / a / t / e / d / m / M / u do.

The reader owns one `Annotator` and runs its methods from its actions. The annotator works
through the parts it is given: the `AnnotationSession` (the stored annotations and the pen),
the article view that draws them and visual mode (the selection h, 1-6, a and t use). Its
changes are stored in workers (jobs.py); the fresh state comes back to the reader's
`HighlightDisplay` (display.py). Every change made here is remembered (undo.py), so `u`
takes it back. A read-only file (one that failed to parse) changes nothing: every key says
why instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from tuireader.app.annotations import dialogs
from tuireader.app.annotations.annotated_view import AnnotatedArticleView
from tuireader.app.annotations.jobs import start_save
from tuireader.app.annotations.model import Placed, label_display
from tuireader.app.annotations.note_dialog import NoteEdit
from tuireader.app.annotations.session import AnnotationSession, Change
from tuireader.app.annotations.spans import (
    Span,
    paragraph_sentences,
    paragraph_span,
    sentence_to_highlight,
)
from tuireader.app.annotations.spans import next_highlight as next_highlight_of
from tuireader.app.annotations.undo import UndoStack, reworded
from tuireader.app.annotations.visual import VisualMode
from tuireader.app.context import reader_context
from tuireader.app.shell.keys import key_for
from tuireader.core.annotations.anchoring import SelectionError
from tuireader.core.annotations.model import Annotation, new_annotation
from tuireader.core.corpus import Article
from tuireader.core.text import plural


class Annotator:
    """The reader's highlight actions over one article's annotations."""

    def __init__(
        self,
        host: Screen[Any],
        session: AnnotationSession,
        view: AnnotatedArticleView,
        visual: VisualMode,
        changed: Callable[[], None],
    ) -> None:
        """`host` is the reader (workers, notifications and dialogs go through it);
        `changed` is called whenever what the status line says may have changed."""
        self.host = host
        """The reader."""
        self.session = session
        """The article's annotations."""
        self.view = view
        """The article body that draws the highlights."""
        self.visual = visual
        """Visual mode: the selection that h, 1-6, a and t use when there is one."""
        self.undo_stack = UndoStack()
        """The changes made in this reader, which u takes back newest first."""
        self._changed = changed

    @property
    def article(self) -> Article:
        """The article annotated."""
        return self.session.article

    def _key(self, binding_id: str) -> str:
        return key_for(binding_id, reader_context(self.host).keymap_in_use)

    def _say(self, text: str, **options: Any) -> None:
        self.host.notify(text, markup=False, **options)

    # ------------------------------------------------------------------ what to highlight
    def _has_text(self) -> bool:
        if self.session.units.words and self.article.paragraphs:
            return True
        self._say("There is no text to highlight.", severity="warning")
        return False

    def _match_start(self) -> int | None:
        """Where the current match starts in the cursor paragraph (an offset into the
        paragraph; None when the current match, if any, is elsewhere)."""
        view = self.view
        index = view.base_paragraph()
        match = view.matches[view.current_match] if view.current_match is not None else None
        return match.start if match is not None and match.index == index else None

    def _sentence_span(self, say: bool = True) -> Span | None:
        """The sentence at the current match, else the cursor paragraph's first sentence
        that is not highlighted yet (so h, h, h highlights one after another); `say`: tell
        the user when every sentence is highlighted."""
        if not self._has_text():
            return None
        units, view = self.session.units, self.view
        paragraph = self.article.paragraphs[view.base_paragraph()]
        taken = {(p.start, p.end) for p in view.highlights}
        span = sentence_to_highlight(units, paragraph, self._match_start(), taken)
        if span is None and say and paragraph_sentences(units, paragraph):
            self._say(
                f"Every sentence of ¶ {paragraph.number} is highlighted. "
                f"Press {self._key('highlight.visual')} to select other text."
            )
        return span

    def _paragraph_span(self) -> Span | None:
        """The cursor paragraph, first word to last."""
        if not self._has_text():
            return None
        paragraph = self.article.paragraphs[self.view.base_paragraph()]
        return paragraph_span(self.session.units, paragraph)

    def _same_span(self, span: Span) -> Placed | None:
        return next((p for p in self.view.highlights if (p.start, p.end) == span), None)

    def _make_current_if_highlighted(self, span: Span) -> bool:
        """When a highlight covers exactly `span`, end the selection and make that highlight
        the current one (so an action meant for new words edits it instead); else False."""
        existing = self._same_span(span)
        if existing is None:
            return False
        self.visual.end()
        self.view.set_current_highlight(existing.id)
        return True

    def _writable(self) -> bool:
        """Whether the article's annotations may be changed (else say why)."""
        session = self.session
        if session.read_only:
            self._say(
                f"Annotations of this article are read-only: {session.problem}",
                title="Not saved",
                severity="error",
                timeout=8,
            )
            return False
        return True

    def _at_cursor_or_say(self) -> Placed | None:
        at = self.view.highlight_at_cursor()
        if at is None:
            paragraphs = self.article.paragraphs
            where = f"in ¶ {paragraphs[self.view.cursor].number}" if paragraphs else "here"
            key = self._key
            self._say(
                f"No highlight {where}. {key('highlight.next')} / {key('highlight.prev')} go "
                f"to the highlights; {key('highlight.visual')} selects text, "
                f"{key('highlight.sentence')} highlights a sentence.",
                severity="warning",
            )
        return at

    def _highlight_to_note(self) -> Placed | None:
        """The highlight `a` edits the note of, without a selection: the one under the
        current match, else (every sentence of the cursor paragraph being highlighted) the
        one at the cursor. None: `a` makes a new highlight."""
        if not self.session.units.words or not self.article.paragraphs:
            return None
        view = self.view
        index = view.base_paragraph()
        match_start = self._match_start()
        if match_start is not None:
            offset = self.article.paragraphs[index].start + match_start
            under = [p for p in view.highlights_in(index) if p.start <= offset < p.end]
            current = [p for p in under if p.id == view.current_highlight]
            return next(iter(current or under), None)
        if self._sentence_span(say=False) is None:
            return view.highlight_at_cursor()
        return None

    # ------------------------------------------------------------------ changes
    def _save(self, change: Change) -> None:
        start_save(self.host, self.session, change)
        if change.removes is not None:  # gone at once: m, e, d no longer find it
            current = self.view.current_highlight
            self.view.set_highlights(
                list(self.session.placed), None if current == change.removes else current
            )
            self._changed()

    def _create(
        self,
        span: Span,
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
            self.visual.end()
            self.view.set_current_highlight(existing.id)
            self.view.scroll_to_span(existing.start)
            if relabel and existing.annotation.label != label:
                self._update(dataclasses.replace(existing.annotation, label=label))
            else:
                edit, delete = self._key("highlight.edit"), self._key("highlight.delete")
                self._say(f"Already highlighted ({edit} edits it, {delete} deletes it).")
            self._changed()
            return
        try:
            annotation = new_annotation(
                self.article, span[0], span[1], label=label, note=note, tags=tags or ()
            )
        except SelectionError as error:
            self._say(str(error), severity="warning")
            return
        self.visual.end()
        words = plural(len(annotation.target.exact.split()), "word")
        self.undo_stack.made(annotation)
        self._save(self.session.adding(annotation, f"Highlighted {words} ({label or 'no label'})."))

    def _update(self, annotation: Annotation, done: str = "Saved.") -> None:
        """Store an edited highlight (remembering how it was, for u)."""
        if not self._writable():
            return
        before = self.session.find(annotation.id)
        if before is not None:
            self.undo_stack.edited(before.annotation)
        self._save(self.session.updating(annotation, done))

    def highlight(self) -> None:
        """Highlight the selection, else the sentence at the cursor (h)."""
        span = self.visual.span() or self._sentence_span()
        if span is not None:
            self._create(span, self.session.pen)

    def highlight_paragraph(self) -> None:
        """Highlight the whole cursor paragraph (H)."""
        span = self._paragraph_span()
        if span is not None:
            self._create(span, self.session.pen)

    def label(self, name: str) -> None:
        """1-6: label the selection, else relabel the highlight at the cursor, else
        highlight the sentence with this label. Also the label of the next h / H / a."""
        self.session.pen = name
        selected = self.visual.span()
        if selected is not None:
            self._create(selected, name, relabel=True)
            return
        at = self.view.highlight_at_cursor()
        if at is not None:
            if at.annotation.label == name:
                self._say(f"Already {label_display(name)}.", timeout=2)
            else:
                self._update(dataclasses.replace(at.annotation, label=name), f"Label: {name}.")
            return
        span = self._sentence_span()
        if span is not None:
            self._create(span, name)

    def annotate(self) -> None:
        """Highlight the selection (else the sentence) with a note (a); on a highlight
        (the selection is its words, the current match is in it, or every sentence of the
        cursor paragraph is highlighted), edit that highlight's note instead."""
        if not self._writable():
            return
        span = self.visual.span()
        if span is None:
            noted = self._highlight_to_note()
            if noted is not None:
                self._edit_note(noted)
                return
            span = self._sentence_span()
        if span is None:
            return
        existing = self._same_span(span)
        if existing is not None:  # the selection is a highlight's words
            self._edit_note(existing)
            return
        quote = self.article.text[span[0] : span[1]]

        def create(result: NoteEdit) -> None:
            self._create(span, result.label, note=result.note, tags=result.tags)

        dialogs.ask_new_note(self.host.app, quote, self.session.pen, create)

    def tags(self) -> None:
        """Tags of the highlight at the cursor; with a selection, highlight it with tags
        (t)."""
        if not self._writable():
            return
        span = self.visual.span()
        if span is not None:
            if self._make_current_if_highlighted(span):  # tag the highlight on these words
                self.tags()
                return
            label = self.session.pen

            def create(tags: list[str]) -> None:
                self._create(span, label, tags=tags)

            quote = self.article.text[span[0] : span[1]]
            dialogs.ask_new_tags(self.host.app, quote, label, create)
            return
        at = self._at_cursor_or_say()
        if at is not None:
            dialogs.ask_tags(
                self.host.app, at.annotation, lambda tagged: self._update(tagged, "Tags saved.")
            )

    def edit(self) -> None:
        """Edit the label, note and tags of the highlight at the cursor (e)."""
        if not self._writable():
            return
        at = self._at_cursor_or_say()
        if at is not None:
            dialogs.ask_edit(self.host.app, at.annotation, self._update)

    def _edit_note(self, placed: Placed) -> None:
        """Make `placed` the current highlight and open its note (a on a highlight)."""
        self.visual.end()
        self.view.set_current_highlight(placed.id)
        self._changed()
        dialogs.ask_edit(self.host.app, placed.annotation, self._update, title="Note")

    def delete(self) -> None:
        """Delete the highlight at the cursor, after a confirmation (d)."""
        if not self._writable():
            return
        at = self._at_cursor_or_say()
        if at is None:
            return
        annotation = at.annotation
        dialogs.confirm_delete(self.host.app, annotation, lambda: self._delete(annotation))

    def _delete(self, annotation: Annotation) -> None:
        """Delete a highlight (confirmed); its notice says how to undo it."""
        self.undo_stack.deleted(annotation)
        key = self._key("highlight.undo")
        change = self.session.deleting(annotation)
        self._save(reworded(change, lambda said: f"{said} Press {key} to undo."))

    def undo(self) -> None:
        """Take back the newest change made in this reader: a highlight made, an edit, a
        delete (u); again, the one before."""
        if not self._writable():
            return
        step = self.undo_stack.pop()
        if step is None:
            self._say(
                "Nothing to undo: no highlight was made, edited or deleted here since the "
                "article was opened.",
                timeout=3,
            )
            return
        self._save(step.undoing(self.session))

    def next_highlight(self, step: int) -> None:
        """Go to the next (m) or previous (M) highlight, across paragraphs."""
        view = self.view
        items = view.visible_highlights()
        if not items:
            self._say(
                f"No highlights in this article. {self._key('highlight.visual')} selects "
                f"text; {self._key('highlight.sentence')} highlights a sentence.",
                severity="warning",
                timeout=3,
            )
            return
        current = view.current_highlight
        base = 0
        if all(p.id != current for p in items):
            base = self.article.paragraphs[view.base_paragraph()].start
        target, wrapped = next_highlight_of(items, current, base, step)
        self.visual.end()
        view.set_current_highlight(target.id)
        view.scroll_to_span(target.start)
        if wrapped:
            where = "first" if step > 0 else "last"
            self._say(f"Wrapped to the {where} highlight", timeout=1.5)
        self._changed()
